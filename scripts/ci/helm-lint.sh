#!/usr/bin/env bash
# Our own chart and manifests through the real tools: `helm lint --strict` and `helm template` of the local chart of
# custom resources (terraform/cluster/charts/platform-policies) at the render's Kubernetes version, whose objects
# must be exactly the custom resources of manifests/ (the GitOps copy); and `kubectl kustomize manifests/`, which
# must build every object of the files it lists. Helm and kubectl are the pinned ones of scripts/ci/helm.sh.
#
# Usage: scripts/ci/helm-lint.sh RENDER_DIR KUBERNETES_VERSION   (writes a counts line)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
source scripts/ci/helm.sh
render=${1:?usage: $0 RENDER_DIR KUBERNETES_VERSION} version=${2:?usage: $0 RENDER_DIR KUBERNETES_VERSION}
ensure_venv
ensure_helm
mkdir -p "$CI_OUT/counts"
chart=$render/terraform/cluster/charts/platform-policies
[[ -f $chart/Chart.yaml ]] || { echo "error: no local chart at $chart" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

helm lint --strict --kube-version "$version.0" "$chart" >"$work/lint.log" 2>&1 || { cat "$work/lint.log" >&2; echo "error: helm lint --strict failed on $chart" >&2; exit 1; }
helm template platform-policies "$chart" --namespace kube-system --kube-version "$version.0" >"$work/chart.yaml"
kubectl kustomize "$render/manifests" >"$work/kustomized.yaml"

# The chart's objects are the custom resources of manifests/ (same kinds, names and bodies), and kustomize builds
# every document of every file manifests/kustomization.yaml lists.
"$VENV/bin/python" - "$render" "$work/chart.yaml" "$work/kustomized.yaml" "$version" <<'PY' | tee -a "$CI_OUT/counts/helm-$version.txt"
import sys, yaml
from pathlib import Path

render, chart, kustomized, version = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
docs = lambda text: [d for d in yaml.safe_load_all(text) if d]
key = lambda o: (o["apiVersion"], o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])
listed = yaml.safe_load((render / "manifests/kustomization.yaml").read_text())["resources"]
manifests = [o for f in listed for o in docs((render / "manifests" / f).read_text())]
charted = docs(Path(chart).read_text())
custom = [o for o in manifests if key(o) in {key(c) for c in charted}]
if sorted(map(key, charted)) != sorted(map(key, custom)) or len(custom) != len(charted):
    sys.exit(f"error: helm template of the local chart renders {len(charted)} objects, manifests/ holds {len(custom)} of them")
by_key = {key(o): o for o in custom}
for c in charted:
    if c != by_key[key(c)]:
        sys.exit(f"error: {key(c)} differs between the local chart and manifests/")
built = docs(Path(kustomized).read_text())
if sorted(map(key, built)) != sorted(map(key, manifests)):
    sys.exit(f"error: kubectl kustomize built {len(built)} objects from {len(manifests)} in the listed files")
print(f"helm {version}: lint --strict clean; template renders {len(charted)} custom resources, equal to manifests/; kustomize builds all {len(built)} objects")
PY
