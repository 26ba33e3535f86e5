"""Validates custom resources against the openAPIV3Schema of their CustomResourceDefinition, offline.

  crd_validate.py [--facts FACTS.json ...] MANIFEST...

CRD schemas come from the given manifests themselves and from upstream facts files (tests/upstream/charts/: the
structural schemas of the pinned charts' CRDs, extracted at their tags by scripts/upstream-facts/). Unknown fields
are rejected, as kube-apiserver's strict field validation does: an object schema with `properties` and neither
`additionalProperties` nor `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false`. Built-in
kinds are left to kubernetes-validate. A custom resource whose CRD is not known cannot be validated offline: it
is listed as such (and counted), never reported as valid.
"""
import json
import sys

import jsonschema
import yaml

BUILTIN_GROUPS = {"", "v1", "apps", "batch", "policy", "rbac.authorization.k8s.io", "networking.k8s.io",
                  "storage.k8s.io", "scheduling.k8s.io", "autoscaling", "admissionregistration.k8s.io",
                  "apiextensions.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
                  "certificates.k8s.io", "apiregistration.k8s.io", "flowcontrol.apiserver.k8s.io",
                  "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io"}


def docs(paths):
    for path in paths:
        with open(path) as f:
            for i, doc in enumerate(yaml.safe_load_all(f)):
                if isinstance(doc, dict):
                    yield f"{path}#{i}", doc


def strict(schema):
    """The schema with unknown fields rejected wherever the structural schema does not preserve them."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def main():
    args = sys.argv[1:]
    facts = []
    while args and args[0] == "--facts":
        facts.append(args[1])
        args = args[2:]
    paths = args
    schemas = {}
    for path in facts:
        with open(path) as f:
            for kind, crd in json.load(f).get("crds", {}).items():
                for version, schema in crd["schemas"].items():
                    schemas[(crd["group"], version, kind)] = schema
    for _, d in docs(paths):
        if d.get("kind") == "CustomResourceDefinition":
            spec = d.get("spec", {})
            for v in spec.get("versions", []):
                schema = v.get("schema", {}).get("openAPIV3Schema")
                if schema:
                    schemas[(spec["group"], v["name"], spec["names"]["kind"])] = schema
    validated, unvalidated, errors = 0, [], []
    for where, d in docs(paths):
        api = d.get("apiVersion", "")
        group, _, version = api.rpartition("/")
        if group in BUILTIN_GROUPS or "/" not in api:
            continue
        schema = schemas.get((group, version, d.get("kind")))
        if schema is None:
            unvalidated.append(f"{where}: {api} {d.get('kind')}")
            continue
        validator = jsonschema.Draft7Validator(strict(schema))
        for e in validator.iter_errors(d):
            errors.append(f"{where}: {d.get('kind')} {'/'.join(map(str, e.path))}: {e.message}")
        validated += 1
    for u in unvalidated:
        print(f"  not validated (no CRD schema available offline): {u}")
    print(f"custom resources: {validated} validated against their CRD (strict), {len(unvalidated)} without a CRD offline")
    for e in errors:
        print(f"  FAIL: {e}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
