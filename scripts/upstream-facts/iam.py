#!/usr/bin/env python3
"""Derives the reference IAM policy of one platform controller at one upstream version, as data.

Usage:
  iam.py --git-dir DIR --repository OWNER/NAME --ref TAG --controller NAME --version VERSION --out FILE

Reads the upstream repository only through `git show` / `git ls-tree` of the given (bare) git dir; nothing is
fetched. Python 3 standard library only. The output holds facts only: the repository, tag, commit and path of each
source, and per policy statement its effect, actions, resource patterns (`${...}` placeholders written `*`) and
conditions (operator, key, values). Prose, comments and Sids are not copied.

Where each controller's reference lives (RECIPES):
- aws-load-balancer-controller: `docs/install/iam_policy.json` (the whole file is the policy);
- external-dns: the JSON policy block right under the `IAM Policy` heading of `docs/tutorials/aws.md`;
- cluster-autoscaler: the JSON policy block under the `Full Cluster Autoscaler Features Policy` heading of
  `cluster-autoscaler/cloudprovider/aws/README.md`;
- aws-ebs-csi-driver: `docs/example-iam-policy.json` (the example the AWS managed policy `AmazonEBSCSIDriverPolicy`
  is the managed version of), which AWS managed policy `docs/install.md` names as the managed version of which
  example file (and that file), and the statements of `docs/install.md` that grant only `kms:` actions (encrypted
  volumes);
- amazon-cloudwatch-observability: the AWS managed policies the chart's own EKS integration tests
  (`integration-tests/amazon-cloudwatch-observability/terraform/**.tf`) attach to the node role the agent runs
  as, less the three every EKS node role carries (NODE_BASELINE).
"""

import argparse
import json
import re
import subprocess
import sys

