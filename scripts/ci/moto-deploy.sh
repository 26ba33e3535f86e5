#!/usr/bin/env bash
# `platform deploy` of the archive and infra steps against moto_server, as a team runs it: the state bucket's root
# applied first, then `platform deploy --only archive --only infra` with the rendered S3 backend (remote state,
# KMS-encrypted, native lock file), interrupted at the infra root's second confirmation and resumed from the state
# it reads, `platform plan` reading the environment as complete, the pod_network_ready gate, and `platform
# destroy`. Asserts what moto holds after the deploy (scripts/ci/moto_assert.py) and that nothing is left after the
# destroy. Then a production-like suffix (`prod`, not in `log_archive_destroyable_in`): deployed, its infra root
# destroyed cleanly by `platform destroy`, its archive (bucket with Object Lock in COMPLIANCE mode, key) left.
# The two suites run at the same time, each against a moto_server and a state bucket of its own (the `ci` suite's
# destroy asserts that moto holds nothing of it, which a `prod` deployment beside it would break): most of their
# time is the provider's waits, not work.
#
# Test-only settings, never in a rendered file: the provider endpoints (`zz_moto_override.tf.json`), the backend
# endpoints (`--backend-config moto.s3.tfbackend`), and `zz_moto_unsupported_override.tf.json` giving the resource
# types moto lacks no instance (MOTO_UNSUPPORTED_TYPES, scripts/ci/lib.sh), and the state and archive buckets no
# bucket policy: moto 5.2.5 does not know the `aws:SecureTransport` condition key, so it applies the TLS-only deny
# to every request (its HeadObject of the state answers 403 over HTTP and HTTPS alike).
#
# Usage: scripts/ci/moto-deploy.sh [ci|prod]   (default: both suites, concurrently)
# Writes target/ci/deploy/<suite>/ (logs), target/ci/infra/state.json (the state after the `ci` deploy, for
# scripts/ci/parliament.sh) and target/ci/counts/moto-deploy.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
command -v terraform >/dev/null || { echo "error: terraform is not on PATH" >&2; exit 1; }
export TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_FILE=$(write_cli_config)
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=moto
unset TF_DATA_DIR TF_LOG
cargo build --locked -q -p platform-bin
platform=target/debug/platform
py() { "$VENV/bin/python" "$@"; }
fail() { echo "error: $*" >&2; exit 1; }

# The start of a suite: its work directory, a moto_server of its own (stopped when the suite exits), the state
# bucket's root applied there, the backend settings pointing at it, and the suite's render with its overrides.
# Sets work, endpoint, bucket, run, flags (the suite's platform arguments).
setup() {
  work="$CI_OUT/deploy/$1"
  rm -rf "$work" && mkdir -p "$work"
  trap stop_moto EXIT
  start_moto
  endpoint=$MOTO_ENDPOINT
  echo "moto-deploy $1: the state bucket"
  $platform state-bucket --out "$work/state-bucket" >/dev/null
  AWS_DEFAULT_REGION=$(py -c 'import json, sys; print(json.load(open(sys.argv[1]))["provider"]["aws"][0]["region"])' \
    "$work/state-bucket/main.tf.json")
  export AWS_DEFAULT_REGION
  py scripts/ci/tfjson.py override "$endpoint" >"$work/state-bucket/zz_moto_override.tf.json"
  py scripts/ci/tfjson.py without "$work/state-bucket/main.tf.json" aws_s3_bucket_policy \
    >"$work/state-bucket/zz_moto_unsupported_override.tf.json"
  terraform -chdir="$work/state-bucket" init -input=false -no-color >"$work/state-bucket.log"
  terraform -chdir="$work/state-bucket" apply -auto-approve -input=false -no-color >>"$work/state-bucket.log" 2>&1 ||
    { tail -n 30 "$work/state-bucket.log" >&2; fail "the state bucket's apply failed"; }
  bucket=$(terraform -chdir="$work/state-bucket" output -raw bucket)
  cat >"$work/moto.s3.tfbackend" <<BACKEND
endpoints = { s3 = "$endpoint", sts = "$endpoint", iam = "$endpoint" }
use_path_style = true
skip_credentials_validation = true
skip_requesting_account_id = true
skip_metadata_api_check = true
skip_region_validation = true
BACKEND
  run=(--only archive --only infra --backend-config "$work/moto.s3.tfbackend")
  flags=(--environment-suffix "$1" --out "$work/render" --state-bucket "$bucket" --public-access-cidr 203.0.113.0/24
    --cluster-admin-role-arn arn:aws:iam::123456789012:role/break-glass)
  $platform render "${flags[@]}" >/dev/null
  overrides "$work/render"
}

