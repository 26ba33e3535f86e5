#!/usr/bin/env bash
# Regenerates tests/upstream/behaviour/<release>-<version>.json for every line of tests/upstream/pins.txt: what the
# chart renders with our values for each carried Kubernetes version that pins it (scripts/upstream-facts/behaviour.py).
#
# Usage: scripts/upstream-facts/behaviour.sh MIRRORS_DIR [RELEASE [VERSION]]
#   (or UPSTREAM_MIRRORS=MIRRORS_DIR scripts/upstream-facts/behaviour.sh)
# MIRRORS_DIR holds one git clone per repository as for generate.sh: the charts' repositories of pins.txt, and the
# binaries' sources the listener defaults are read from: kyverno/kyverno, kubernetes-sigs/aws-load-balancer-controller,
# external-secrets/external-secrets, tigera/operator, kubernetes-sigs/controller-runtime (tags of the images).
# Steps: Helm from scripts/ci/helm.sh; the kubernetes-validate wheel (its OpenAPI definitions tell which API
# versions each Kubernetes minor serves), pinned by sha256; our values per carried version and release, written by
# the ignored test `dump_our_values` (tests/tests/behaviour.rs) to $BEHAVIOUR_VALUES_OUT; then behaviour.py per
# pin line; then requests.py (the charts' pods for tenancy/quota-capacity). Needs git, python3 with PyYAML, cargo.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/upstream-facts/lib.sh
mirrors=${1:-${UPSTREAM_MIRRORS:-}}
[[ -n $mirrors && -d $mirrors ]] || { echo "usage: $0 MIRRORS_DIR [RELEASE [VERSION]] (or set UPSTREAM_MIRRORS)" >&2; exit 2; }
mirrors=$(cd "$mirrors" && pwd)
only_name=${2:-}
only_version=${3:-}
source scripts/ci/helm.sh
ensure_helm

tools=target/ci/tools
kv_pin="kubernetes-validate==1.37.0 --hash=sha256:85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
kv_dir=$tools/kubernetes-validate
if [[ ! -f $kv_dir/.pin || "$(cat "$kv_dir/.pin")" != "$kv_pin" ]]; then
  rm -rf "$kv_dir" && mkdir -p "$kv_dir"
  echo "$kv_pin" >"$kv_dir/requirements.txt"
  python3 -m pip download -q --disable-pip-version-check --no-deps --require-hashes -r "$kv_dir/requirements.txt" \
    -d "$kv_dir"
  echo "$kv_pin" >"$kv_dir/.pin"
fi
kv_wheel=$(ls "$kv_dir"/kubernetes_validate-*.whl)

values=$tools/behaviour-values.json
BEHAVIOUR_VALUES_OUT=$(pwd)/$values cargo test -q -p platform-tests --test behaviour -- --ignored dump_our_values \
  >/dev/null

out=tests/upstream/behaviour
mkdir -p "$out"
n=0
while read -r release version repository ref path; do
  pinned "$release" "$version" || continue
  python3 scripts/upstream-facts/behaviour.py --mirrors "$mirrors" --values "$values" \
    --kubernetes-validate-wheel "$kv_wheel" --release "$release" --version "$version" --repository "$repository" \
    --ref "$ref" --path "$path" --out "$out/$release-$version.json" --jobs "${JOBS:-2}"
  echo "$out/$release-$version.json"
  n=$((n + 1))
done < tests/upstream/pins.txt
[[ $n -gt 0 ]] || { echo "error: no line of tests/upstream/pins.txt matches" >&2; exit 1; }
# What the capacity rule reserves for the charts' pods, from the facts just written.
python3 scripts/upstream-facts/requests.py >/dev/null