# The managed policies EKS asks of every node role (EKS User Guide, "Amazon EKS node IAM role"); the CloudWatch
# chart's tests attach them for the nodes, not for the agent.
NODE_BASELINE = {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"}


def git(git_dir, *args):
    return subprocess.run(["git", "-C", git_dir, *args], check=True, capture_output=True, text=True).stdout


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def shape(resource):
    """A resource pattern with template placeholders (`${YOUR_ACCOUNT}`) as the wildcard they stand for."""
    return re.sub(r"\$\{[^}]*\}", "*", resource)


def statement(s):
    if not isinstance(s, dict) or "Effect" not in s:
        raise ValueError(f"not a policy statement: {s!r}")
    out = {"effect": s["Effect"]}
    for key, name in (("Action", "actions"), ("NotAction", "not_actions")):
        if key in s:
            out[name] = sorted(as_list(s[key]))
    for key, name in (("Resource", "resources"), ("NotResource", "not_resources")):
        if key in s:
            out[name] = sorted(shape(r) for r in as_list(s[key]))
    conditions = []
    for operator, keys in sorted((s.get("Condition") or {}).items()):
        for k, values in sorted(keys.items()):
            conditions.append({"operator": operator, "key": k, "values": sorted(str(v) for v in as_list(values))})
    if conditions:
        out["conditions"] = conditions
    return out


def statements_of(text):
    """The statements of a policy document, of one bare statement or of a comma-separated run of statements."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = json.loads(f"[{text}]")
    if isinstance(doc, dict) and "Statement" in doc:
        return [statement(s) for s in as_list(doc["Statement"])]
    return [statement(s) for s in as_list(doc)]


def markdown_blocks(text):
    """(heading, block text) of every ``` fence and <pre> block, with the nearest heading above it."""
    heading, out, lines, i = None, [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if m:
            heading = m.group(1)
        summary = re.search(r"<summary>(.*?)</summary>", line)
        if summary:
            heading = summary.group(1)
        fence = re.match(r"^\s*```", line)
        pre = re.match(r"^\s*<pre>\s*$", line)
        if fence or pre:
            end = (lambda l: re.match(r"^\s*```", l)) if fence else (lambda l: re.match(r"^\s*</pre>", l))
            j = i + 1
            while j < len(lines) and not end(lines[j]):
                j += 1
            out.append((heading, "\n".join(lines[i + 1 : j])))
            i = j
        i += 1
    return out


def policy_blocks(text):
    """(heading, statements) of every block of a markdown file that parses as IAM statements."""
    out = []
    for heading, block in markdown_blocks(text):
        try:
            out.append((heading, statements_of(block)))
        except (ValueError, json.JSONDecodeError):
            continue
    return out


def block_under(text, path, heading):
    blocks = [s for h, s in policy_blocks(text) if h is not None and h.startswith(heading)]
    if not blocks:
        sys.exit(f"error: no IAM policy block under a heading `{heading}` in {path}")
    return blocks[0]


class Tree:
    def __init__(self, git_dir, commit):
        self.git_dir, self.commit = git_dir, commit

    def read(self, path):
        try:
            return git(self.git_dir, "show", f"{self.commit}:{path}")
        except subprocess.CalledProcessError:
            sys.exit(f"error: no {path} at {self.commit}")

    def files(self, prefix):
        return git(self.git_dir, "ls-tree", "-r", "--name-only", self.commit, "--", prefix).split()


def load_balancer_controller(tree):
    path = "docs/install/iam_policy.json"
    return {"policies": [{"path": path, "statements": statements_of(tree.read(path))}]}


def external_dns(tree):
    path, heading = "docs/tutorials/aws.md", "IAM Policy"
    return {"policies": [{"path": path, "heading": heading, "statements": block_under(tree.read(path), path, heading)}]}


def cluster_autoscaler(tree):
    path, heading = "cluster-autoscaler/cloudprovider/aws/README.md", "Full Cluster Autoscaler Features Policy"
    return {"policies": [{"path": path, "heading": heading, "statements": block_under(tree.read(path), path, heading)}]}


def ebs_csi_driver(tree):
    example = "docs/example-iam-policy.json"
    install = "docs/install.md"
    text = tree.read(install)
    kms = [s for _, b in policy_blocks(text) for s in b if s.get("actions") and all(a.startswith("kms:") for a in s["actions"])]
    if not kms:
        sys.exit(f"error: no statement of kms: actions in {install}")
    # "[The example policy here](./X.json) ... ARN `arn:aws:iam::aws:policy/<name>`", one sentence.
    named = []
    for m in re.finditer(r"\]\(\./([\w.-]+\.json)\)[^\n]*?`arn:aws:iam::aws:policy/([\w/+=,.@-]+)`", text):
        named.append({"path": install, "example": f"docs/{m.group(1)}", "managed_policy": m.group(2)})
    if not named:
        sys.exit(f"error: {install} names no AWS managed policy for an example policy")
    # The example the managed AmazonEBSCSIDriverPolicy tracks, and each example install.md names (the same file
    # up to v1.6x; later a V2 file).
    examples = [example] + sorted({n["example"] for n in named} - {example})
    policies = [{"path": path, "statements": statements_of(tree.read(path))} for path in examples]
    policies.append({"path": install, "heading": "kms", "statements": kms})
    return {"policies": policies, "managed_policies_named": named}


def cloudwatch_observability(tree):
    prefix = "integration-tests/amazon-cloudwatch-observability/terraform"
    found = []
    for path in tree.files(prefix):
        if not path.endswith(".tf"):
            continue
        text = tree.read(path)
        for m in re.finditer(r'resource\s+"aws_iam_role_policy_attachment"\s+"[^"]+"\s*\{(.*?)\n\}', text, re.S):
            body = m.group(1)
            arn = re.search(r'policy_arn\s*=\s*"arn:aws:iam::aws:policy/([^"]+)"', body)
            role = re.search(r"role\s*=\s*aws_iam_role\.(\w+)\.name", body)
            if arn and role:
                found.append({"path": path, "role": role.group(1), "managed_policy": arn.group(1)})
    agent = sorted({f["managed_policy"] for f in found if f["managed_policy"] not in NODE_BASELINE})
    if not agent:
        sys.exit(f"error: no managed policy beyond the node baseline attached under {prefix}")
    return {"attachments": found, "node_baseline": sorted(NODE_BASELINE), "managed_policies": agent}


RECIPES = {
    "aws-load-balancer-controller": load_balancer_controller,
    "external-dns": external_dns,
    "cluster-autoscaler": cluster_autoscaler,
    "aws-ebs-csi-driver": ebs_csi_driver,
    "amazon-cloudwatch-observability": cloudwatch_observability,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--git-dir", required=True)
    p.add_argument("--repository", required=True, help="owner/name, recorded in the facts")
    p.add_argument("--ref", required=True, help="the tag of the version")
    p.add_argument("--controller", required=True, choices=sorted(RECIPES))
    p.add_argument("--version", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if git(a.git_dir, "tag", "--list", a.ref).strip() != a.ref:
        sys.exit(f"error: no tag {a.ref} in {a.repository}")
    commit = git(a.git_dir, "rev-parse", "--verify", f"{a.ref}^{{commit}}").strip()
    facts = {
        "controller": a.controller,
        "version": a.version,
        "repository": a.repository,
        "tag": a.ref,
        "commit": commit,
        "generated_by": "scripts/upstream-facts/iam.sh",
    }
    facts.update(RECIPES[a.controller](Tree(a.git_dir, commit)))
    with open(a.out, "w") as f:
        json.dump(facts, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
