#!/usr/bin/env bash
# parliament (pinned, offline) on every IAM policy document of every Terraform root that scripts/moto-apply.sh
# deployed (target/ci/<root>/state.json: every document concrete) — see scripts/ci/iam_lint.py for what is
# linted how. Accepted findings: scripts/ci/parliament-accepted.json. Fails on any other finding.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
states=()
for state in "$CI_OUT"/*/state.json; do [[ -f "$state" ]] && states+=("$state"); done
[[ ${#states[@]} -gt 0 ]] || { echo "error: no $CI_OUT/<root>/state.json; run scripts/moto-apply.sh first" >&2; exit 1; }
"$VENV/bin/python" scripts/ci/iam_lint.py scripts/ci/parliament-accepted.json "$CI_OUT/counts/parliament.txt" "${states[@]}"
