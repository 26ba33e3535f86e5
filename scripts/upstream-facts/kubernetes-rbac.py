#!/usr/bin/env python3
"""Extracts Kubernetes' user-facing ClusterRoles (admin, edit, view, cluster-admin) and every ClusterRole they
aggregate from the bootstrap policy's test data, as JSON facts for the RBAC evaluation (tests/tests/rbac.rs).

Usage:
  kubernetes-rbac.py --git-dir CLONE --ref TAG --out FILE          # a kubernetes/kubernetes clone at a release tag
  kubernetes-rbac.py --file cluster-roles.yaml --commit SHA --out FILE   # that file as read at a known commit

Only names, aggregation labels and selectors, and rules are kept (no annotations or other metadata).
"""

import argparse
import json
import subprocess
import sys

import yaml

PATH = "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml"
USER_FACING = ["admin", "edit", "view", "cluster-admin"]
AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-"


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True).stdout


def rule(r):
    out = {}
    for key in ("apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs"):
        if r.get(key):
            out[key] = sorted(r[key])
    return out


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def extract(text):
    roles = {}
    for item in yaml.safe_load(text)["items"]:
        if item.get("kind") != "ClusterRole":
            continue
        meta = item["metadata"]
        roles[meta["name"]] = {
            "labels": {k: v for k, v in (meta.get("labels") or {}).items() if k.startswith(AGGREGATE)},
            "aggregation": [s.get("matchLabels") or {} for s in (item.get("aggregationRule") or {}).get("clusterRoleSelectors", [])],
            "rules": [rule(r) for r in item.get("rules") or []],
        }
    wanted, todo = set(), [n for n in USER_FACING if n in roles]
    missing = [n for n in USER_FACING if n not in roles]
    if missing:
        sys.exit(f"error: {missing} not in the bootstrap roles")
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        for selector in roles[name]["aggregation"]:
            todo += [n for n, r in roles.items() if matches({"matchLabels": selector}, r["labels"])]
    return {n: roles[n] for n in sorted(wanted)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--git-dir")
    p.add_argument("--ref", help="a release tag of the clone")
    p.add_argument("--file", help="the cluster-roles.yaml test data, read elsewhere at --commit")
    p.add_argument("--commit", help="the commit --file was read at")
    p.add_argument("--repository", default="kubernetes/kubernetes")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.git_dir and a.ref:
        commit = git(a.git_dir, "rev-list", "-n1", a.ref).strip()
        text, tag = git(a.git_dir, "show", f"{commit}:{PATH}"), a.ref
    elif a.file and a.commit:
        text, commit, tag = open(a.file).read(), a.commit, None
    else:
        sys.exit("error: give --git-dir and --ref, or --file and --commit")
    facts = {"repository": a.repository, "tag": tag, "commit": commit, "path": PATH, "roles": extract(text)}
    with open(a.out, "w") as f:
        f.write(json.dumps(facts, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
