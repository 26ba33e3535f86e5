#!/usr/bin/env bash
# Deploys every rendered aws-only Terraform root against moto_server (the AWS emulator), asserts what was
# created by querying moto, destroys it and asserts that nothing is left. Offline: moto runs on 127.0.0.1.
#
# Usage: scripts/moto-apply.sh [RENDER_DIR]   (default: renders the customer's platform into target/ci/render)
#        MOTO_PLAN_ONLY=1 scripts/moto-apply.sh RENDER_DIR...
# With MOTO_PLAN_ONLY=1 it stops after the plan (plan.json for the scanners, a counts line): the version matrix
# (scripts/ci/versions.sh) deploys only its oldest and newest version. Plan-only, it takes several renders of one platform
# (the version matrix's): one moto_server, their common archive root applied once, each render's roots planned
# against it; each render's outputs then go to its parent directory instead of $CI_OUT.
# Installs the pinned Python tools (scripts/ci/requirements.txt) into .venv-ci/ on first use. Writes, per root,
# target/ci/<root>/plan.json (the full plan, read by the scanners), target/ci/<root>/state.json (the state after
# apply) and target/ci/counts/moto-<root>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ci/lib.sh

# Resource types moto_server does not implement (MOTO_UNSUPPORTED_TYPES, scripts/ci/lib.sh): planned (and so
# validated and scanned) but left out of apply with -target.
EXCLUDED_TYPES=("${MOTO_UNSUPPORTED_TYPES[@]}")
# Deploy-time inputs: one allowed CIDR for the public endpoint, one break-glass role and the pod network in place
# (moto runs no Kubernetes, so nothing waits for Calico), so that every resource block of the root has exactly one
# instance.
TF_VARS=(-var 'public_access_cidrs=["203.0.113.0/24"]'
  -var 'cluster_admin_role_arns=["arn:aws:iam::123456789012:role/break-glass"]'
  -var pod_network_ready=true)

