#!/usr/bin/env bash
# checkov on what was rendered: every Terraform root's plan JSON (terraform_plan framework; written by
# scripts/moto-apply.sh as target/ci/<root>/plan.json) or, for a root that was not planned (providers not
# installed here), a copy of its JSON without the `terraform` block (terraform_json framework; the block's
# `required_version` makes checkov's JSON parser fail the whole file); and manifests/ when it exists (kubernetes
# framework). Skips: .checkov.yaml only. Fails on any failed check and on any parse error.
#
# Usage: scripts/ci/checkov.sh [RENDER_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
if [[ $# -ge 1 ]]; then render=$1; else render=$CI_OUT/render; [[ -d $render ]] || ensure_render; fi
export CKV_PARSE_ERROR_FAIL=true BC_SKIP_MAPPING=TRUE
out="$CI_OUT/checkov"
rm -rf "$out" && mkdir -p "$out" "$CI_OUT/counts"

scans=()
for main in "$render"/terraform/*/main.tf.json; do
  [[ -f "$main" ]] || continue
  root=$(basename "$(dirname "$main")")
  if [[ -f "$CI_OUT/$root/plan.json" ]]; then
    scans+=("$root|terraform_plan|$CI_OUT/$root/plan.json")
  else
    mkdir -p "$out/src/$root"
    "$VENV/bin/python" -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("terraform", None); json.dump(d, open(sys.argv[2], "w"), indent=1)' \
      "$main" "$out/src/$root/main.tf.json"
    scans+=("$root|terraform_json|$out/src/$root")
  fi
done
[[ -d "$render/manifests" ]] && scans+=("manifests|kubernetes|$render/manifests")
[[ ${#scans[@]} -gt 0 ]] || { echo "error: nothing rendered to scan under $render" >&2; exit 1; }

# The skipped check ids (.checkov.yaml), re-run alone on each target to count (and list) what they suppress, and
# to notice a skip that no longer suppresses anything (then it must go).
skip_ids=$("$VENV/bin/python" -c 'import yaml; print(",".join(yaml.safe_load(open(".checkov.yaml"))["skip-check"]))')
declare -A suppressing=()
repo=$(pwd)

passed=0 failed=0 skipped=0 status=0
for scan in "${scans[@]}"; do
  IFS='|' read -r name framework target <<<"$scan"
  args=(--config-file .checkov.yaml --framework "$framework" -o cli -o json --output-file-path "$out/$name")
  if [[ -f "$target" ]]; then on=(-f "$target"); else on=(-d "$target"); fi
  args+=("${on[@]}")
  rc=0
  "$VENV/bin/checkov" "${args[@]}" >"$out/$name.log" 2>&1 || rc=$?
  report="$out/$name/results_json.json"
  if [[ ! -s "$report" ]]; then
    cat "$out/$name.log" >&2
    echo "error: checkov wrote no report for $name (exit $rc)" >&2
    exit 1
  fi
  read -r p f s e < <("$VENV/bin/python" - "$report" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
p = f = s = e = 0
for r in reports:
    summary = r.get("summary", {})
    p += summary.get("passed", 0); f += summary.get("failed", 0); s += summary.get("skipped", 0)
    e += summary.get("parsing_errors", 0)
print(p, f, s, e)
PY
)
  # What the skips suppress here (same framework, only the skipped ids), unless stale skips are ignored (then the
  # count is the report's own and nothing is listed: a second checkov run per target was a third of the version
  # matrix's time). (checkov reads .checkov.yaml from its working directory: run it elsewhere.)
  if [[ ${CHECKOV_STALE_SKIPS:-} != ignore ]]; then
    (cd "$out" && "$repo/$VENV/bin/checkov" --framework "$framework" --skip-download --quiet --compact \
      --check "$skip_ids" -o json "${on[0]}" "$repo/${on[1]}" >"$name.skipped.json" 2>"$name.skipped.log") || true
    "$VENV/bin/python" - "$out/$name.skipped.json" >"$out/$name.skipped.txt" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except ValueError:
    data = []
for r in data if isinstance(data, list) else [data]:
    for c in r.get("results", {}).get("failed_checks", []):
        print(c["check_id"], c["resource"])
PY
    s=$(wc -l <"$out/$name.skipped.txt")
    while read -r id _; do suppressing[$id]=1; done <"$out/$name.skipped.txt"
    skips="skipped $s (by .checkov.yaml)"
  else
    s=0 skips="skips not counted (CHECKOV_STALE_SKIPS=ignore)"
    : >"$out/$name.skipped.txt"
  fi
  echo "checkov $name ($framework): passed $p, failed $f, $skips, parse errors $e"
  sed 's/^/  skipped: /' "$out/$name.skipped.txt"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if [[ $f -gt 0 || $e -gt 0 || $rc -ne 0 ]]; then
    grep -E "Check: CKV|FAILED for resource|File:" "$out/$name.log" >&2 || cat "$out/$name.log" >&2
    status=1
  fi
done
# A skip may suppress nothing on a render of another Kubernetes version (CKV_AWS_339 passes on a supported one):
# scripts/ci/versions.sh sets CHECKOV_STALE_SKIPS=ignore; the customer's render keeps every skip honest.
for id in ${skip_ids//,/ }; do
  if [[ -z "${suppressing[$id]:-}" && ${CHECKOV_STALE_SKIPS:-} != ignore ]]; then
    echo "error: .checkov.yaml skips $id, which fails nowhere any more: remove the skip" >&2
    status=1
  fi
done
if [[ ${CHECKOV_STALE_SKIPS:-} == ignore ]]; then skipped="not counted"; fi
echo "checkov: passed $passed, failed $failed, skipped $skipped" | tee "$CI_OUT/counts/checkov.txt"
exit $status
