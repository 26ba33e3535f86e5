#!/usr/bin/env python3
"""Derives the facts the conformance tests need from one upstream Helm chart at one version.

Usage:
  extract.py --git-dir DIR --repository OWNER/NAME --ref REF --path CHART_PATH \
             --release RELEASE --version VERSION --out FILE

REF is a tag or a commit, or `chart-version`: the oldest commit of the default branch whose
`CHART_PATH/Chart.yaml` carries VERSION (for repositories that do not tag chart releases, e.g. aws/eks-charts).

Reads the chart only through `git show` / `git ls-tree` of the given (bare) git dir; nothing is fetched. Needs
Python 3 and PyYAML (`pip install pyyaml`). The output holds facts only: the repository, tag and commit, the value
paths the chart accepts, which of them are free-form, how its workloads switch host networking and which ports
they listen on, and the structural schemas of the CRDs we create objects of. Descriptions, comments and template
text are not copied.

How value paths are found (all unioned):
- every key of `values.yaml` (and of each vendored subchart's, under the subchart's name or alias);
- every property of `values.schema.json` (`$ref`s to local definitions followed);
- every `.Values.a.b` / `$.Values.a.b` / `index .Values "a" "b"` reference in the templates, with the dot tracked
  through `with`, variables (`$x := .Values.a`) and named templates (`include "t" .Values.a`, or a `dict` of
  values), so that `.b` inside `with .Values.a` counts as `a.b`.
A path is open (any sub-key accepted) when values.yaml gives it an empty map or list or null, when the schema
allows additional properties, or when a template hands it whole to `toYaml`, `tpl`, `toJson`, `range` or a
function that copies it (`omit`, `pick`, `merge`...).
"""

import argparse
import json
import re
import subprocess
import sys

import yaml

# The custom resource kinds the platform creates, per release (group, kind).
CRD_KINDS = {
    "kyverno": [("kyverno.io", "ClusterPolicy")],
    "external-secrets": [("external-secrets.io", "SecretStore")],
    "calico": [
        ("crd.projectcalico.org", "GlobalNetworkPolicy"),
        ("crd.projectcalico.org", "IPPool"),
        ("crd.projectcalico.org", "Tier"),
        # The operator's Installation, which the chart renders from the `installation` values (the pod IP pools).
        ("operator.tigera.io", "Installation"),
    ],
}
# Kinds a version may lack: recorded under `absent_crds` instead of failing (Calico's open-source tiers: no Tier
# CRD and no `tier` field before 3.30).
OPTIONAL_CRD_KINDS = {("crd.projectcalico.org", "Tier")}
# Where CRDs live besides the chart, tried in this order (the chart itself first). Calico's chart links
# `crds/calico` to `libcalico-go/config/crd`, which the tree walk does not follow.
CRD_DIRS = ["config/crds", "deploy/crds", "libcalico-go/config/crd"]

WORKLOAD_KINDS = ("Deployment", "DaemonSet", "StatefulSet")


def git(git_dir, *args):
    return subprocess.run(["git", "-C", git_dir, *args], check=True, capture_output=True, text=True).stdout


