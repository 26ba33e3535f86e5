#!/usr/bin/env bash
# Regenerates tests/upstream/charts/<release>-<version>.json for every line of tests/upstream/pins.txt.
#
# Usage: scripts/upstream-facts/generate.sh MIRRORS_DIR [RELEASE [VERSION]]
#   (or UPSTREAM_MIRRORS=MIRRORS_DIR scripts/upstream-facts/generate.sh)
# MIRRORS_DIR holds one git clone (bare or not) per upstream repository, as <owner>+<name>/repo,
# <owner>+<name> or <owner>/<name>. Nothing is fetched: the clones must already hold the tags and commits.
# RELEASE / VERSION limit the run to matching lines. Needs git, python3 and PyYAML (`pip install pyyaml`).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/upstream-facts/lib.sh
mirrors=${1:-${UPSTREAM_MIRRORS:-}}
[[ -n $mirrors && -d $mirrors ]] || { echo "usage: $0 MIRRORS_DIR [RELEASE [VERSION]] (or set UPSTREAM_MIRRORS)" >&2; exit 2; }
only_name=${2:-}
only_version=${3:-}
out=tests/upstream/charts
mkdir -p "$out"
n=0
while read -r release version repository ref path; do
  pinned "$release" "$version" || continue
  git_dir=$(mirror_git_dir "$mirrors" "$repository")
  python3 scripts/upstream-facts/extract.py --git-dir "$git_dir" --repository "$repository" --ref "$ref" \
    --path "$path" --release "$release" --version "$version" --out "$out/$release-$version.json"
  echo "$out/$release-$version.json"
  n=$((n + 1))
done < tests/upstream/pins.txt
[[ $n -gt 0 ]] || { echo "error: no line of tests/upstream/pins.txt matches" >&2; exit 1; }
