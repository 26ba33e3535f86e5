"""Validates custom resources against the openAPIV3Schema of their CustomResourceDefinition, offline.

  crd_validate.py MANIFEST...

CRDs are taken from the given manifests themselves (only what was rendered; nothing is fetched). Built-in kinds
are left to kubernetes-validate. A custom resource whose CRD is not among the manifests cannot be validated
offline: it is listed as such (and counted), never reported as valid.
"""
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


def main():
    paths = sys.argv[1:]
    schemas = {}
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
        validator = jsonschema.Draft7Validator(schema)
        for e in validator.iter_errors(d):
            errors.append(f"{where}: {d.get('kind')} {'/'.join(map(str, e.path))}: {e.message}")
        validated += 1
    for u in unvalidated:
        print(f"  not validated (no CRD schema available offline): {u}")
    print(f"custom resources: {validated} validated against rendered CRDs, {len(unvalidated)} without a CRD offline")
    for e in errors:
        print(f"  FAIL: {e}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
