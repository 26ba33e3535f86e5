#!/usr/bin/env bash
# The one-token proof: for every Kubernetes version the catalog carries, change the customer's definition to it
# (`kubernetes: "1.xx"` in platform-bin/src/platform.rs) on a scratch copy of the workspace, build and render
# that, and run the validators on the render: terraform plan against moto (deploy/destroy for the oldest and the
# newest carried version), checkov on the plan and kubernetes-validate for that version. (Terraform validate, the
# provider schemas and the upstream conformance tests run for every carried version inside `cargo test`.) Also
# helm lint/template of the local chart and kubectl kustomize of manifests/ at that version (scripts/ci/helm-lint.sh). Writes
# target/ci/versions/<v>/ and a counts line.
#
# Usage: scripts/ci/versions.sh [VERSION ...]   (default: every carried version, `platform versions`)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
base=$CI_OUT/versions
scratch=$base/workspace
mkdir -p "$CI_OUT/counts"

if [[ $# -gt 0 ]]; then versions=("$@"); else
  mapfile -t versions < <(cargo run --locked -q -p platform-bin -- versions | cut -f1)
fi
[[ ${#versions[@]} -gt 0 ]] || { echo "error: no carried Kubernetes version listed" >&2; exit 1; }
oldest=${versions[0]} newest=${versions[-1]}

# The workspace as committed plus the work tree's edits (tracked files only), outside the repository's own
# target/ so that the copy builds with its own fingerprints but reuses compiled dependencies.
scratch_workspace "$scratch"
seed_target target/versions
declared=$(grep -oE 'kubernetes: "1\.[0-9]+"' platform-bin/src/platform.rs)
[[ $(grep -c "$declared" platform-bin/src/platform.rs) -eq 1 ]] ||
  { echo "error: platform-bin/src/platform.rs must declare the Kubernetes version exactly once" >&2; exit 1; }

declared_version=${declared#kubernetes: }
declared_version=${declared_version//\"/}

# The scanners of one version's render (after its plan: checkov reads the plan JSON).
scan() {
  local v=$1 out=$base/$1
  CI_OUT=$out CHECKOV_STALE_SKIPS=ignore bash scripts/ci/checkov.sh "$out/render"
  CI_OUT=$out bash scripts/ci/kubernetes.sh "$out/render" "$v"
  CI_OUT=$out bash scripts/ci/helm-lint.sh "$out/render" "$v"
}
# The oldest and the newest carried version are deployed and destroyed against moto (the declared one already was),
# then scanned.
deployed() {
  local v=$1 began=$SECONDS
  CI_OUT=$base/$v bash scripts/moto-apply.sh "$base/$v/render"
  scan "$v"
  echo "versions: $v: deployed, destroyed and scanned in $((SECONDS - began)) s"
}
# The others are planned in one moto_server (one archive applied for all: a third of each plan's time was
# starting moto and applying the archive again), then scanned two at a time (the deploys beside them mostly wait).
planned() {
  local began=$SECONDS v renders=() running=0 status=0
  for v; do renders+=("$base/$v/render"); done
  CI_OUT=$base MOTO_PLAN_ONLY=1 bash scripts/moto-apply.sh "${renders[@]}"
  echo "versions: $*: planned in $((SECONDS - began)) s"
  for v; do
    if ((running == 2)); then wait -n || status=1; running=$((running - 1)); fi
    (began=$SECONDS; scan "$v" && echo "versions: $v: scanned in $((SECONDS - began)) s") >"$base/$v/validate.log" 2>&1 &
    running=$((running + 1))
  done
  while ((running > 0)); do wait -n || status=1; running=$((running - 1)); done
  for v; do cat "$base/$v/validate.log"; done
  return $status
}
built=()
for v in "${versions[@]}"; do
  if [[ $v == "$declared_version" ]]; then
    # The definition as declared: the steps before this one rendered and validated it (moto deploy/destroy too).
    echo "versions: $v: the declared version, validated by the steps above"
    continue
  fi
  out=$base/$v
  rm -rf "$out" && mkdir -p "$out"
  sed "s/$declared/kubernetes: \"$v\"/" platform-bin/src/platform.rs >"$scratch/platform-bin/src/platform.rs"
  echo "versions: $v: build and render the definition with kubernetes: \"$v\""
  began=$SECONDS
  CARGO_TARGET_DIR=$PWD/target/versions cargo run --locked -q --manifest-path "$scratch/Cargo.toml" -p platform-bin -- \
    render --environment-suffix ci --account-id 111122223333 --local-state --out "$out/render" >/dev/null
  rendered=$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["resource"]["aws_eks_cluster"]["main"]["version"])' \
    "$out/render/terraform/infra/main.tf.json")
  [[ $rendered == "$v" ]] || { echo "error: the one-token change to $v rendered a $rendered cluster" >&2; exit 1; }
  echo "versions: $v: built and rendered in $((SECONDS - began)) s"
  built+=("$v")
done

# Side by side: the deploy of the oldest and the newest carried version where not declared (most of its time is
# the provider's waits), and the plans and scans of the others. Their logs are printed once all have finished; any
# failure fails the step.
deploy=() plan=()
for v in "${built[@]}"; do [[ $v == "$oldest" || $v == "$newest" ]] && deploy+=("$v") || plan+=("$v"); done
declare -A jobs=()
trap 'kill "${!jobs[@]}" 2>/dev/null || true' EXIT
for v in "${deploy[@]}"; do
  deployed "$v" >"$base/$v/validate.log" 2>&1 &
  jobs[$!]=$v
done
if ((${#plan[@]} > 0)); then
  planned "${plan[@]}" >"$base/planned.log" 2>&1 &
  jobs[$!]="${plan[*]}"
fi
failed=()
for job in "${!jobs[@]}"; do wait "$job" || failed+=("${jobs[$job]}"); done
trap - EXIT
for v in "${deploy[@]}"; do cat "$base/$v/validate.log"; done
((${#plan[@]} == 0)) || cat "$base/planned.log"
((${#failed[@]} == 0)) || { echo "error: the validators failed on Kubernetes ${failed[*]} (logs above)" >&2; exit 1; }
others=$(printf '%s\n' "${versions[@]}" | { grep -vxF "$declared_version" || true; } | paste -sd ' ')
echo "versions: ${#versions[@]} carried version(s): the declared $declared_version validated by the steps above; the one-token change to each other one built, rendered and validated ($others); moto deploy/destroy on $oldest and $newest, plan on the others" |
  tee "$CI_OUT/counts/versions.txt"
