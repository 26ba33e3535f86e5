#!/usr/bin/env python3
"""Derives the facts the tests need about the EKS managed add-on amazon-cloudwatch-observability at one version.

Usage:
  cloudwatch.py --charts-git-dir DIR --operator-git-dir DIR --agent-git-dir DIR --addon-version V --out FILE

The add-on is the Helm chart `charts/amazon-cloudwatch-observability` of aws-observability/helm-charts; the add-on
configuration is that chart's values. Add-on `vX.Y.Z-eksbuild.N` is taken to be chart `X.Y.Z` (tag
`amazon-cloudwatch-observability-X.Y.Z`, whose Chart.yaml must say X.Y.Z). The operator and agent images the chart
pins (`manager.image.tag`, `agent.image.tag` in its values.yaml) lead to the tags of
aws/amazon-cloudwatch-agent-operator (`v<tag>`) and aws/amazon-cloudwatch-agent (`v<tag>` without the `b<build>`
suffix).

Facts, all read through `git show` of the given (bare) git dirs; nothing is fetched, nothing is copied but names,
paths and numbers:
- the accepted value paths (extract.py's readers: values.yaml keys, values.schema.json, templates' `.Values`);
- every admission webhook the chart renders (with its self-signed certificate, the chart default): its
  configuration kind, name, service path, rules, and which values decide whether it exists, its failurePolicy,
  namespaceSelector and objectSelector, with the chart defaults of those values;
- the operator Deployment: whether any value puts it on the host network, its ports; the operator binary's
  listeners (flags and their defaults, and whether the webhook port is set by a flag);
- the log groups the chart's Fluent Bit outputs write to (and whether they auto-create them), and the log groups
  the agent's EMF exporter defaults to.
Needs Python 3 and PyYAML.
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import yaml  # noqa: E402

from extract import (  # noqa: E402
    ROOT,
    Reader,
    Tree,
    collect_defines,
    flatten_values,
    git,
    schema_paths,
    workloads,
    WORKLOAD_KINDS,
)

REPOSITORY = "aws-observability/helm-charts"
OPERATOR_REPOSITORY = "aws/amazon-cloudwatch-agent-operator"
AGENT_REPOSITORY = "aws/amazon-cloudwatch-agent"
CHART_PATH = "charts/amazon-cloudwatch-observability"
WEBHOOK_KINDS = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
VALUE_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z0-9_]+)+)")
ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)


def commit_of(git_dir, tag):
    return git(git_dir, "rev-parse", "--verify", f"{tag}^{{commit}}").strip()


def refs_in(text):
    return [m.group(1)[1:] for m in VALUE_REF.finditer(text)]


def dedupe(items):
    out = []
    for i in items:
        if i not in out:
            out.append(i)
    return out


def lookup(values, path):
    node = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# ---------------------------------------------------------------------------------------------------------------
# Webhooks


def helper_chain(defines, name, arg, key):
    """The value paths a named template called with `(list . "<arg>")` reads for `key`, in the order it tries them.

    The helpers bind `$x := index $ctx.Values.<base> $<param>` (the arg's own settings) and fall back to
    `$ctx.Values.<base>.<key>`; both spellings are resolved to value paths."""
    body = defines.get(name)
    if body is None:
        sys.exit(f"error: named template {name} not found")
    bound = {}
    for m in re.finditer(r"(\$\w+)\s*:=\s*index\s+\$\w+\.Values\.([\w.]+)\s+\$\w+", body):
        bound[m.group(1)] = f"{m.group(2)}.{arg}"
    chain = []
    for m in re.finditer(r"hasKey\s+(\$\w+)\s+\"(\w+)\"|\$\w+\.Values\.([\w.]+)|(\$\w+)\.(\w+)", body):
        if m.group(1) in bound:
            chain.append(f"{bound[m.group(1)]}.{m.group(2)}")
        elif m.group(3):
            chain.append(m.group(3))
        elif m.group(4) in bound:
            chain.append(f"{bound[m.group(4)]}.{m.group(5)}")
    return [p for p in dedupe(chain) if p.rsplit(".", 1)[-1] == key]


def file_gate(text):
    """The first line's `if and (...) (...)`: value paths that must be set (or, under `not`, unset) for the file
    to render anything. Helper calls among the terms are left to the per-webhook conditions."""
    first = text.lstrip().split("\n", 1)[0]
    m = re.match(r"\{\{-?\s*if\s+(.*?)\s*-?\}\}$", first)
    if not m:
        return []
    gate = []
    for term in re.findall(r"\(([^()]*)\)", m.group(1)):
        negated = term.strip().startswith("not ")
        for path in refs_in(term):
            gate.append({"value": path, "truthy": not negated})
    return gate


def placeholder(text):
    return ACTION.sub("TEMPLATED", text)


def webhooks_of(tree, path, defines):
    text = tree.read(path)
    gate = file_gate(text)
    out = []
    for doc in re.split(r"(?m)^---\s*$", text):
        kind = re.search(r"(?m)^kind:\s*(\w+)", doc)
        if not kind or kind.group(1) not in WEBHOOK_KINDS:
            continue
        name = re.search(r"(?m)^  name:\s*(.+)$", doc)
        lines = doc.split("\n")
        start = next(i for i, l in enumerate(lines) if l.startswith("webhooks:"))
        items, current, condition = [], None, None
        for line in lines[start + 1 :]:
            m = re.match(r"\{\{-?\s*if\s+include\s+\"([^\"]+)\"\s+\(list\s+\.\s+\"(\w+)\"\)\s*-?\}\}\s*$", line.strip())
            if m and not line.startswith(" "):
                condition = (m.group(1), m.group(2))
                continue
            if re.match(r"\{\{-?\s*end\s*-?\}\}\s*$", line.strip()) and not line.startswith(" "):
                condition = None
                continue
            if line.startswith("- "):
                current = {"lines": [], "condition": condition}
                items.append(current)
            if current is not None:
                current["lines"].append(line)
        for item in items:
            out.append(webhook(item, kind.group(1), name.group(1) if name else None, gate, defines, path))
    return out


def webhook(item, kind, configuration, gate, defines, template):
    lines = item["lines"]
    body = "\n".join(l for l in lines if not re.fullmatch(r"\s*\{\{.*\}\}\s*", l))
    parsed = yaml.safe_load(placeholder(body))[0]
    by_key = {}
    key = None
    for line in lines:
        m = re.match(r"  (\w+):(.*)$", line)
        if m:
            key = m.group(1)
            by_key.setdefault(key, []).append(m.group(2))
        elif key and re.fullmatch(r"\s*\{\{-?\s*(if|end)\b.*\}\}\s*", line):
            continue  # an `if` guards the next key (see `wrapped`)
        elif key and (line.startswith("   ") or re.fullmatch(r"\s*\{\{.*\}\}\s*", line)):
            by_key[key].append(line)
    # `objectSelector` / `namespaceSelector` may be wrapped in an `{{- if .Values.x }}` line just above them.
    wrapped = {}
    for i, line in enumerate(lines):
        m = re.match(r"  (namespaceSelector|objectSelector):", line)
        if m and i > 0 and re.fullmatch(r"\s*\{\{-?\s*if\s+.*\}\}\s*", lines[i - 1]):
            wrapped[m.group(1)] = refs_in(lines[i - 1])

    def setting(name, semantics):
        text = "\n".join(by_key.get(name, []))
        inc = re.search(r"include\s+\"([^\"]+)\"\s+\(list\s+\.\s+\"(\w+)\"\)", text)
        if inc:
            chain = helper_chain(defines, inc.group(1), inc.group(2), name)
        else:
            chain = dedupe(wrapped.get(name, []) + refs_in(text))
        if not chain:
            literal = parsed.get(name)
            return None if literal is None else {"literal": literal}
        return {"values": chain, "pick": semantics}

    enabled = None
    if item["condition"]:
        helper, arg = item["condition"]
        enabled = {"values": helper_chain(defines, helper, arg, "create"), "pick": "first-set"}
    service = (parsed.get("clientConfig") or {}).get("service") or {}
    return {
        "configuration": kind,
        "configuration_name": re.sub(r"\{\{.*?\}\}", "{name}", configuration or "").strip(),
        "template": template[len(CHART_PATH) + 1 :],
        "name": parsed["name"],
        "path": service.get("path"),
        "port": service.get("port", 443),
        "rules": parsed.get("rules") or [],
        "side_effects": parsed.get("sideEffects"),
        "file_gate": gate,
        "enabled": enabled,
        # `a | default b`: the first non-empty; helpers testing `hasKey` / `ne nil`: the first set (not null).
        "failure_policy": setting("failurePolicy", "first-non-empty"),
        "namespace_selector": setting("namespaceSelector", "first-set"),
        "object_selector": setting("objectSelector", "first-set"),
        "timeout_seconds": setting("timeoutSeconds", "first-non-empty"),
    }


# ---------------------------------------------------------------------------------------------------------------
# Operator and agent binaries


def operator_listeners(git_dir, tag):
    """The listener flags of the operator's main.go (name and default address) and whether any flag sets the
    webhook server's port (unset, controller-runtime serves on its default)."""
    main = git(git_dir, "show", f"{tag}:main.go")
    flags = []
    for m in re.finditer(r"pflag\.StringVar\(&(\w+),\s*\"([\w-]+)\",\s*\"([^\"]*)\"", main):
        if re.search(r"addr", m.group(2), re.I):
            port = re.search(r":([0-9]{1,5})$", m.group(3))
            flags.append({"flag": "--" + m.group(2), "default": m.group(3), "port": int(port.group(1)) if port else None})
    port_var = re.search(r"webhook\.Options\{[^}]*?Port:\s*(\w+)", main, re.S)
    webhook_flag = None
    if port_var:
        m = re.search(r"pflag\.\w+Var\(&" + re.escape(port_var.group(1)) + r",\s*\"([\w-]+)\"", main)
        webhook_flag = "--" + m.group(1) if m else None
    return {
        "flags": flags,
        "webhook_port_variable": port_var.group(1) if port_var else None,
        "webhook_port_flag": webhook_flag,
        "webhook_paths": sorted(set(re.findall(r"Register\(\"(/[\w-]+)\"", main))),
    }


def agent_log_groups(git_dir, tag):
    """Default log group of each of the agent's EMF exporter configurations (`awsemf_*.yaml`, `appsignals_*`)."""
    base = "translator/translate/otel/exporter/awsemf"
    out = {}
    for path in git(git_dir, "ls-tree", "-r", "--name-only", tag, base).split():
        if not path.endswith(".yaml"):
            continue
        doc = yaml.safe_load(git(git_dir, "show", f"{tag}:{path}")) or {}
        if isinstance(doc, dict) and doc.get("log_group_name"):
            out[path.rsplit("/", 1)[-1][: -len(".yaml")]] = doc["log_group_name"]
    return out


# ---------------------------------------------------------------------------------------------------------------
# Fluent Bit outputs


def env_values(tree, template, names):
    """The value paths a workload template's environment variables `names` are set from (`value: {{ .Values.x }}`
    on the line after `- name: X`)."""
    lines = tree.read(f"{CHART_PATH}/{template}").split("\n")
    out = {}
    for i, line in enumerate(lines[:-1]):
        m = re.match(r"\s*-\s*name:\s*\"?(\w+)\"?\s*$", line)
        if m and m.group(1) in names and re.match(r"\s*value:", lines[i + 1]):
            out[m.group(1)] = refs_in(lines[i + 1])
    return out


def fluent_bit_outputs(values, prefix=()):
    """Every `[OUTPUT]` section of a Fluent Bit config string in values.yaml that names a log group."""
    out = []
    if isinstance(values, dict):
        for k, v in values.items():
            out += fluent_bit_outputs(v, prefix + (str(k),))
    elif isinstance(values, str) and "[OUTPUT]" in values:
        for section in re.split(r"(?m)^\s*\[", values):
            if not section.startswith("OUTPUT]"):
                continue
            settings = {}
            for line in section.split("\n")[1:]:
                m = re.match(r"\s*([\w.]+)\s+(.*?)\s*$", line)
                if m:
                    settings[m.group(1).lower()] = m.group(2)
            if "log_group_name" in settings:
                out.append(
                    {
                        "value": ".".join(prefix),
                        "plugin": settings.get("name"),
                        "match": settings.get("match"),
                        "log_group_name": settings["log_group_name"],
                        "auto_create_group": settings.get("auto_create_group", "false").lower() in ("true", "on"),
                        "log_retention_days": settings.get("log_retention_days"),
                    }
                )
    return out


# ---------------------------------------------------------------------------------------------------------------


def host_network(tree, ws):
    """Workloads always on the host network, and custom resources (the operator's AmazonCloudWatchAgent) that ask
    for it."""
    out = {f"{w['kind']}/{w['name']}" for w in ws if (w["host_network"] or {}).get("always")}
    for f in tree.under(f"{CHART_PATH}/templates"):
        for doc in re.split(r"(?m)^---\s*$", tree.read(f)):
            kind = re.search(r"(?m)^kind:\s*(\w+)", doc)
            if kind and kind.group(1) not in WORKLOAD_KINDS and re.search(r"(?m)^\s*hostNetwork:\s*true\s*$", doc):
                out.add(f"{kind.group(1)}/{f[len(CHART_PATH) + 1 :]}")
    return sorted(out)


def value_paths(tree, defines):
    paths, open_paths, defaults = set(), set(), {}
    values = yaml.safe_load(tree.read(f"{CHART_PATH}/values.yaml")) or {}
    flatten_values(values, (), paths, open_paths, defaults)
    if f"{CHART_PATH}/values.schema.json" in tree.paths:
        schema = json.loads(tree.read(f"{CHART_PATH}/values.schema.json"))
        schema_paths(schema, schema, (), paths, open_paths)
    reader = Reader((), defines)
    for f in tree.under(f"{CHART_PATH}/templates"):
        if f.endswith((".yaml", ".yml", ".tpl", ".txt")):
            reader.walk(tree.read(f), ROOT)
    for name in list(defines):
        reader.expand(name, ROOT)
    paths |= reader.paths
    open_paths |= reader.open
    return values, paths, open_paths, defaults


def extract(args):
    m = re.fullmatch(r"v([0-9]+\.[0-9]+\.[0-9]+)-eksbuild\.[0-9]+", args.addon_version)
    if not m:
        sys.exit(f"error: {args.addon_version} is not an EKS add-on version vX.Y.Z-eksbuild.N")
    chart_version = m.group(1)
    tag = f"amazon-cloudwatch-observability-{chart_version}"
    commit = commit_of(args.charts_git_dir, tag)
    tree = Tree(args.charts_git_dir, commit)
    chart = yaml.safe_load(tree.read(f"{CHART_PATH}/Chart.yaml"))
    if str(chart.get("version")) != chart_version:
        sys.exit(f"error: {CHART_PATH}/Chart.yaml at {tag} has version {chart.get('version')}")

    defines = {}
    for f in tree.under(f"{CHART_PATH}/templates"):
        if f.endswith((".tpl", ".yaml", ".yml", ".txt")):
            collect_defines(tree.read(f), defines)
    values, paths, open_paths, defaults = value_paths(tree, defines)

    hooks = []
    for f in sorted(tree.under(f"{CHART_PATH}/templates")):
        if f.endswith((".yaml", ".yml")) and any(k in tree.read(f) for k in WEBHOOK_KINDS):
            hooks += webhooks_of(tree, f, defines)
    referenced = set()
    for h in hooks:
        for g in h["file_gate"]:
            referenced.add(g["value"])
        for key in ("enabled", "failure_policy", "namespace_selector", "object_selector", "timeout_seconds"):
            referenced |= set((h[key] or {}).get("values", []))
    hook_defaults = {p: lookup(values, p) for p in sorted(referenced)}

    ws = [w for w in workloads(lambda: Reader((), defines), tree, CHART_PATH, defaults)]
    operator = [w for w in ws if w["template"] == "templates/operator-deployment.yaml"]
    if len(operator) != 1:
        sys.exit("error: no operator Deployment in templates/operator-deployment.yaml")
    operator = operator[0]
    deployment = tree.read(f"{CHART_PATH}/templates/operator-deployment.yaml")
    operator["args_flags"] = sorted(set(re.findall(r"--([\w-]+)=", deployment)))
    service = tree.read(f"{CHART_PATH}/templates/operator-service.yaml")
    target = re.search(r"targetPort:\s*(.*)$", service, re.M).group(1)
    operator["service"] = {
        "port": int(re.search(r"(?m)^\s*-\s*port:\s*([0-9]+)", service).group(1)),
        "target_port_values": refs_in(target),
    }

    operator_tag = "v" + str(lookup(values, "manager.image.tag"))
    agent_image = str(lookup(values, "agent.image.tag"))
    agent_tag = "v" + re.sub(r"b[0-9]+$", "", agent_image)

    facts = {
        "addon": "amazon-cloudwatch-observability",
        "addon_version": args.addon_version,
        "repository": REPOSITORY,
        "tag": tag,
        "commit": commit,
        "chart_path": CHART_PATH,
        "chart_version": chart_version,
        "value_paths": sorted(".".join(p) for p in paths),
        "open_paths": sorted(".".join(p) for p in open_paths),
        "webhooks": hooks,
        "webhook_value_defaults": hook_defaults,
        "operator": {
            "workload": operator,
            "image_tag": lookup(values, "manager.image.tag"),
            "binary": {
                "repository": OPERATOR_REPOSITORY,
                "tag": operator_tag,
                "commit": commit_of(args.operator_git_dir, operator_tag),
                **operator_listeners(args.operator_git_dir, operator_tag),
            },
        },
        "host_network_workloads": host_network(tree, ws),
        "fluent_bit_outputs": fluent_bit_outputs(values),
        "fluent_bit_env": env_values(tree, "templates/linux/fluent-bit-daemonset.yaml", ("CLUSTER_NAME", "AWS_REGION")),
        "agent": {
            "image_tag": agent_image,
            "repository": AGENT_REPOSITORY,
            "tag": agent_tag,
            "commit": commit_of(args.agent_git_dir, agent_tag),
            "emf_log_groups": agent_log_groups(args.agent_git_dir, agent_tag),
        },
    }
    with open(args.out, "w") as f:
        f.write(json.dumps(facts, indent=1, sort_keys=True) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--charts-git-dir", required=True, help=f"a clone of {REPOSITORY}")
    p.add_argument("--operator-git-dir", required=True, help=f"a clone of {OPERATOR_REPOSITORY}")
    p.add_argument("--agent-git-dir", required=True, help=f"a clone of {AGENT_REPOSITORY}")
    p.add_argument("--addon-version", required=True, help="vX.Y.Z-eksbuild.N")
    p.add_argument("--out", required=True)
    extract(p.parse_args())


if __name__ == "__main__":
    main()