def resolve_ref(git_dir, ref, chart_path, version):
    """The commit and the tag (or None) of the chart at `version`."""
    if ref != "chart-version":
        commit = git(git_dir, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
        tag = ref if git(git_dir, "tag", "--list", ref).strip() == ref else None
        return commit, tag
    found = None
    for commit in git(git_dir, "log", "--format=%H", "--", f"{chart_path}/Chart.yaml").split():
        try:
            chart = yaml.safe_load(git(git_dir, "show", f"{commit}:{chart_path}/Chart.yaml"))
        except subprocess.CalledProcessError:
            continue
        if str(chart.get("version")) == version:
            found = commit  # keep going: the oldest commit with this version is the release
        elif found:
            break
    if not found:
        sys.exit(f"error: no commit of {chart_path}/Chart.yaml has version {version}")
    return found, None


class Tree:
    """The files of one commit."""

    def __init__(self, git_dir, commit):
        self.git_dir, self.commit = git_dir, commit
        self.paths = git(git_dir, "ls-tree", "-r", "--name-only", commit).splitlines()

    def read(self, path):
        return git(self.git_dir, "show", f"{self.commit}:{path}")

    def under(self, prefix):
        return [p for p in self.paths if p.startswith(prefix.rstrip("/") + "/")]


# ---------------------------------------------------------------------------------------------------------------
# values.yaml and values.schema.json


def flatten_values(node, prefix, paths, open_paths, defaults):
    for key, value in node.items():
        path = prefix + (str(key),)
        paths.add(path)
        defaults[path] = value
        if isinstance(value, dict):
            if value:
                flatten_values(value, path, paths, open_paths, defaults)
            else:
                open_paths.add(path)
        elif isinstance(value, list) and not value or value is None:
            open_paths.add(path)


def schema_paths(schema, root, prefix, paths, open_paths, depth=0):
    if not isinstance(schema, dict) or depth > 40:
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema_paths(target, root, prefix, paths, open_paths, depth + 1)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(combinator, []):
            schema_paths(sub, root, prefix, paths, open_paths, depth + 1)
    props = schema.get("properties") or {}
    for key, sub in props.items():
        paths.add(prefix + (key,))
        schema_paths(sub, root, prefix + (key,), paths, open_paths, depth + 1)
    extra = schema.get("additionalProperties")
    if prefix and (extra is True or isinstance(extra, dict) or schema.get("patternProperties")):
        open_paths.add(prefix)


# ---------------------------------------------------------------------------------------------------------------
# Templates: a small reader of Go template actions that tracks what the dot and the variables stand for.

ROOT = ("root",)
UNKNOWN = ("unknown",)


def vpath(path):
    return ("path", tuple(path))


def is_path(d):
    return d[0] == "path"


TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>"(?:[^"\\]|\\.)*"|`[^`]*`)
    | (?P<assign>:=|=)
    | (?P<punct>[()|,])
    | (?P<chain>(?:\$[A-Za-z0-9_]*|(?<![A-Za-z0-9_)])\.)(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?
                |\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)
    | (?P<num>-?[0-9][0-9.]*)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>\S)
    )""",
    re.X,
)

COPYING = {"omit", "pick", "merge", "mergeOverwrite", "deepCopy", "mustMerge", "mustMergeOverwrite", "coalesce"}
FREE_FORM = {"toYaml", "toJson", "toPrettyJson", "tpl", "mustToJson", "toRawJson", "fromYaml"}


def tokenize(text):
    out = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class Reader:
    """Walks the templates of one chart (values under `prefix`), collecting value paths and free-form paths."""

    def __init__(self, prefix, defines):
        self.prefix = prefix
        self.defines = defines  # name -> template text, shared by the chart and its subcharts
        self.paths = set()
        self.open = set()
        self.visited = set()

    # -- expressions ------------------------------------------------------------------------------------------

    def field(self, base, fields):
        if not fields:
            return base
        if base == ROOT:
            if fields[0] != "Values":
                return UNKNOWN
            return self.use(vpath(self.prefix + tuple(fields[1:])))
        if is_path(base):
            return self.use(vpath(base[1] + tuple(fields)))
        if base[0] == "dict":
            inner = base[1].get(fields[0], UNKNOWN)
            return self.field(inner, fields[1:])
        return UNKNOWN

    def use(self, d):
        if is_path(d):
            path = d[1]
            for i in range(len(self.prefix) + 1, len(path) + 1):
                self.paths.add(path[:i])
        return d

    def free(self, d):
        if is_path(d) and len(d[1]) > len(self.prefix):
            self.open.add(d[1])

    def chain(self, text, dot, env):
        if text.startswith("$"):
            head, *fields = text.split(".")
            base = ROOT if head == "$" else env.get(head, UNKNOWN)
            return self.field(base, fields)
        fields = [f for f in text.split(".") if f]
        return self.field(dot, fields)

    def operand(self, toks, i, dot, env):
        """One operand at toks[i]: returns (descriptor, next index, literal or None)."""
        kind, text = toks[i]
        if kind == "punct" and text == "(":
            d, i, lit = self.pipeline(toks, i + 1, dot, env)
            if i < len(toks) and toks[i] == ("punct", ")"):
                i += 1
            # `(expr).field`
            if i < len(toks) and toks[i][0] == "chain" and toks[i][1].startswith("."):
                d = self.field(d, [f for f in toks[i][1].split(".") if f])
                i += 1
            return d, i, lit
        if kind == "chain":
            return self.chain(text, dot, env), i + 1, None
        if kind == "str":
            return ("str", text[1:-1]), i + 1, text[1:-1]
        if kind == "num":
            return UNKNOWN, i + 1, text
        return UNKNOWN, i + 1, None

    def command(self, toks, i, dot, env, piped):
        """A command (function call or operand), up to `|`, `)` or the end."""
        if i >= len(toks):
            return piped or UNKNOWN, i, None
        kind, text = toks[i]
        if kind != "ident" or text in ("true", "false", "nil"):
            d, i, lit = self.operand(toks, i, dot, env)
            return d, i, lit
        name, i = text, i + 1
        args, lits = [], []
        while i < len(toks) and toks[i] not in (("punct", "|"), ("punct", ")")):
            d, i, lit = self.operand(toks, i, dot, env)
            args.append(d)
            lits.append(lit)
        if piped is not None:
            args.append(piped)
            lits.append(None)
        return self.call(name, args, lits), i, None

    def call(self, name, args, lits):
        if name in FREE_FORM:
            for a in args[:1]:
                self.free(a)
            return UNKNOWN
        if name in ("include", "template") and args and args[0][0] == "str":
            self.expand(args[0][1], args[1] if len(args) > 1 else UNKNOWN)
            return UNKNOWN
        if name == "dict":
            keys = {}
            for k, v in zip(args[0::2], args[1::2]):
                if k[0] == "str":
                    keys[k[1]] = v
            return ("dict", keys)
        if name in ("index", "hasKey") and args and is_path(args[0]):
            keys = []
            for a in args[1:]:
                if a[0] != "str":
                    break
                keys.append(a[1])
            d = self.use(vpath(args[0][1] + tuple(keys)))
            return d if name == "index" else UNKNOWN
        if name == "default" and args:
            return args[-1] if is_path(args[-1]) else args[0]
        if name in COPYING and args:
            return args[0]
        return UNKNOWN

    def pipeline(self, toks, i, dot, env):
        d, i, lit = self.command(toks, i, dot, env, None)
        while i < len(toks) and toks[i] == ("punct", "|"):
            d, i, _ = self.command(toks, i + 1, dot, env, d)
            lit = None
        return d, i, lit

    def expression(self, text, dot, env):
        """Evaluates an action's pipeline, binding `$x :=` variables; returns its descriptor."""
        toks = tokenize(text)
        names = []
        while len(toks) >= 2 and toks[0][0] == "chain" and toks[0][1].startswith("$"):
            if toks[1][0] == "assign":
                names.append(toks[0][1])
                toks = toks[2:]
            elif toks[1] == ("punct", ",") and len(toks) > 3:
                names.append(toks[0][1])
                toks = toks[2:]
            else:
                break
        d, _, _ = self.pipeline(toks, 0, dot, env) if toks else (UNKNOWN, 0, None)
        return d, names

    # -- templates --------------------------------------------------------------------------------------------

    def expand(self, name, dot):
        key = (name, repr(dot))
        if key in self.visited or name not in self.defines or len(self.visited) > 5000:
            return
        self.visited.add(key)
        self.walk(self.defines[name], dot)

    def walk(self, text, dot, on_line=None):
        """Reads a template. `on_line(line, action, stack)` is told each action's line, what it is
        (`(keyword, descriptor[, text])`, None for `end`/`else`) and the enclosing blocks after it."""
        stack = []  # (keyword, descriptor of its argument, dot before, env before)
        env = {}
        line, pos = 1, 0
        for m in ACTION.finditer(text):
            line += text.count("\n", pos, m.start())
            pos = m.start()
            body = m.group(1).strip()
            if body.startswith("/*"):
                continue
            word = body.split(None, 1)[0] if body else ""
            rest = body[len(word) :].strip()
            action = None
            if word in ("define", "block"):
                # named templates are read when included
                stack.append(("define", UNKNOWN, dot, dict(env)))
                dot = UNKNOWN
            elif word == "end":
                if stack:
                    _, _, dot, env = stack.pop()
            elif word == "else":
                if stack:
                    dot = stack[-1][2]
                if rest.startswith(("if ", "with ")):
                    d, _ = self.expression(rest.split(None, 1)[1], dot, env)
                    if rest.startswith("with "):
                        dot = d
            elif stack and stack[-1][0] == "define":
                pass
            elif word in ("if", "with", "range"):
                d, names = self.expression(rest, dot, env)
                stack.append((word, d, dot, dict(env)))
                if word == "with":
                    dot = d
                elif word == "range":
                    self.free(d)
                    dot = UNKNOWN
                    for n in names:
                        env[n] = UNKNOWN
                action = (word, d, rest)
            else:
                d, names = self.expression(body, dot, env)
                for n in names:
                    env[n] = d
                action = ("out", d, body)
            if on_line:
                on_line(line, action, list(stack))


ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)


