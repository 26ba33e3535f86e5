"""Small queries on Terraform JSON used by the CI scripts (stdlib only).

  tfjson.py providers ROOT.tf.json          required provider names, space separated
  tfjson.py targets ROOT.tf.json [TYPE...]  `type.name` of every resource block whose type is not listed
  tfjson.py only ROOT.tf.json TYPE...       `type.name` of every resource block whose type is listed
  tfjson.py planned PLAN.json               managed resource instances the plan creates
  tfjson.py managed STATE.json              managed resource instances in `terraform show -json` state
  tfjson.py without ROOT.tf.json TYPE...    a test-only override giving every resource of the TYPEs no instance
                                            (`count = 0`, or an empty `for_each`): what moto lacks, for a run of
                                            the unmodified root through `platform deploy`
  tfjson.py override ENDPOINT               the test-only provider override pointing every service at ENDPOINT
                                            (the fake keys come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, so
                                            that the plan JSON the scanners read holds no credentials)
"""
import json
import sys

SERVICES = ["autoscaling", "cloudwatch", "cloudwatchlogs", "ec2", "eks", "firehose", "iam", "kms", "route53", "s3",
            "secretsmanager", "sns", "ssm", "sts"]


def load(path):
    with open(path) as f:
        return json.load(f)


def blocks(value):
    """Terraform JSON allows a block as an object or a list of objects."""
    return value if isinstance(value, list) else [value]


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "providers":
        names = set()
        for t in blocks(load(args[0]).get("terraform", {})):
            for rp in blocks(t.get("required_providers", {})):
                names.update(rp)
        print(" ".join(sorted(names)))
    elif cmd in ("targets", "only"):
        listed = set(args[1:])
        for ty, named in sorted(load(args[0]).get("resource", {}).items()):
            if (ty in listed) == (cmd == "only"):
                for name in sorted(named):
                    print(f"{ty}.{name}")
    elif cmd == "planned":
        print(sum(1 for c in load(args[0]).get("resource_changes", [])
                  if c["mode"] == "managed" and c["change"]["actions"] == ["create"]))
    elif cmd == "managed":
        print(sum(1 for r in load(args[0]).get("values", {}).get("root_module", {}).get("resources", [])
                  if r["mode"] == "managed"))
    elif cmd == "without":
        types = set(args[1:])
        out = {}
        for ty, named in sorted(load(args[0]).get("resource", {}).items()):
            if ty in types:
                out[ty] = {name: ({"for_each": {}} if "for_each" in body else {"count": 0})
                           for name, body in sorted(named.items())}
        print(json.dumps({"resource": out}, indent=2))
    elif cmd == "override":
        url = args[0]
        print(json.dumps({"provider": {"aws": {
            "skip_credentials_validation": True,
            "skip_metadata_api_check": True,
            "skip_requesting_account_id": True,
            "skip_region_validation": True,
            "s3_use_path_style": True,
            "endpoints": [{s: url for s in SERVICES}],
        }}}, indent=2))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