# The test-only overrides beside the rendered roots of `$1` (`deploy` renders again; override files are the
# documented extension and are kept).
overrides() {
  local out=$1
  py scripts/ci/tfjson.py override "$endpoint" >"$out/terraform/infra/zz_moto_override.tf.json"
  py scripts/ci/tfjson.py without "$out/terraform/infra/main.tf.json" "${MOTO_UNSUPPORTED_TYPES[@]}" \
    >"$out/terraform/infra/zz_moto_unsupported_override.tf.json"
  py scripts/ci/tfjson.py override "$endpoint" >"$out/terraform/archive/zz_moto_override.tf.json"
  py scripts/ci/tfjson.py without "$out/terraform/archive/main.tf.json" aws_s3_bucket_policy \
    >"$out/terraform/archive/zz_moto_unsupported_override.tf.json"
}

# `ci` (its archive destroyable): deployed in two runs, planned, destroyed whole.
suite_ci() {
  local started=$SECONDS
  setup ci
  local infra="$work/render/terraform/infra" archive="$work/render/terraform/archive"

  echo "moto-deploy ci: platform deploy, the infra root's second step refused at its confirmation"
  if printf 'yes\nyes\nno\n' | $platform deploy "${flags[@]}" "${run[@]}" >"$work/deploy-1.log" 2>&1; then
    fail "deploy went on without a 'yes' (log: $work/deploy-1.log)"
  fi
  grep -q '==> step 1/3 (archive).*applied in' "$work/deploy-1.log" ||
    { tail -n 30 "$work/deploy-1.log" >&2; fail "the archive was not applied first (log: $work/deploy-1.log)"; }
  grep -q '==> step 2/3 (infra (pod_network_ready=false)).*applied in' "$work/deploy-1.log" ||
    { tail -n 30 "$work/deploy-1.log" >&2; fail "step 2 was not applied (log: $work/deploy-1.log)"; }
  grep -q 'step 3/3 (infra (pod_network_ready=true)) not applied (not confirmed)' "$work/deploy-1.log" ||
    { tail -n 30 "$work/deploy-1.log" >&2; fail "step 3 did not stop at its confirmation (log: $work/deploy-1.log)"; }

  echo "moto-deploy ci: platform deploy again resumes from the state (a cluster without node groups)"
  $platform deploy "${flags[@]}" "${run[@]}" --auto-approve >"$work/deploy-2.log" 2>&1 ||
    { tail -n 40 "$work/deploy-2.log" >&2; fail "the resumed deploy failed (log: $work/deploy-2.log)"; }
  grep -q 'a cluster without node groups (resuming the first deployment)' "$work/deploy-2.log" ||
    fail "the resumed deploy did not read the state as a cluster without node groups (log: $work/deploy-2.log)"
  grep -q '==> step 3/3 (infra (pod_network_ready=true)).*applied in' "$work/deploy-2.log" ||
    fail "the node groups' step was not applied (log: $work/deploy-2.log)"
  grep '==> ' "$work/deploy-2.log" | sed 's/^/  /'

  # The state is in the bucket under the root's key, KMS-encrypted, and no lock object is left.
  py - "$endpoint" "$bucket" <<'PY'
import sys, boto3
endpoint, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint)
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
assert keys == ["fintech/ci/archive.tfstate", "fintech/ci/infra.tfstate"], f"objects in the state bucket: {keys}"
for key in keys:
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head.get("ServerSideEncryption") == "aws:kms", head
    print(f"  state: s3://{bucket}/{key}, {head['ContentLength']} bytes, {head['ServerSideEncryption']}, no lock left")
