#!/usr/bin/env bash
# `platform deploy` of the archive and infra steps against moto_server, as a team runs it: the state bucket's root
# applied first, then `platform deploy --only archive --only infra` with the rendered S3 backend (remote state,
# KMS-encrypted, native lock file), interrupted at the infra root's second confirmation and resumed from the state
# it reads, `platform plan` reading the environment as complete, the pod_network_ready gate, and `platform
# destroy`. Asserts what moto holds after the deploy (scripts/ci/moto_assert.py) and that nothing is left after the
# destroy. Then a production-like suffix (`prod`, not in `log_archive_destroyable_in`): deployed, its infra root
# destroyed cleanly by `platform destroy`, its archive (bucket with Object Lock in COMPLIANCE mode, key) left.
#
# Test-only settings, never in a rendered file: the provider endpoints (`zz_moto_override.tf.json`), the backend
# endpoints (`--backend-config moto.s3.tfbackend`), and `zz_moto_unsupported_override.tf.json` giving the resource
# types moto lacks no instance (MOTO_UNSUPPORTED_TYPES, scripts/ci/lib.sh), and the state and archive buckets no
# bucket policy: moto 5.2.5 does not know the `aws:SecureTransport` condition key, so it applies the TLS-only deny
# to every request (its HeadObject of the state answers 403 over HTTP and HTTPS alike).
#
# Writes target/ci/infra/state.json (the state after deploy, for scripts/ci/parliament.sh) and
# target/ci/counts/moto-deploy.txt.
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
started=$SECONDS

cargo build --locked -q -p platform-bin
platform=target/debug/platform
work="$CI_OUT/deploy"
rm -rf "$work" && mkdir -p "$work" "$CI_OUT/counts" "$CI_OUT/infra"
trap stop_moto EXIT
start_moto
endpoint=$MOTO_ENDPOINT
py() { "$VENV/bin/python" "$@"; }
fail() { echo "error: $*" >&2; exit 1; }

echo "moto-deploy: the state bucket"
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

flags=(--environment-suffix ci --out "$work/ci" --state-bucket "$bucket" --public-access-cidr 203.0.113.0/24
  --cluster-admin-role-arn arn:aws:iam::123456789012:role/break-glass)
run=(--only archive --only infra --backend-config "$work/moto.s3.tfbackend")
infra="$work/ci/terraform/infra"
archive="$work/ci/terraform/archive"
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
$platform render "${flags[@]}" >/dev/null
overrides "$work/ci"

echo "moto-deploy: platform deploy, the infra root's second step refused at its confirmation"
if printf 'yes\nyes\nno\n' | $platform deploy "${flags[@]}" "${run[@]}" >"$work/deploy-1.log" 2>&1; then
  fail "deploy went on without a 'yes' (log: $work/deploy-1.log)"
fi
grep -q '==> step 1/3 (archive).*applied in' "$work/deploy-1.log" ||
  { tail -n 30 "$work/deploy-1.log" >&2; fail "the archive was not applied first (log: $work/deploy-1.log)"; }
grep -q '==> step 2/3 (infra (pod_network_ready=false)).*applied in' "$work/deploy-1.log" ||
  { tail -n 30 "$work/deploy-1.log" >&2; fail "step 2 was not applied (log: $work/deploy-1.log)"; }
grep -q 'step 3/3 (infra (pod_network_ready=true)) not applied (not confirmed)' "$work/deploy-1.log" ||
  { tail -n 30 "$work/deploy-1.log" >&2; fail "step 3 did not stop at its confirmation (log: $work/deploy-1.log)"; }

echo "moto-deploy: platform deploy again resumes from the state (a cluster without node groups)"
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
cp "$work/state.json" "$CI_OUT/infra/state.json"   # concrete IAM documents for scripts/ci/parliament.sh
applied=$(py scripts/ci/tfjson.py managed "$work/state.json")
py scripts/ci/moto_assert.py applied "$endpoint" "$work/state.json" "$infra/main.tf.json"

if terraform -chdir="$infra" plan -input=false -no-color -var pod_network_ready=false >"$work/gate.log" 2>&1; then
  fail "pod_network_ready=false planned on a cluster with node groups (log: $work/gate.log)"
fi
grep -q 'pod_network_ready is false, but cluster' "$work/gate.log" || fail "the plan failed, but not on the gate"

$platform plan "${flags[@]}" "${run[@]}" >"$work/plan.log" 2>&1 || { tail -n 30 "$work/plan.log" >&2; fail "platform plan failed"; }
grep -q 'plan: a cluster with node groups; 2 step(s): archive, infra (pod_network_ready=true)$' "$work/plan.log" ||
  fail "platform plan did not read the environment as complete (log: $work/plan.log)"

echo "moto-deploy: platform destroy"
$platform destroy "${flags[@]}" "${run[@]}" --auto-approve >"$work/destroy.log" 2>&1 ||
  { tail -n 40 "$work/destroy.log" >&2; fail "platform destroy failed (log: $work/destroy.log)"; }
left=$(terraform -chdir="$infra" state list | wc -l)
[[ "$left" -eq 0 ]] || fail "$left resource(s) left in the state after destroy"
left=$(terraform -chdir="$archive" state list | wc -l)
[[ "$left" -eq 0 ]] || fail "ci's archive is destroyable, but $left resource(s) are left in its state"
py scripts/ci/moto_assert.py destroyed "$endpoint" "$work/state.json"

echo "moto-deploy: prod (retains its archive): deploy, then destroy, the archive left"
prod=(--environment-suffix prod --out "$work/prod" --state-bucket "$bucket" --public-access-cidr 203.0.113.0/24
  --cluster-admin-role-arn arn:aws:iam::123456789012:role/break-glass)
$platform render "${prod[@]}" >/dev/null
overrides "$work/prod"
$platform deploy "${prod[@]}" "${run[@]}" --auto-approve >"$work/prod-deploy.log" 2>&1 ||
  { tail -n 40 "$work/prod-deploy.log" >&2; fail "prod's deploy failed (log: $work/prod-deploy.log)"; }
$platform destroy "${prod[@]}" "${run[@]}" --auto-approve >"$work/prod-destroy.log" 2>&1 ||
  { tail -n 40 "$work/prod-destroy.log" >&2; fail "prod's infra did not destroy (log: $work/prod-destroy.log)"; }
grep -q '==> archive: kept' "$work/prod-destroy.log" || fail "prod's destroy did not say it keeps the archive"
prod_infra=$(terraform -chdir="$work/prod/terraform/infra" state list | wc -l)
[[ "$prod_infra" -eq 0 ]] || fail "$prod_infra resource(s) left in prod's infra state after destroy"
prod_archive=$(terraform -chdir="$work/prod/terraform/archive" state list | wc -l)
py - "$endpoint" "$(terraform -chdir="$work/prod/terraform/archive" output -raw bucket)" <<'PY'
import sys, boto3
endpoint, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint)
lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
assert lock["ObjectLockEnabled"] == "Enabled", lock
assert lock["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE", lock
print(f"  prod: s3://{bucket} kept, Object Lock {lock['Rule']['DefaultRetention']}")
PY
[[ "$prod_archive" -gt 0 ]] || fail "prod's archive state is empty after destroy"
line="moto platform deploy: infra applied $applied resources in two steps (interrupted, resumed) with S3 state, destroyed; prod infra destroyed, its archive ($prod_archive resources, Object Lock) kept; $((SECONDS - started)) s"
echo "$line" | tee "$CI_OUT/counts/moto-deploy.txt"