ensure_venv
if [[ $# -ge 1 ]]; then renders=("$@"); else ensure_render; renders=("$CI_OUT/render"); fi
[[ ${#renders[@]} -eq 1 || ${MOTO_PLAN_ONLY:-} == 1 ]] ||
  { echo "error: several renders are planned only (MOTO_PLAN_ONLY=1), one at a time deployed" >&2; exit 1; }
render=${renders[0]}
# Where a render's plans, state and counts go.
out_of() { if ((${#renders[@]} == 1)); then echo "$CI_OUT"; else dirname "$1"; fi; }
command -v terraform >/dev/null || { echo "error: terraform is not on PATH" >&2; exit 1; }
export TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_FILE=$(write_cli_config)
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 AWS_EC2_METADATA_DISABLED=true
unset TF_DATA_DIR TF_LOG

port=$(free_port)
endpoint="http://127.0.0.1:$port"
moto_pid=
stop_moto() { if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi; }
trap stop_moto EXIT
mkdir -p "$CI_OUT/counts"
# AWS managed policies (AmazonEKSClusterPolicy, …) exist in moto only when it is told to load them.
# One request at a time: under load a threaded moto_server interleaves calls inside its lock-free backends
# (scripts/ci/moto_serve.py).
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$VENV/bin/python" scripts/ci/moto_serve.py "$port" >"$CI_OUT/moto_server.log" 2>&1 &
moto_pid=$!
up() { "$VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$endpoint/moto-api/" 2>/dev/null; }
for _ in $(seq 1 150); do
  up && break
  kill -0 "$moto_pid" 2>/dev/null || { echo "error: moto_server exited; see $CI_OUT/moto_server.log" >&2; exit 1; }
  sleep 0.2
done
up || { echo "error: moto_server did not answer on $endpoint" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=moto

# The archive root first: the infra root reads its bucket and key by name. Applied whole (its bucket policy left
# out: moto 5.2.5 applies the `aws:SecureTransport` deny to every request, see scripts/ci/moto-deploy.sh) and
# destroyed after the other roots.
archive_main="$render/terraform/archive/main.tf.json"
archive_out=$(out_of "$render")
archive_work="$archive_out/moto/archive"
if [[ -f "$archive_main" ]]; then
  AWS_DEFAULT_REGION=$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["provider"]["aws"][0]["region"])' "$archive_main")
  export AWS_DEFAULT_REGION
  rm -rf "$archive_work" && mkdir -p "$archive_work"
  cp "$archive_main" "$archive_work/main.tf.json"
  "$VENV/bin/python" scripts/ci/tfjson.py override "$endpoint" >"$archive_work/zz_test_override.tf.json"
  echo "moto: archive: init + plan + apply"
  terraform -chdir="$archive_work" init -backend=false -input=false -no-color >"$archive_work/init.log"
  # The whole root's plan (bucket policy included) for the scanners, as for every other root.
  terraform -chdir="$archive_work" plan -input=false -no-color -lock=false -out=plan.bin >"$archive_work/plan.log"
  mkdir -p "$archive_out/archive"
  terraform -chdir="$archive_work" show -json plan.bin >"$archive_out/archive/plan.json"
  "$VENV/bin/python" scripts/ci/tfjson.py without "$archive_main" aws_s3_bucket_policy >"$archive_work/zz_unsupported_override.tf.json"
  # Plan only: the archive is a fixture, so only what the other roots read through data sources is applied (the
  # bucket, the key and its alias). The provider waits about a minute for a lifecycle configuration to read back
  # the same three times in a row, and the version matrix would pay that once per version; the deploys apply
  # the archive whole (here without MOTO_PLAN_ONLY, and scripts/ci/moto-deploy.sh).
  archive_targets=()
  if [[ ${MOTO_PLAN_ONLY:-} == 1 ]]; then
    while read -r address; do archive_targets+=("-target=$address"); done \
      < <("$VENV/bin/python" scripts/ci/tfjson.py only "$archive_main" aws_s3_bucket aws_kms_key aws_kms_alias)
  fi
  terraform -chdir="$archive_work" apply -auto-approve -input=false -no-color -lock=false "${archive_targets[@]}" \
    >"$archive_work/apply.log" 2>&1 ||
    { tail -n 40 "$archive_work/apply.log" >&2; echo "error: the archive root's apply against moto failed" >&2; exit 1; }
  # The other renders' archive root is the same file (it does not depend on the Kubernetes version), so the
  # same plan.
  for other in "${renders[@]:1}"; do
    cmp -s "$archive_main" "$other/terraform/archive/main.tf.json" ||
      { echo "error: $other has another archive root than $render: plan them in separate runs" >&2; exit 1; }
    mkdir -p "$(out_of "$other")/archive"
    cp "$archive_out/archive/plan.json" "$(out_of "$other")/archive/plan.json"
  done
fi

for render in "${renders[@]}"; do
  out=$(out_of "$render")
  ((${#renders[@]} == 1)) || echo "moto: $render"
  mkdir -p "$out/counts"
  roots=0
  for main in "$render"/terraform/*/main.tf.json; do
    [[ -f "$main" ]] || continue
    root=$(basename "$(dirname "$main")")
    [[ "$root" == archive ]] && continue
    providers=$("$VENV/bin/python" scripts/ci/tfjson.py providers "$main")
    if [[ "$providers" != "aws" ]]; then
      echo "moto: root '$root' uses providers [$providers]; only aws-only roots are deployed to moto (a Kubernetes API is not emulated)"
      continue
    fi
    roots=$((roots + 1))
    # The region the root deploys to, where scripts/ci/moto_assert.py looks for what it created.
    AWS_DEFAULT_REGION=$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["provider"]["aws"][0]["region"])' "$main")
    export AWS_DEFAULT_REGION
    work="$out/moto/$root"
    rm -rf "$work" && mkdir -p "$work"
    cp "$main" "$work/main.tf.json"
    # Test-only provider settings, beside the copy (never in the rendered root).
    "$VENV/bin/python" scripts/ci/tfjson.py override "$endpoint" >"$work/zz_test_override.tf.json"

    echo "moto: $root: init + plan"
    terraform -chdir="$work" init -backend=false -input=false -no-color >"$work/init.log"
    terraform -chdir="$work" plan -input=false -no-color -lock=false "${TF_VARS[@]}" -out=plan.bin >"$work/plan.log"
    mkdir -p "$out/$root"
    terraform -chdir="$work" show -json plan.bin >"$out/$root/plan.json"
    planned=$("$VENV/bin/python" scripts/ci/tfjson.py planned "$out/$root/plan.json")
    if [[ ${MOTO_PLAN_ONLY:-} == 1 ]]; then
      echo "moto $root: planned $planned (plan only)" | tee "$out/counts/moto-$root.txt"
      continue
    fi

    targets=()
    while read -r address; do targets+=("-target=$address"); done \
      < <("$VENV/bin/python" scripts/ci/tfjson.py targets "$main" "${EXCLUDED_TYPES[@]}")
    echo "moto: $root: apply ${#targets[@]} resource block(s) of $planned planned (excluded types: ${EXCLUDED_TYPES[*]})"
    if ! terraform -chdir="$work" apply -auto-approve -input=false -no-color -lock=false "${TF_VARS[@]}" "${targets[@]}" \
      >"$work/apply.log" 2>&1; then
      grep -E '^(Error|│ Error)' -A3 "$work/apply.log" >&2 || tail -n 40 "$work/apply.log" >&2
      echo "error: terraform apply against moto failed (log: $work/apply.log)" >&2
      exit 1
    fi
    terraform -chdir="$work" show -json >"$work/state.json"
    cp "$work/state.json" "$out/$root/state.json"   # concrete IAM documents for scripts/ci/parliament.sh
    applied=$("$VENV/bin/python" scripts/ci/tfjson.py managed "$work/state.json")
    "$VENV/bin/python" scripts/ci/moto_assert.py applied "$endpoint" "$work/state.json" "$main"

    # The gate of a root with node groups: pod_network_ready=false on a cluster that has them must fail the plan
    # (data.aws_eks_node_groups, read from moto's ListNodegroups, and its postcondition).
    if grep -q '"aws_eks_node_groups"' "$main"; then
      if terraform -chdir="$work" plan -input=false -no-color -lock=false "${TF_VARS[@]}" -var pod_network_ready=false \
        >"$work/gate.log" 2>&1; then
        echo "error: pod_network_ready=false planned on a cluster with node groups (log: $work/gate.log)" >&2
        exit 1
      fi
      grep -q 'pod_network_ready is false, but cluster' "$work/gate.log" || {
        tail -n 20 "$work/gate.log" >&2
        echo "error: the plan with pod_network_ready=false failed, but not on the gate (log: $work/gate.log)" >&2
        exit 1
      }
      echo "moto: $root: pod_network_ready=false on a cluster with node groups fails the plan, as it must"
    fi

    echo "moto: $root: destroy"
    if ! terraform -chdir="$work" destroy -auto-approve -input=false -no-color -lock=false "${TF_VARS[@]}" \
      >"$work/destroy.log" 2>&1; then
      tail -n 40 "$work/destroy.log" >&2
      echo "error: terraform destroy against moto failed (log: $work/destroy.log)" >&2
      exit 1
    fi
    destroyed=$(sed -n 's/.*Destroy complete! Resources: \([0-9]*\) destroyed.*/\1/p' "$work/destroy.log")
    left=$(terraform -chdir="$work" state list | wc -l)
    [[ "$left" -eq 0 ]] || { echo "error: $left resource(s) left in the state after destroy" >&2; exit 1; }
    "$VENV/bin/python" scripts/ci/moto_assert.py destroyed "$endpoint" "$work/state.json"
    [[ "$destroyed" -eq "$applied" ]] || { echo "error: applied $applied but destroyed $destroyed" >&2; exit 1; }
    line="moto $root: planned $planned, applied $applied, destroyed $destroyed (not applied: $((planned - applied)) of types moto lacks)"
    echo "$line" | tee "$out/counts/moto-$root.txt"
  done
  [[ $roots -gt 0 ]] || { echo "error: no aws-only Terraform root found under $render/terraform" >&2; exit 1; }
done
if [[ -f "$archive_main" ]]; then
  echo "moto: archive: destroy"
  terraform -chdir="$archive_work" destroy -auto-approve -input=false -no-color -lock=false >"$archive_work/destroy.log" 2>&1 ||
    { tail -n 40 "$archive_work/destroy.log" >&2; echo "error: the archive root's destroy against moto failed" >&2; exit 1; }
fi
