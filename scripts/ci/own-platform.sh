#!/usr/bin/env bash
# Two proofs that the definition under test is the user's:
#  1. A platform declared in a crate of its own (examples/payments-sandbox: `platform_cli::main(&platform! {…})`)
#     builds, renders and passes the validators: terraform plan (which validates) and deploy/destroy of its infra
#     root against moto (scripts/moto-apply.sh), checkov on the plan and the manifests, kubernetes-validate.
#  2. A user who adds a tenant to platform-bin/src/platform.rs keeps `cargo test` green: on a scratch copy of the
#     workspace (as scripts/ci/versions.sh makes one), a tenant is added to the declared platform and the
#     integration tests (platform-tests) and platform-bin's tests run there.
# Writes target/ci/own-platform/ and a counts line.
#
# Usage: scripts/ci/own-platform.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
base=$CI_OUT/own-platform
mkdir -p "$CI_OUT/counts"

# 1. The example crate, rendered with manifests (111122223333: the AWS documentation account).
example=payments-sandbox
out=$base/example
rm -rf "$out" && mkdir -p "$out"
echo "own-platform: build and render examples/$example"
cargo run --locked -q -p "$example" -- render --environment-suffix ci --account-id 111122223333 --local-state \
  --out "$out/render" >/dev/null
# Its validators (single-threaded Python and Terraform) run in the background while part 2 compiles and tests.
validate_example() {
  CI_OUT=$out bash scripts/moto-apply.sh "$out/render"
  CI_OUT=$out CHECKOV_STALE_SKIPS=ignore bash scripts/ci/checkov.sh "$out/render"
  CI_OUT=$out bash scripts/ci/kubernetes.sh "$out/render"
}
validate_example >"$out/validate.log" 2>&1 &
validating=$!
trap 'kill "$validating" 2>/dev/null || true' EXIT

# 2. A tenant added to the declared platform, on a scratch copy (tracked files, with the work tree's edits).
scratch=$base/workspace
scratch_workspace "$scratch"
seed_target target/versions
definition=platform-bin/src/platform.rs
# The new tenant runs on the first declared node group and goes before the first addon, as a user would write it;
# its name has an underscore, so the tests' namespace (`ci-added`) and Terraform key (`ci_added`) differ.
"$VENV/bin/python" - "$definition" "$scratch/$definition" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
group = re.search(r"^\s*node_group (\w+) \{", text, re.M).group(1)
addon = re.search(r"^(\s*)addon \w+", text, re.M)
indent = addon.group(1).lstrip("\n")
tenant = (f"{indent}tenant ci_added {{\n"
          f"{indent}    node_groups: [{group}],\n"
          f"{indent}    groups: {{ admin: \"0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f\" }},\n"
          f"{indent}    quota: {{ cpu: \"2\", memory: \"4Gi\", pods: 20 }},\n"
          f"{indent}}}\n")
start = addon.start() + (1 if text[addon.start()] == "\n" else 0)
open(sys.argv[2], "w").write(text[:start] + tenant + text[start:])
PY
grep -q "tenant ci_added" "$scratch/$definition" || { echo "error: the tenant was not added" >&2; exit 1; }
declared=$(grep -cE '^\s*tenant \w+ \{' "$scratch/$definition")
echo "own-platform: cargo test -p platform-tests -p platform-bin with tenant ci_added added ($declared tenants)"
log=$base/tenant-added-tests.log
# The same target directory as scripts/ci/versions.sh: the scratch copies share their compiled dependencies.
if ! CARGO_TARGET_DIR=$PWD/target/versions cargo test --locked --manifest-path "$scratch/Cargo.toml" \
  -p platform-tests -p platform-bin >"$log" 2>&1; then
  grep -E '^(test .* FAILED|---- |thread .* panicked|error)' "$log" >&2 || tail -n 40 "$log" >&2
  echo "error: adding a tenant to $definition breaks cargo test (log: $log)" >&2
  exit 1
fi
status=0
wait "$validating" || status=$?
cat "$out/validate.log"
((status == 0)) || { echo "error: the validators failed on examples/$example (log above)" >&2; exit 1; }
passed=$(sed -n 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
echo "own-platform: examples/$example rendered and validated (terraform plan, moto deploy/destroy, checkov, kubernetes-validate); tenant ci_added added to $definition: $passed tests of platform-tests and platform-bin pass" |
  tee "$CI_OUT/counts/own-platform.txt"
