"""Lints every IAM policy document of the rendered Terraform roots with parliament, plus one check of our own.

  iam_lint.py ACCEPTED.json COUNTS.txt STATE_OR_PLAN.json...

Documents come from `terraform show -json` output (the state after apply against moto, where every document is
concrete; a plan's known values work too): identity policies (`aws_iam_policy.policy`, `aws_iam_role_policy.policy`,
`aws_iam_user_policy`, `aws_iam_group_policy`), trust policies (`aws_iam_role.assume_role_policy`) and KMS key
policies (`aws_kms_key.policy`); `data.aws_iam_policy_document` JSON is the same text as the resource that uses
it, so each distinct document is linted once, under every address that carries it.

Identity policies go through parliament with the community auditors. Trust and key policies are resource
policies: parliament's identity-policy rules do not fit them (a key policy's `Resource: "*"` means "this key"; a
trust policy has no Resource; parliament does not know EKS OIDC providers as federation sources), so they get
parliament's grammar checks (MALFORMED, UNKNOWN_ACTION, UNKNOWN_PREFIX, MISMATCHED_TYPE, …) only.

Our own checks:
  * identity: no Allow statement grants `*` (or `service:*`) actions on `*` resources; no Allow with NotAction or
    NotResource;
  * trust: only sts:AssumeRole* / sts:TagSession, never a `*` principal, and a federated (OIDC) principal only
    with conditions on both `:sub` and `:aud`;
  * key policies: never a `*` principal; `kms:*` only for the account root (the default key policy that keeps a
    key manageable).

Findings listed in ACCEPTED.json ({"accepted": [{"issue", "address", "severity", "reason"}]}) are reported but do
not fail; any other finding fails, HIGH and CRITICAL findings can never be accepted, and an accepted entry that
matches nothing (stale) fails too.
"""
import json
import sys

import os

import parliament
from parliament import analyze_policy_string, enhance_finding, expand_action, override_config

IDENTITY = {("aws_iam_policy", "policy"), ("aws_iam_role_policy", "policy"), ("aws_iam_user_policy", "policy"),
            ("aws_iam_group_policy", "policy")}
RESOURCE_POLICIES = {("aws_iam_role", "assume_role_policy"), ("aws_kms_key", "policy")}
# parliament issues that are about the grammar of a policy, valid for resource policies too.
GRAMMAR = {"MALFORMED", "MALFORMED_JSON", "UNKNOWN_ACTION", "UNKNOWN_PREFIX", "UNKNOWN_PRINCIPAL",
           "UNKNOWN_OPERATOR", "MISMATCHED_TYPE", "UNKNOWN_CONDITION_FOR_ACTION", "INVALID_ARN",
           "EXCEPTION", "BAD_PATTERN_FOR_MFA", "UNKNOWN_SID"}


def resources(doc):
    """(type, address, values) of managed resources in a state or plan."""
    root = doc.get("values", doc.get("planned_values", {})).get("root_module", {})
    modules = [root]
    while modules:
        m = modules.pop()
        for r in m.get("resources", []):
            if r.get("mode") == "managed":
                yield r["type"], r["address"], r.get("values", {})
        modules.extend(m.get("child_modules", []))


def as_list(v):
    return v if isinstance(v, list) else [v]


def principals(st):
    p = st.get("Principal", {})
    if p == "*":
        return [("*", "*")]
    return [(k, v) for k, vs in p.items() for v in as_list(vs)]


def own_checks(kind, policy):
    bad = []
    for i, st in enumerate(as_list(policy.get("Statement", []))):
        sid = st.get("Sid", i)
        if st.get("Effect") != "Allow":
            continue
        actions = as_list(st.get("Action", []))
        if kind == "identity":
            star = [a for a in actions if a == "*" or a.endswith(":*")]
            if star and "*" in as_list(st.get("Resource", [])):
                bad.append(f"statement {sid} allows {star} on *")
            if "NotAction" in st or "NotResource" in st:
                bad.append(f"statement {sid} uses NotAction/NotResource with Allow")
        elif kind == "trust":
            odd = [a for a in actions if not (a.startswith("sts:AssumeRole") or a == "sts:TagSession")]
            if odd:
                bad.append(f"statement {sid}: trust policy allows {odd}")
            for k, v in principals(st):
                if v == "*":
                    bad.append(f"statement {sid}: `*` principal")
                if k == "Federated":
                    keys = [key for op in st.get("Condition", {}).values() for key in op]
                    for suffix in (":sub", ":aud"):
                        if not any(key.endswith(suffix) for key in keys):
                            bad.append(f"statement {sid}: federated principal without a `{suffix}` condition")
        elif kind == "kms-key":
            for k, v in principals(st):
                if v == "*":
                    bad.append(f"statement {sid}: `*` principal")
            if "kms:*" in actions and not all(k == "AWS" and str(v).endswith(":root") for k, v in principals(st)):
                bad.append(f"statement {sid}: kms:* for a principal other than the account root")
    return bad


