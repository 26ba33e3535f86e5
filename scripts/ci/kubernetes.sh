#!/usr/bin/env bash
# Kubernetes manifests, when the render has a manifests/ directory: kubernetes-validate (pinned, bundled OpenAPI
# schemas, offline) for Kubernetes 1.28 with --strict (unknown fields are errors) on every manifest, then custom
# resources against the CRDs rendered beside them (scripts/ci/crd_validate.py).
#
# Usage: scripts/ci/kubernetes.sh [RENDER_DIR]
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
log="$CI_OUT/kubernetes-validate.log"
if ! "$VENV/bin/kubernetes-validate" -k 1.28.0 --strict --quiet "${files[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: kubernetes-validate failed" >&2
  exit 1
fi
grep -i "warn" "$log" || true
"$VENV/bin/python" scripts/ci/crd_validate.py "${files[@]}" | tee "$CI_OUT/crd.log"
crs=$(tail -n 1 "$CI_OUT/crd.log")
echo "kubernetes: ${#files[@]} manifest file(s) validated for 1.28.0 --strict; $crs" | tee "$CI_OUT/counts/kubernetes.txt"