PY

  terraform -chdir="$infra" show -json >"$work/state.json"
  mkdir -p "$CI_OUT/infra"
  cp "$work/state.json" "$CI_OUT/infra/state.json"   # concrete IAM documents for scripts/ci/parliament.sh
  local applied
  applied=$(py scripts/ci/tfjson.py managed "$work/state.json")
  py scripts/ci/moto_assert.py applied "$endpoint" "$work/state.json" "$infra/main.tf.json"

  if terraform -chdir="$infra" plan -input=false -no-color -var pod_network_ready=false >"$work/gate.log" 2>&1; then
    fail "pod_network_ready=false planned on a cluster with node groups (log: $work/gate.log)"
  fi
  grep -q 'pod_network_ready is false, but cluster' "$work/gate.log" || fail "the plan failed, but not on the gate"

  $platform plan "${flags[@]}" "${run[@]}" >"$work/plan.log" 2>&1 || { tail -n 30 "$work/plan.log" >&2; fail "platform plan failed"; }
  grep -q 'plan: a cluster with node groups; 2 step(s): archive, infra (pod_network_ready=true)$' "$work/plan.log" ||
    fail "platform plan did not read the environment as complete (log: $work/plan.log)"

  echo "moto-deploy ci: platform destroy"
  $platform destroy "${flags[@]}" "${run[@]}" --auto-approve >"$work/destroy.log" 2>&1 ||
    { tail -n 40 "$work/destroy.log" >&2; fail "platform destroy failed (log: $work/destroy.log)"; }
  local left
  left=$(terraform -chdir="$infra" state list | wc -l)
  [[ "$left" -eq 0 ]] || fail "$left resource(s) left in the state after destroy"
  left=$(terraform -chdir="$archive" state list | wc -l)
  [[ "$left" -eq 0 ]] || fail "ci's archive is destroyable, but $left resource(s) are left in its state"
  py scripts/ci/moto_assert.py destroyed "$endpoint" "$work/state.json"
  echo "infra applied $applied resources in two steps (interrupted, resumed) with S3 state, destroyed ($((SECONDS - started)) s)" \
    >"$work/count.txt"
}

# `prod` (retains its archive): deployed, then destroyed, the archive left with its Object Lock.
suite_prod() {
  local started=$SECONDS
  setup prod
  echo "moto-deploy prod: deploy, then destroy, the archive left"
  $platform deploy "${flags[@]}" "${run[@]}" --auto-approve >"$work/deploy.log" 2>&1 ||
    { tail -n 40 "$work/deploy.log" >&2; fail "prod's deploy failed (log: $work/deploy.log)"; }
  $platform destroy "${flags[@]}" "${run[@]}" --auto-approve >"$work/destroy.log" 2>&1 ||
    { tail -n 40 "$work/destroy.log" >&2; fail "prod's infra did not destroy (log: $work/destroy.log)"; }
  grep -q '==> archive: kept' "$work/destroy.log" || fail "prod's destroy did not say it keeps the archive"
  local prod_infra prod_archive
  prod_infra=$(terraform -chdir="$work/render/terraform/infra" state list | wc -l)
  [[ "$prod_infra" -eq 0 ]] || fail "$prod_infra resource(s) left in prod's infra state after destroy"
  prod_archive=$(terraform -chdir="$work/render/terraform/archive" state list | wc -l)
  py - "$endpoint" "$(terraform -chdir="$work/render/terraform/archive" output -raw bucket)" <<'PY'
import sys, boto3
endpoint, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint)
lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
assert lock["ObjectLockEnabled"] == "Enabled", lock
assert lock["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE", lock
print(f"  prod: s3://{bucket} kept, Object Lock {lock['Rule']['DefaultRetention']}")
PY
  [[ "$prod_archive" -gt 0 ]] || fail "prod's archive state is empty after destroy"
  echo "prod infra destroyed, its archive ($prod_archive resources, Object Lock) kept ($((SECONDS - started)) s)" \
    >"$work/count.txt"
}

case ${1:-both} in
  ci) suite_ci ;;
  prod) suite_prod ;;
  both)
    started=$SECONDS
    rm -rf "$CI_OUT/deploy" && mkdir -p "$CI_OUT/deploy" "$CI_OUT/counts"
    bash scripts/ci/moto-deploy.sh ci >"$CI_OUT/deploy/ci.log" 2>&1 &
    ci_pid=$!
    bash scripts/ci/moto-deploy.sh prod >"$CI_OUT/deploy/prod.log" 2>&1 &
    prod_pid=$!
    trap 'kill "$ci_pid" "$prod_pid" 2>/dev/null || true' EXIT
    status=0
    wait "$ci_pid" || status=1
    wait "$prod_pid" || status=1
    cat "$CI_OUT/deploy/ci.log" "$CI_OUT/deploy/prod.log"
    ((status == 0)) || fail "a moto-deploy suite failed (its log above)"
    line="moto platform deploy: $(cat "$CI_OUT/deploy/ci/count.txt"); $(cat "$CI_OUT/deploy/prod/count.txt"); $((SECONDS - started)) s"
    echo "$line" | tee "$CI_OUT/counts/moto-deploy.txt"
    ;;
  *) fail "usage: scripts/ci/moto-deploy.sh [ci|prod]" ;;
esac
