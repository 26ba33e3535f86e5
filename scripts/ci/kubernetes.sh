#!/usr/bin/env bash
# Kubernetes manifests, when the render has a manifests/ directory: kubernetes-validate (pinned, bundled OpenAPI
# schemas of 1.25-1.37, offline) with --strict (unknown fields are errors) on every manifest, for the Kubernetes
# version the platform was rendered for, then custom resources against the CRDs of the pinned charts (the upstream
# facts files, tests/upstream/charts/) with unknown fields rejected (scripts/ci/crd_validate.py).
#
# Usage: scripts/ci/kubernetes.sh [RENDER_DIR [KUBERNETES_MINOR]]
# KUBERNETES_MINOR (e.g. 1.31; or the KUBERNETES_VERSION environment variable) defaults to the version of the
# rendered cluster (`aws_eks_cluster.main` in terraform/infra/main.tf.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
if [[ $# -ge 1 ]]; then render=$1; else render=$CI_OUT/render; [[ -d $render ]] || ensure_render; fi
mkdir -p "$CI_OUT/counts"
if [[ ! -d "$render/manifests" ]]; then
  echo "kubernetes: no manifests/ rendered; nothing to validate" | tee "$CI_OUT/counts/kubernetes.txt"
  exit 0
fi
# Kubernetes objects only: manifests/helm/ holds chart values (the tests compare them with the Terraform root's)
# and kustomization.yaml is kustomize's own config (the tests check it lists every file).
mapfile -t files < <(find "$render/manifests" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
  -not -path "$render/manifests/helm/*" -not -name kustomization.yaml | sort)
[[ ${#files[@]} -gt 0 ]] || { echo "error: $render/manifests holds no manifest" >&2; exit 1; }
minor=${2:-${KUBERNETES_VERSION:-}}
if [[ -z $minor ]]; then
  minor=$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["resource"]["aws_eks_cluster"]["main"]["version"])' \
    "$render/terraform/infra/main.tf.json") || { echo "error: no Kubernetes version given or rendered" >&2; exit 1; }
fi
[[ $minor =~ ^1\.[0-9]+$ ]] || { echo "error: Kubernetes version \`$minor\` is not a minor version like 1.31" >&2; exit 1; }
log="$CI_OUT/kubernetes-validate.log"
if ! "$VENV/bin/kubernetes-validate" -k "$minor.0" --strict --quiet "${files[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: kubernetes-validate failed" >&2
  exit 1
fi
# CRs are validated below, against their CRDs; kubernetes-validate only knows built-in kinds.
grep -i "warn" "$log" | grep -v "Couldn't find schema for kind" || true
# Custom resources against the CRDs of the charts this render pins (the first line of each values file is its
# `helm upgrade --install … --version <v>` command; the facts file of that chart version holds its CRD schemas).
facts=()
for values in "$render"/manifests/helm/*-values.yaml; do
  [[ -f $values ]] || continue
  release=$(basename "$values" -values.yaml)
  version=$(head -n 1 "$values" | sed -n 's/.* --version \([^ ]*\).*/\1/p')
  f=tests/upstream/charts/$release-$version.json
  [[ -f $f ]] || { echo "error: no upstream facts for $release $version ($f); see docs/validation.md" >&2; exit 1; }
  facts+=(--facts "$f")
done
"$VENV/bin/python" scripts/ci/crd_validate.py "${facts[@]}" "${files[@]}" | tee "$CI_OUT/crd.log"
crs=$(tail -n 1 "$CI_OUT/crd.log")
if grep -q "^  not validated" "$CI_OUT/crd.log"; then
  echo "error: custom resources without a CRD schema (above): add the chart's facts file" >&2
  exit 1
fi
echo "kubernetes: ${#files[@]} manifest file(s) validated for $minor.0 --strict; $crs" | tee "$CI_OUT/counts/kubernetes.txt"