def unknown_actions(policy):
    """Actions parliament's IAM definitions do not know (newer than its data)."""
    out = set()
    for st in as_list(policy.get("Statement", [])):
        for a in as_list(st.get("Action", [])):
            try:
                expand_action(a)
            except Exception:  # UnknownActionException / UnknownPrefixException
                out.add(a)
    return out


def without(policy, actions):
    """The policy with `actions` removed (and statements left with no action dropped)."""
    statements = []
    for st in as_list(policy.get("Statement", [])):
        kept = [a for a in as_list(st.get("Action", [])) if a not in actions]
        if kept or "Action" not in st:
            statements.append(dict(st, Action=kept) if "Action" in st else st)
    return dict(policy, Statement=statements)


def findings(text, policy):
    """parliament's findings. One unknown action makes its community auditors skip the whole document (parliament
    1.6.4), so the document is analyzed again without the unknown actions: their UNKNOWN_ACTION findings are kept,
    and the rest of the document is still audited."""
    unknown = unknown_actions(policy)
    first = analyze_policy_string(text, include_community_auditors=True).findings
    if not unknown:
        return first
    rest = analyze_policy_string(json.dumps(without(policy, unknown)), include_community_auditors=True).findings
    return [f for f in first if f.issue == "UNKNOWN_ACTION"] + rest


def main():
    accepted_path, counts_path, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
    accepted = json.load(open(accepted_path))["accepted"]
    # As `parliament --include-community-auditors` does: their severities and titles.
    override_config(os.path.join(os.path.dirname(parliament.__file__), "community_auditors", "config_override.yaml"))
    docs = {}  # text -> {"kind", "addresses"}
    for path in sources:
        for ty, address, values in resources(json.load(open(path))):
            for attr_ty, attr in IDENTITY | RESOURCE_POLICIES:
                text = values.get(attr) if ty == attr_ty else None
                if text:
                    kind = "identity" if (ty, attr) in IDENTITY else "trust" if ty == "aws_iam_role" else "kms-key"
                    entry = docs.setdefault(text, {"kind": kind, "addresses": []})
                    entry["addresses"].append(address)
    if not docs:
        sys.exit("error: no IAM policy document found in " + ", ".join(sources))

    used, failures, accepted_hits, counts = set(), [], [], {}
    for text, entry in sorted(docs.items(), key=lambda kv: kv[1]["addresses"][0]):
        kind, addresses = entry["kind"], entry["addresses"]
        counts[kind] = counts.get(kind, 0) + 1
        label = ", ".join(addresses)
        policy = json.loads(text)
        for problem in own_checks(kind, policy):
            failures.append(f"{label}: {problem}")
        for f in findings(text, policy):
            enhance_finding(f)
            if kind != "identity" and f.issue not in GRAMMAR:
                continue
            if kind == "trust" and f.issue == "MALFORMED" and "neither Resource" in str(f.detail):
                continue
            detail = json.dumps(f.detail, default=str)[:300] if f.detail else ""
            line = f"{label}: {f.severity} {f.issue} {detail}"
            match = [i for i, a in enumerate(accepted) if a["issue"] == f.issue and a["address"] in addresses]
            if match and f.severity in ("LOW", "MEDIUM"):
                used.update(match)
                accepted_hits.append(line)
            else:
                failures.append(line)
    for i, a in enumerate(accepted):
        if i not in used:
            failures.append(f"stale entry in {accepted_path}: {a['issue']} on {a['address']} matches no finding")

    for hit in accepted_hits:
        print(f"  accepted ({accepted_path}): {hit}")
    total = sum(counts.values())
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    os.makedirs(os.path.dirname(counts_path), exist_ok=True)
    with open(counts_path, "w") as out:
        out.write(f"parliament: {total} IAM document(s) linted ({summary}); accepted findings {len(accepted_hits)}\n")
    print(f"parliament: {total} IAM document(s) linted ({summary}); accepted findings {len(accepted_hits)}, "
          f"failures {len(failures)}")
    if failures:
        for f in failures:
            print(f"  FAIL: {f}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
