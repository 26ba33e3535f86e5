#!/usr/bin/env bash
# Proof that the Python-tool validators can fail: each runs on a deliberately broken artifact and must report it.
# (The Rust validators prove the same in their own tests: tests/tests/provider_schemas.rs, terraform_validate.rs.)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/ci/lib.sh
ensure_venv
export CI_OUT=target/ci/selftest
rm -rf "$CI_OUT" && mkdir -p "$CI_OUT"
broken="$CI_OUT/broken"
ok=0 total=0

expect_failure() { # NAME PATTERN COMMAND...
  local name=$1 pattern=$2 out rc=0
  shift 2
  total=$((total + 1))
  out=$("$@" 2>&1) || rc=$?
  if [[ $rc -ne 0 ]] && grep -q -- "$pattern" <<<"$out"; then
    echo "selftest: $name: caught ($pattern)"
    ok=$((ok + 1))
  else
    echo "$out" >&2
    echo "error: selftest: $name: exit $rc, expected a failure mentioning '$pattern'" >&2
  fi
}

# checkov: a log group without KMS encryption (CKV_AWS_158).
mkdir -p "$broken/terraform/bad" "$broken/manifests"
cat >"$broken/terraform/bad/main.tf.json" <<'JSON'
{ "resource": { "aws_cloudwatch_log_group": { "plain": { "name": "plain", "retention_in_days": 400 } } } }
JSON
expect_failure "checkov, unencrypted log group" "CKV_AWS_158" bash scripts/ci/checkov.sh "$broken"

# parliament + own checks: `*` on `*`, and a trust policy open to every principal.
cat >"$CI_OUT/state.json" <<'JSON'
{ "values": { "root_module": { "resources": [
  { "mode": "managed", "type": "aws_iam_policy", "address": "aws_iam_policy.admin", "values": { "policy":
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}" } },
  { "mode": "managed", "type": "aws_iam_role", "address": "aws_iam_role.open", "values": { "assume_role_policy":
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"AWS\":\"*\"}}]}" } }
] } } }
JSON
expect_failure "iam lint, * on *" "allows \['\*'\] on \*" \
  "$VENV/bin/python" scripts/ci/iam_lint.py scripts/ci/parliament-accepted.json "$CI_OUT/p.txt" "$CI_OUT/state.json"
expect_failure "iam lint, open trust policy" "aws_iam_role.open: statement 0: \`\*\` principal" \
  "$VENV/bin/python" scripts/ci/iam_lint.py scripts/ci/parliament-accepted.json "$CI_OUT/p.txt" "$CI_OUT/state.json"

# kubernetes-validate --strict: a misspelt container field.
cat >"$broken/manifests/deployment.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: api }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: "nginx:1.27", imagePullPolcy: Always }
YAML
expect_failure "kubernetes-validate, unknown field" "imagePullPolcy" bash scripts/ci/kubernetes.sh "$broken" 1.28

# A custom resource that breaks its CRD's schema.
rm "$broken/manifests/deployment.yaml"
cat >"$broken/manifests/crd.yaml" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties: { size: { type: integer } }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w, namespace: api }
spec: { size: "large" }
YAML
expect_failure "CRD schema, wrong type in a custom resource" "is not of type 'integer'" bash scripts/ci/kubernetes.sh "$broken" 1.28

# A pinned chart's custom resource with a field its CRD does not have (strict field validation), checked against
# the upstream facts of the chart version its values file names.
rm "$broken/manifests/crd.yaml"
mkdir -p "$broken/manifests/helm"
version=$(ls tests/upstream/charts/ | sed -n 's/^external-secrets-\(.*\)\.json$/\1/p' | head -n 1)
echo "# helm upgrade --install external-secrets external-secrets --version $version" \
  >"$broken/manifests/helm/external-secrets-values.yaml"
api=$("$VENV/bin/python" -c 'import json, sys; print(next(iter(json.load(open(sys.argv[1]))["crds"]["SecretStore"]["schemas"])))' \
  "tests/upstream/charts/external-secrets-$version.json")
cat >"$broken/manifests/store.yaml" <<YAML
apiVersion: external-secrets.io/$api
kind: SecretStore
metadata: { name: s, namespace: api }
spec:
  provider: { aws: { service: SecretsManager, region: us-east-2 } }
  refreshIntervall: 60
YAML
expect_failure "CRD schema from upstream facts, unknown field" "refreshIntervall" bash scripts/ci/kubernetes.sh "$broken" 1.28

# Our local chart through the real Helm: a template that does not parse fails `helm lint --strict`, and a custom
# resource the chart renders differently from manifests/ is caught.
chart_copy="$CI_OUT/chart"
cp -r "$CI_OUT/../render" "$chart_copy"
policies="$chart_copy/terraform/cluster/charts/platform-policies/templates"
first=$(ls "$policies" | head -n 1)
cp "$policies/$first" "$CI_OUT/template.yaml"
printf '{{ if }}\n' >>"$policies/$first"
expect_failure "helm lint --strict, a broken template" "parse error" bash scripts/ci/helm-lint.sh "$chart_copy" 1.28
sed '0,/name: /s/name: \(.*\)/name: \1-changed/' "$CI_OUT/template.yaml" >"$policies/$first"
expect_failure "helm template vs manifests/, a changed custom resource" "renders .* objects, manifests/ holds" \
  bash scripts/ci/helm-lint.sh "$chart_copy" 1.28

# The emulator's replay of retried calls (scripts/ci/moto_serve.py): a positive proof, which fails without it.
"$VENV/bin/python" scripts/ci/moto_serve_test.py

echo "selftest: $ok of $total broken artifacts caught"
[[ $ok -eq $total ]]