def collect_defines(text, defines):
    """Named templates: the body between `define` and its matching `end` (nesting counted)."""
    for m in re.finditer(r"\{\{-?\s*define\s+\"([^\"]+)\"\s*-?\}\}", text):
        depth, start = 1, m.end()
        for a in ACTION.finditer(text, start):
            word = (a.group(1).strip().split(None, 1) or [""])[0]
            if word in ("if", "with", "range", "define", "block"):
                depth += 1
            elif word == "end":
                depth -= 1
                if depth == 0:
                    defines.setdefault(m.group(1), text[start : a.start()])
                    break


# ---------------------------------------------------------------------------------------------------------------
# Workloads: host networking and listening ports

PORT_FLAG = re.compile(r"--([A-Za-z0-9-]*(?:port|addr|address|listen))=(.*)", re.I)
# Flags that name a port of something else (a Service, a tracing collector), not a listener of the pod.
NOT_A_LISTENER = re.compile(r"service|tracing|otel|collector|remote|proxy|server-?addr", re.I)


def port_of(value):
    """A port from a number or an address `host:port` / `:port`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        m = re.search(r"(?:^|:)([0-9]{1,5})$", value.strip())
        if m:
            return int(m.group(1))
    return None


def workloads(reader_for, tree, chart_path, defaults):
    out = []
    for path in sorted(tree.under(f"{chart_path}/templates")):
        if not path.endswith((".yaml", ".yml", ".tpl")) or path.endswith(".tpl"):
            continue
        text = tree.read(path)
        for doc in re.split(r"(?m)^---\s*$", text):
            kind = re.search(r"(?m)^kind:\s*(\w+)", doc)
            if not kind or kind.group(1) not in WORKLOAD_KINDS:
                continue
            w = workload(reader_for(), doc, defaults)
            w["template"] = path[len(chart_path) + 1 :]
            w["kind"] = kind.group(1)
            name = re.search(r"(?m)^  name:\s*(.+)$", doc)
            w["name"] = template_name(name.group(1)) if name else None
            out.append(w)
    return out


def template_name(text):
    """`{{ template "x.admission-controller.name" . }}` -> `admission-controller.name`; literal names kept."""
    m = re.search(r"\"([^\"]+)\"", text)
    return m.group(1).split(".", 1)[-1] if m else text.strip()


def workload(reader, doc, defaults):
    lines = doc.split("\n")
    events = []  # (line, action, stack after it)
    reader.walk(doc, ROOT, lambda line, action, stack: events.append((line, action, stack)))

    def actions_on(n):
        return [a for line, a, _ in events if line == n and a]

    def all_refs(n):
        """Value paths referenced on line n: the actions' results first, then every `.Values` reference; a path
        named like a port first (`--healthz-addr={{ .address }}:{{ .port }}`)."""
        refs = [".".join(a[1][1]) for a in actions_on(n) if is_path(a[1])]
        for a in actions_on(n):
            refs += [".".join(p) for p in value_refs(a[2]) if ".".join(p) not in refs]
        return sorted(refs, key=lambda r: "port" not in r.rsplit(".", 1)[-1].lower())

    def literal_default(n):
        for a in actions_on(n):
            m = re.search(r"\bdefault\s+\"?:?([0-9]{1,5})\"?", a[2])
            if m:
                return int(m.group(1))
        return None

    def enclosing_path(n):
        """The value path of the innermost `if`/`with` around line n."""
        stack = []
        for line, _, after in events:
            if line >= n:
                break
            stack = after
        for word, d, _, _ in reversed(stack):
            if word in ("if", "with") and is_path(d):
                return ".".join(d[1])
        return None

    def default_of(path):
        return port_of(defaults.get(tuple(path.split("."))))

    host = None
    ports, selectors = [], []
    for n, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue
        m = re.match(r"hostNetwork:\s*(.*)$", stripped)
        if m:
            value = m.group(1).strip()
            if value == "true":
                cond = enclosing_path(n)
                host = {"value": cond, "default": bool(defaults.get(tuple(cond.split(".")))) if cond else None}
                if cond is None:
                    host = {"always": True}
            else:
                refs = all_refs(n) or ([enclosing_path(n)] if enclosing_path(n) else [])
                if refs:
                    host = {"value": refs[0], "default": bool(defaults.get(tuple(refs[0].split("."))))}
        if "nodeSelector" in stripped:
            for p in all_refs(n) + all_refs(n - 1) + all_refs(n + 1):
                if p.endswith("nodeSelector") and p not in selectors:
                    selectors.append(p)
        m = re.match(r"-?\s*(containerPort|port):\s*(.*)$", stripped)
        if m:
            value = m.group(2).strip().strip('"')
            if re.fullmatch(r"[0-9]{1,5}", value):
                # a probe's port in a template is the listener it probes
                ports.append({"port": int(value), "source": m.group(1)})
            elif "{{" in value:
                refs = all_refs(n)
                if refs:
                    ports.append(
                        {"value": refs[0], "default": default_of(refs[0]) or literal_default(n), "source": m.group(1)}
                    )
        m = PORT_FLAG.search(stripped)
        if m and not NOT_A_LISTENER.search(m.group(1)):
            value = m.group(2).strip().strip('"')
            flag = "--" + m.group(1)
            if "{{" in value:
                refs = all_refs(n)
                if refs:
                    ports.append(
                        {"value": refs[0], "default": default_of(refs[0]) or literal_default(n), "flag": flag}
                    )
            elif port_of(value) is not None:
                ports.append({"port": port_of(value), "flag": flag})
    for p in selectors[:]:
        if p.startswith("global."):
            selectors.remove(p)
            selectors.append(p)
    return {"host_network": host, "node_selector": selectors, "ports": dedupe(ports)}


def dedupe(items):
    """One entry per literal port or per value path (a flag and a containerPort fed by the same value are one
    listener); the chart default is the first one found, the sources are all kept."""
    out = {}
    for i in items:
        key = ("value", i["value"]) if "value" in i else ("port", i["port"])
        entry = out.setdefault(key, {k: v for k, v in i.items() if k not in ("source", "flag", "sources")})
        if entry.get("default") is None and i.get("default") is not None:
            entry["default"] = i["default"]
        sources = set(entry.get("sources", [])) | set(i.get("sources", [])) | {i.get("flag") or i.get("source")}
        entry["sources"] = sorted(s for s in sources if s)
    return sorted(out.values(), key=lambda e: (e.get("value") or "", e.get("port") or 0))


VALUE_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z0-9_]+)+)")


def value_refs(text):
    return [tuple(m.group(1).split(".")[1:]) for m in VALUE_REF.finditer(text)]


def probe_ports(values, prefix=()):
    """Ports of probes given in values.yaml (`<x>Probe.httpGet.port`, `tcpSocket.port`, `grpc.port`)."""
    out = []
    if isinstance(values, dict):
        for k, v in values.items():
            path = prefix + (str(k),)
            if str(k).endswith("Probe") and isinstance(v, dict):
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    port = (v.get(handler) or {}).get("port") if isinstance(v.get(handler), dict) else None
                    if isinstance(port, int):
                        out.append({"value": ".".join(path + (handler, "port")), "default": port, "source": "probe"})
            else:
                out += probe_ports(v, path)
    return out


# ---------------------------------------------------------------------------------------------------------------
# CRDs


def without_descriptions(schema):
    """A structural schema without `description`s (property names, even `description`, are kept)."""
    if isinstance(schema, list):
        return [without_descriptions(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for k, v in schema.items():
        if k == "description":
            continue
        if k in ("properties", "patternProperties", "definitions"):
            out[k] = {name: without_descriptions(s) for name, s in v.items()}
        else:
            out[k] = without_descriptions(v)
    return out


def yaml_docs_without_actions(text):
    """YAML documents of a (possibly templated) manifest file: lines that are only template actions dropped."""
    kept = [l for l in text.split("\n") if not re.fullmatch(r"\s*\{\{.*\}\}\s*", l)]
    try:
        return [d for d in yaml.safe_load_all("\n".join(kept)) if isinstance(d, dict)]
    except yaml.YAMLError:
        return []


def find_crds(tree, chart_path, wanted):
    found = {}
    places = [chart_path] + CRD_DIRS
    for place in places:
        for path in sorted(tree.under(place)):
            if not path.endswith((".yaml", ".yml")) or "/tests/" in path or "/ci/" in path:
                continue
            text = tree.read(path)
            if "CustomResourceDefinition" not in text:
                continue
            for doc in yaml_docs_without_actions(text):
                if doc.get("kind") != "CustomResourceDefinition":
                    continue
                spec = doc.get("spec") or {}
                key = (spec.get("group"), (spec.get("names") or {}).get("kind"))
                if key in wanted and key[1] not in found:
                    served = [v for v in spec.get("versions", []) if v.get("served")]
                    found[key[1]] = {
                        "group": key[0],
                        "path": path,
                        "served": [v["name"] for v in served],
                        "schemas": {
                            v["name"]: without_descriptions(v["schema"]["openAPIV3Schema"])
                            for v in served
                            if v.get("schema")
                        },
                    }
    missing = [k for g, k in wanted if k not in found and (g, k) not in OPTIONAL_CRD_KINDS]
    if missing:
        sys.exit(f"error: CRD(s) {missing} not found under {places}")
    return found


# ---------------------------------------------------------------------------------------------------------------


def subcharts(tree, chart_path, chart):
    """Vendored subcharts: (values prefix, path)."""
    aliases = {d.get("name"): d.get("alias") or d.get("name") for d in chart.get("dependencies") or []}
    out = []
    for p in tree.paths:
        m = re.fullmatch(re.escape(chart_path) + r"/charts/([^/]+)/Chart\.yaml", p)
        if m:
            out.append((aliases.get(m.group(1), m.group(1)), f"{chart_path}/charts/{m.group(1)}"))
    vendored = {name for name, _ in out}
    missing = [a for a in aliases.values() if a not in vendored]
    return out, missing


def extract(args):
    commit, tag = resolve_ref(args.git_dir, args.ref, args.path, args.version)
    tree = Tree(args.git_dir, commit)
    chart = yaml.safe_load(tree.read(f"{args.path}/Chart.yaml"))
    # Calico's source Chart.yaml carries a placeholder (its release build sets the version): the tag names it.
    if str(chart.get("version")) != args.version and not (tag and tag.endswith(args.version)):
        sys.exit(f"error: {args.path}/Chart.yaml at {commit} has version {chart.get('version')}, not {args.version}")
    subs, external = subcharts(tree, args.path, chart)
    charts = [((), args.path)] + [((name,), path) for name, path in subs]

    paths, open_paths, defaults = set(), set(), {}
    defines = {}
    for prefix, path in charts:
        for f in tree.under(f"{path}/templates"):
            if f.endswith((".tpl", ".yaml", ".yml", ".txt")):
                collect_defines(tree.read(f), defines)
    for prefix, path in charts:
        if f"{path}/values.yaml" in tree.paths:
            values = yaml.safe_load(tree.read(f"{path}/values.yaml")) or {}
            flatten_values(values, prefix, paths, open_paths, defaults)
        if f"{path}/values.schema.json" in tree.paths:
            schema = json.loads(tree.read(f"{path}/values.schema.json"))
            schema_paths(schema, schema, prefix, paths, open_paths)
        reader = Reader(prefix, defines)
        for f in tree.under(f"{path}/templates"):
            if f.startswith(f"{path}/templates/") and f.endswith((".yaml", ".yml", ".tpl", ".txt")):
                if "/charts/" in f[len(path) :]:
                    continue
                reader.walk(tree.read(f), ROOT)
        for name in list(defines):
            reader.expand(name, ROOT)
        paths |= reader.paths
        open_paths |= reader.open
    for name in external:
        # a dependency pulled from a chart repository at package time: its values cannot be read here
        paths.add((name,))
        open_paths.add((name,))

    root_values = yaml.safe_load(tree.read(f"{args.path}/values.yaml")) or {}
    ws = workloads(lambda: Reader((), defines), tree, args.path, defaults)
    probes = probe_ports(root_values)
    for w in ws:
        # values.yaml probes belong to the workload whose values subtree holds its nodeSelector
        scope = w["node_selector"][0].rsplit(".", 1)[0] if w["node_selector"] and "." in w["node_selector"][0] else ""
        for p in probes:
            owner = p["value"].split(".")
            if (scope and p["value"].startswith(scope + ".") and len(owner) == len(scope.split(".")) + 3) or (
                not scope and len(owner) == 3
            ):
                w["ports"] = dedupe(w["ports"] + [p])

    wanted = CRD_KINDS.get(args.release, [])
    facts = {
        "release": args.release,
        "repository": args.repository,
        "tag": tag,
        "commit": commit,
        "chart_path": args.path,
        "chart_version": args.version,
        "chart_yaml_version": str(chart.get("version")),
        "app_version": str(chart.get("appVersion")) if chart.get("appVersion") is not None else None,
        "value_paths": sorted(".".join(p) for p in paths),
        "open_paths": sorted(".".join(p) for p in open_paths),
        "workloads": ws,
        "crds": find_crds(tree, args.path, wanted) if wanted else {},
    }
    absent = sorted(k for g, k in wanted if k not in facts["crds"])
    if absent:
        facts["absent_crds"] = absent
    # one line per value path; each CRD schema compact on one line (they are large and read only by the tests)
    schemas = {}
    for kind, crd in facts["crds"].items():
        for version, schema in crd["schemas"].items():
            marker = f"@schema:{kind}:{version}@"
            schemas[marker] = json.dumps(schema, sort_keys=True, separators=(",", ":"))
            crd["schemas"][version] = marker
    text = json.dumps(facts, indent=1, sort_keys=True)
    for marker, schema in schemas.items():
        text = text.replace(json.dumps(marker), schema)
    with open(args.out, "w") as f:
        f.write(text + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--git-dir", required=True)
    p.add_argument("--repository", required=True, help="owner/name, recorded in the facts")
    p.add_argument("--ref", required=True, help="tag, commit, or `chart-version`")
    p.add_argument("--path", required=True, help="the chart's directory in the repository")
    p.add_argument("--release", required=True, help="the Helm release name the platform gives the chart")
    p.add_argument("--version", required=True)
    p.add_argument("--out", required=True)
    extract(p.parse_args())


if __name__ == "__main__":
    main()
