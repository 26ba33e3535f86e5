#!/usr/bin/env bash
# Regenerates tests/upstream/iam/<controller>-<version>.json for every line of tests/upstream/iam/pins.txt.
#
# Usage: scripts/upstream-facts/iam.sh MIRRORS_DIR [CONTROLLER [VERSION]]
#   (or UPSTREAM_MIRRORS=MIRRORS_DIR scripts/upstream-facts/iam.sh)
# MIRRORS_DIR holds one git clone (bare or not) per upstream repository, as <owner>+<name>/repo,
# <owner>+<name> or <owner>/<name>. Nothing is fetched: the clones must already hold the tags.
# CONTROLLER / VERSION limit the run to matching lines. Needs git and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/upstream-facts/lib.sh
mirrors=${1:-${UPSTREAM_MIRRORS:-}}
[[ -n $mirrors && -d $mirrors ]] || { echo "usage: $0 MIRRORS_DIR [CONTROLLER [VERSION]] (or set UPSTREAM_MIRRORS)" >&2; exit 2; }
only_name=${2:-}
only_version=${3:-}
out=tests/upstream/iam
n=0
while read -r controller version repository ref; do
  pinned "$controller" "$version" || continue
  git_dir=$(mirror_git_dir "$mirrors" "$repository")
  python3 scripts/upstream-facts/iam.py --git-dir "$git_dir" --repository "$repository" --ref "$ref" \
    --controller "$controller" --version "$version" --out "$out/$controller-$version.json"
  echo "$out/$controller-$version.json"
  n=$((n + 1))
done < "$out/pins.txt"
[[ $n -gt 0 ]] || { echo "error: no line of $out/pins.txt matches" >&2; exit 1; }
