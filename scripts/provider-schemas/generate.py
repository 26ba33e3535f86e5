#!/usr/bin/env python3
"""Regenerates tests/schemas/<provider>.json: the argument schemas of Terraform providers, read from the jsii
assemblies of the CDKTF prebuilt provider packages on npm (the newest provider versions obtainable offline here;
`terraform providers schema` only knows the provider in the local mirror).

    python3 scripts/provider-schemas/generate.py            # npm pack the pinned packages, rewrite the snapshots
    python3 scripts/provider-schemas/generate.py --from DIR # use already unpacked packages (DIR/<pkg>/package/.jsii)

How a .jsii assembly maps to a Terraform schema (checked against `terraform providers schema -json` for the EKS
types of hashicorp/aws):
  * a class whose docs link `.../docs/resources/<x>` (or `/data-sources/`) is a resource (data source); the link's
    text is the Terraform type name;
  * its configuration struct is the constructor's third parameter; each property is an argument, required unless
    `optional: true`; the Terraform name is the `#anchor` of its "Docs at Terraform Registry" link;
  * a property typed by a struct of the package is a nested block (or an object attribute: Terraform JSON writes
    both as an object or an array of objects); an array of such structs may hold several;
  * meta-arguments (count, for_each, depends_on, provider, lifecycle) are not in the structs.

Snapshot format (one JSON object per provider, keys sorted):
  {"provider": "hashicorp/aws", "version": "6.25.0", "package": "...", "provider_config": SCHEMA,
   "resource": {TYPE: SCHEMA}, "data": {TYPE: SCHEMA}}
  SCHEMA = {"attributes": {NAME: TYPE}, "required": [NAME...], "blocks": {NAME: {"list": BOOL, ...SCHEMA}}}
  TYPE   = "string" | "number" | "bool" | "any" | ["list", TYPE] | ["map", TYPE]
The aws snapshot keeps only the services an EKS platform renders (see AWS_FAMILIES) so the file stays small;
kubernetes drops the deprecated unversioned aliases of its `_v1`/`_v2` types; helm is kept whole.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGES = {
    "aws": ("@cdktf/provider-aws", "21.22.1", "hashicorp/aws", "6.25.0"),
    "kubernetes": ("@cdktf/provider-kubernetes", "12.1.1", "hashicorp/kubernetes", "2.38.0"),
    "helm": ("@cdktf/provider-helm", "12.1.2", "hashicorp/helm", "3.1.1"),
}

# aws type-name prefixes kept in the snapshot: the services of an EKS platform (network, cluster, nodes, IAM,
# encryption, logs, monitoring, secrets, DNS, registry, storage).
AWS_FAMILIES = (
    "aws_autoscaling_", "aws_availability_zone", "aws_caller_identity", "aws_cloudwatch_", "aws_default_",
    "aws_ebs_", "aws_ec2_", "aws_ecr_", "aws_efs_", "aws_egress_only_internet_gateway", "aws_eip", "aws_eks_",
    "aws_flow_log", "aws_iam_", "aws_internet_gateway", "aws_kms_", "aws_launch_template", "aws_main_route_table",
    "aws_nat_gateway", "aws_network_", "aws_partition", "aws_region", "aws_route", "aws_s3_bucket",
    "aws_secretsmanager_", "aws_security_group", "aws_sns_", "aws_sqs_", "aws_ssm_", "aws_subnet", "aws_vpc",
    "aws_acm_", "aws_lb", "aws_ami", "aws_arn", "aws_default_tags", "aws_kinesis_firehose_",
)

LINK = re.compile(r"\{@link (\S+) ([^}]+)\}")
ANCHOR = re.compile(r"\{@link \S+#([A-Za-z0-9_-]+) ")


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Assembly:
    def __init__(self, jsii):
        self.types = jsii["types"]

    def props(self, fqn):
        """Properties of a struct including those of the structs it extends."""
        t = self.types[fqn]
        out = list(t.get("properties", []))
        for parent in t.get("interfaces", []):
            if parent in self.types:
                out += self.props(parent)
        return out

    def is_struct(self, fqn):
        t = self.types.get(fqn)
        return bool(t) and t["kind"] == "interface" and t.get("datatype", False)

    def type_of(self, ty, depth):
        """(kind, value): ("attr", TYPE) or ("block", (list?, SCHEMA))."""
        if "union" in ty:
            real = [u for u in ty["union"]["types"] if u.get("fqn") != "cdktf.IResolvable"]
            if len(real) == 1:
                return self.type_of(real[0], depth)
            return ("attr", "any")
        if "primitive" in ty:
            return ("attr", {"string": "string", "number": "number", "boolean": "bool"}.get(ty["primitive"], "any"))
        if "collection" in ty:
            kind, elem = ty["collection"]["kind"], ty["collection"]["elementtype"]
            inner = self.type_of(elem, depth)
            if inner[0] == "block":
                return ("block", (True, inner[1][1]))
            return ("attr", ["list" if kind == "array" else "map", inner[1]])
        if "fqn" in ty and self.is_struct(ty["fqn"]):
            if depth > 40:
                return ("attr", "any")
            return ("block", (False, self.schema(ty["fqn"], depth + 1)))
        return ("attr", "any")

    def schema(self, fqn, depth=0):
        attributes, required, blocks = {}, [], {}
        for p in self.props(fqn):
            docs = p.get("docs", {})
            m = ANCHOR.search(docs.get("remarks", "") + " " + docs.get("summary", ""))
            name = m.group(1) if m else snake(p["name"])
            kind, value = self.type_of(p["type"], depth)
            if kind == "attr":
                attributes[name] = value
                if not p.get("optional"):
                    required.append(name)
            else:
                is_list, sub = value
                blocks[name] = dict(sub, list=is_list, min=0 if p.get("optional") else 1)
        out = {"attributes": dict(sorted(attributes.items()))}
        if required:
            out["required"] = sorted(required)
        if blocks:
            out["blocks"] = dict(sorted(blocks.items()))
        return out

    def providers_types(self):
        resources, data, provider = {}, {}, None
        for fqn, t in self.types.items():
            if t["kind"] != "class":
                continue
            m = LINK.search(t.get("docs", {}).get("summary", ""))
            if m and m.group(1).endswith("/docs") and fqn.endswith("Provider"):
                params = t.get("initializer", {}).get("parameters", [])
                if len(params) >= 3 and "fqn" in params[2]["type"]:
                    provider = self.schema(params[2]["type"]["fqn"])
                    provider["attributes"].pop("alias", None)  # a meta-argument, allowed everywhere
                continue
            if not m or ("/docs/resources/" not in m.group(1) and "/docs/data-sources/" not in m.group(1)):
                continue
            params = t.get("initializer", {}).get("parameters", [])
            if len(params) < 3 or "fqn" not in params[2]["type"]:
                continue
            target = data if "/docs/data-sources/" in m.group(1) else resources
            target[m.group(2).strip()] = self.schema(params[2]["type"]["fqn"])
        return resources, data, provider


def unpack(package, version, workdir):
    subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = [f for f in os.listdir(workdir) if f.endswith(f"-{version}.tgz") and package.split("/")[1] in f][0]
    with tarfile.open(os.path.join(workdir, tgz)) as tar:
        member = tar.getmember("package/.jsii")
        return json.load(tar.extractfile(member))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="source", help="directory of unpacked packages")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "schemas"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for short, (package, version, source, provider_version) in PACKAGES.items():
            if args.source:
                path = os.path.join(args.source, f"{package.replace('@', '').replace('/', '-')}-{version}",
                                    "package", ".jsii")
                with open(path) as f:
                    jsii = json.load(f)
            else:
                jsii = unpack(package, version, tmp)
            resources, data, provider = Assembly(jsii).providers_types()
            if short == "aws":
                keep = lambda t: t.startswith(AWS_FAMILIES)
                resources = {k: v for k, v in resources.items() if keep(k)}
                data = {k: v for k, v in data.items() if keep(k)}
            if short == "kubernetes":
                # Drop the deprecated unversioned aliases (`kubernetes_namespace`) of the `_v1`/`_v2` types.
                alias = lambda t, m: any(f"{t}_v{n}" in m for n in (1, 2))
                resources = {k: v for k, v in resources.items() if not alias(k, resources)}
                data = {k: v for k, v in data.items() if not alias(k, data)}
            doc = {"provider": source, "version": provider_version, "package": f"{package}@{version}",
                   "provider_config": provider,
                   "resource": dict(sorted(resources.items())), "data": dict(sorted(data.items()))}
            path = os.path.join(args.out, f"{short}.json")
            with open(path, "w") as f:
                # One line per type: small, and diffs stay readable.
                f.write("{\n")
                f.write(f'"provider": {json.dumps(source)}, "version": {json.dumps(provider_version)}, '
                        f'"package": {json.dumps(doc["package"])},\n')
                f.write(f'"provider_config": {json.dumps(provider, separators=(",", ":"))},\n')
                for i, section in enumerate(("resource", "data")):
                    f.write(f'"{section}": {{\n')
                    items = list(doc[section].items())
                    for j, (name, schema) in enumerate(items):
                        sep = "," if j < len(items) - 1 else ""
                        f.write(f"{json.dumps(name)}: {json.dumps(schema, separators=(',', ':'))}{sep}\n")
                    f.write("}" + ("," if i == 0 else "") + "\n")
                f.write("}\n")
            print(f"{path}: {len(resources)} resources, {len(data)} data sources, {os.path.getsize(path)} bytes",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
