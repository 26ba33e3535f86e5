#!/usr/bin/env python3
"""What each pinned chart does with our values, derived by rendering it with a real Helm at its tag.

Run by behaviour.sh (which installs Helm, dumps our values and loops over tests/upstream/pins.txt); writes
tests/upstream/behaviour/<release>-<chart version>.json. For one pin line and each carried Kubernetes version
that pins it:
  - the chart is taken from the mirror at its tag (git archive), packaged with `helm package --version` (Calico's
    Chart.yaml says v0.0 until its release stamps it), templates the release process generates and the tag lacks
    are rebuilt (external-secrets' CRDs from deploy/crds/bundle.yaml), and dependencies our values leave disabled
    that are not vendored are dropped (Helm refuses to render with them missing);
  - `helm template` renders it with our values, `--kube-version`, and the `--api-versions` the chart's templates
    ask `.Capabilities.APIVersions.Has` about that the Kubernetes version serves by default (its OpenAPI
    definitions in the kubernetes-validate wheel, alpha versions excluded as they are off by default);
  - objects, host-network workloads with their listeners, admission webhooks, each workload's pods and requests
    (what the scheduler counts: tenancy/quota-capacity's reservations are held against them) and dead values are
    derived from the output. Listeners = declared containerPorts, probe ports, ports in the rendered arguments, and the defaults of
    the binary's listener flags the chart does not pass, read from the Go source at the image's tag (LISTENERS).
  - a value path we set is dead when rendering without it and with it changed (same type) both leave the output
    as it was, once generated certificates and random strings are masked.
Only data is written: value paths, ports, names, rules, with the repositories, tags and commits they came from.
"""
import argparse
import copy
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract import resolve_ref  # noqa: E402  (the same chart-version resolution as the static facts)

WORKLOAD_KINDS = {"Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "Pod", "ReplicaSet"}
WEBHOOK_KINDS = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}

# The listener flags of each host-network binary, by (release, container name): where its flags are declared
# (paths at the image's tag) and which flags open a listener. A flag maps to None (listens whenever the binary
# runs), to the name of a boolean flag that must be on, or to a library default used when the flag's default is
# empty: (repository, Go module, path, variable) read at the module version of the binary's go.mod.
CONTROLLER_RUNTIME_METRICS = ("kubernetes-sigs/controller-runtime", "sigs.k8s.io/controller-runtime",
                              "pkg/metrics/server/server.go", "DefaultBindAddress")
LISTENERS = {
    ("kyverno", "kyverno"): {
        "repository": "kyverno/kyverno",
        "paths": ["cmd/internal/flag.go", "cmd/kyverno/main.go"],
        "flags": {"webhookServerPort": None, "metricsPort": None, "profilePort": "profile",
                  "controllerRuntimeMetricsAddress": CONTROLLER_RUNTIME_METRICS},
        "webhook_server": None,
    },
    ("aws-load-balancer-controller", "aws-load-balancer-controller"): {
        "repository": "kubernetes-sigs/aws-load-balancer-controller",
        "paths": ["pkg/config/runtime_config.go"],
        "flags": {"metrics-bind-addr": None, "health-probe-bind-addr": None, "webhook-bind-port": None},
        "webhook_server": "webhook-bind-port",
    },
    ("external-secrets", "webhook"): {
        "repository": "external-secrets/external-secrets",
        "paths": ["cmd/controller/webhook.go"],
        "flags": {"port": None, "metrics-addr": None, "healthz-addr": None},
        "webhook_server": "port",
    },
    ("calico", "tigera-operator"): {
        "repository": "tigera/operator",
        "paths": ["cmd/main.go|main.go"],
        # Metrics listen only when METRICS_HOST or METRICS_PORT is set (cmd/main.go metricsAddr); the webhook
        # server it configures is started only if something calls GetWebhookServer (checked below).
        "flags": {},
        "env": {"METRICS_PORT": None, "METRICS_HOST": "defaultMetricsPort"},
        "webhook_server": None,
    },
}
# A controller-runtime manager starts its webhook server (default 9443) only when asked for it: a binary whose
# source asks must name the flag that sets its port ("webhook_server" above).
LAZY_WEBHOOK_SERVER = re.compile(r"\bGetWebhookServer\(\)|NewWebhookManagedBy\(")


def run(*cmd, cwd=None, input=None):
    p = subprocess.run(cmd, cwd=cwd, input=input, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}...: {p.stderr.strip()[:2000]}")
    return p.stdout


def git(git_dir, *args):
    return run("git", "--git-dir", git_dir, *args)


def git_dir_of(mirrors, repository):
    for d in (f"{mirrors}/{repository.replace('/', '+')}/repo", f"{mirrors}/{repository.replace('/', '+')}",
              f"{mirrors}/{repository}"):
        if os.path.isdir(d) and subprocess.run(["git", "--git-dir", d, "rev-parse"], capture_output=True).returncode == 0:
            return d
    raise SystemExit(f"error: no clone of {repository} under {mirrors} (bring it with the fetch tool or git clone)")


# ---------------------------------------------------------------------------------------------------------------
# Kubernetes API versions served by default


def served_api_versions(kv_wheel, minor):
    """{"group/version", "group/version/Kind"} of the built-in APIs of a Kubernetes minor (alpha excluded)."""
    with zipfile.ZipFile(kv_wheel) as z:
        name = f"kubernetes_validate/kubernetes-json-schema/v{minor}.0-local/_definitions.json"
        doc = json.loads(z.read(name))
        defs = doc.get("definitions") or doc["$defs"]
    out = set()
    for d in defs.values():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            if "alpha" in gvk["version"]:
                continue
            gv = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            out.add(gv)
            out.add(f"{gv}/{gvk['kind']}")
    return out


def capability_checks(chart_dir):
    asked = set()
    for root, _, files in os.walk(chart_dir):
        for f in files:
            if f.endswith((".yaml", ".tpl", ".yml", ".txt")):
                text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
                asked.update(re.findall(r'Capabilities\.APIVersions\.Has\s+"([^"]+)"', text))
    return asked


# ---------------------------------------------------------------------------------------------------------------
# The chart at its tag, packaged


def esos_crd_templates(git_dir, commit, chart_dir):
    """external-secrets' release splits deploy/crds/bundle.yaml into templates/crds/, each CRD behind
    installCRDs (and crds.create<Kind> where values.yaml has it), the conversion webhook behind
    crds.conversion.enabled and pointed at the chart's webhook service. Rebuilt here the same way."""
    try:
        bundle = git(git_dir, "show", f"{commit}:deploy/crds/bundle.yaml")
    except RuntimeError:
        return []
    values = yaml.safe_load(open(os.path.join(chart_dir, "values.yaml"))) or {}
    crds_values = values.get("crds") or {}
    out = []
    os.makedirs(os.path.join(chart_dir, "templates", "crds"), exist_ok=True)
    for doc in yaml.safe_load_all(bundle):
        if not doc or doc.get("kind") != "CustomResourceDefinition":
            continue
        kind = doc["spec"]["names"]["kind"]
        flag = f"create{kind}"
        cond = f"and (.Values.installCRDs) (.Values.crds.{flag})" if flag in crds_values else ".Values.installCRDs"
        conversion = doc["spec"].pop("conversion", None)
        body = yaml.safe_dump(doc, sort_keys=False)
        if conversion:
            svc = conversion.get("webhook", {}).get("clientConfig", {}).get("service")
            if svc:
                svc["name"] = "__WEBHOOK__"
                svc["namespace"] = "__NAMESPACE__"
            text = yaml.safe_dump({"conversion": conversion}, sort_keys=False)
            text = "".join("  " + line + "\n" for line in text.splitlines())
            text = text.replace("__WEBHOOK__", '{{ include "external-secrets.fullname" . }}-webhook')
            text = text.replace("__NAMESPACE__", "{{ .Release.Namespace }}")
            if "conversion" in crds_values:
                text = "{{- if .Values.crds.conversion.enabled }}\n" + text + "{{- end }}\n"
            body = body.replace("\nspec:\n", "\nspec:\n" + text, 1)
        name = f"templates/crds/{doc['spec']['names']['singular']}.yaml"
        with open(os.path.join(chart_dir, name), "w") as f:
            f.write("{{- if " + cond + " }}\n" + body + "{{- end }}\n")
        out.append(name)
    return out


def package(git_dir, commit, chart_path, version, values, work):
    src = os.path.join(work, "src")
    os.makedirs(src)
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", commit, chart_path], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        t.extractall(src, filter="data")
    # Symlinks out of the chart (Calico's crds/ point into libcalico-go/): bring their targets from the same commit.
    for root, dirs, files in os.walk(src):
        for f in dirs + files:
            link = os.path.join(root, f)
            if os.path.islink(link) and not os.path.exists(link):
                target = os.path.relpath(os.path.realpath(link), os.path.realpath(src))
                if target.startswith(".."):
                    raise SystemExit(f"error: {link} points out of the repository")
                more = subprocess.run(["git", "--git-dir", git_dir, "archive", commit, target], capture_output=True,
                                      check=True).stdout
                with tarfile.open(fileobj=io.BytesIO(more)) as t:
                    t.extractall(src, filter="data")
    chart_dir = os.path.join(src, chart_path)
    generated = []
    crd_dir = os.path.join(chart_dir, "templates", "crds")
    if chart_path.endswith("charts/external-secrets") and not any(
            f.endswith(".yaml") for f in (os.listdir(crd_dir) if os.path.isdir(crd_dir) else [])):
        generated = esos_crd_templates(git_dir, commit, chart_dir)
    chart_yaml_path = os.path.join(chart_dir, "Chart.yaml")
    chart = yaml.safe_load(open(chart_yaml_path))
    dropped, published = [], []
    deps = chart.get("dependencies") or []
    kept = []
    for d in deps:
        charts_dir = os.path.join(chart_dir, "charts")
        vendored = os.path.isdir(charts_dir) and any(
            f == d["name"] or f.startswith(d["name"] + "-") for f in os.listdir(charts_dir))
        if not vendored and condition_value(d.get("condition"), values, chart_dir):
            published.append(from_published(git_dir, chart["name"], version, d["name"], charts_dir))
            vendored = True
        if not vendored:
            dropped.append(f"{d['name']} {d.get('version', '')} (condition {d.get('condition')} off)")
            continue
        kept.append(d)
    if dropped:
        chart["dependencies"] = kept
        with open(chart_yaml_path, "w") as f:
            yaml.safe_dump(chart, f, sort_keys=False)
    args = ["helm", "package", chart_dir, "--destination", work, "--version", version]
    if str(chart.get("appVersion", "")).strip() in ("v0.0", "0.0", ""):
        args += ["--app-version", version]
    run(*args)
    tgz = [os.path.join(work, f) for f in os.listdir(work) if f.endswith(".tgz")][0]
    with tarfile.open(tgz) as t:
        meta = yaml.safe_load(t.extractfile(f"{chart['name']}/Chart.yaml"))
    return tgz, chart_dir, meta, dropped, published, generated


def from_published(git_dir, name, version, dep, charts_dir):
    """An enabled dependency the tag does not vendor, taken from the chart's published archive on the repository's
    gh-pages branch, whose sha256 must be the digest its index.yaml records."""
    try:
        index = yaml.safe_load(git(git_dir, "show", "gh-pages:index.yaml"))
    except RuntimeError:
        raise SystemExit(f"error: {name} {version} needs {dep}, which the tag does not vendor, and no gh-pages index")
    entry = next((e for e in index["entries"].get(name, []) if str(e["version"]) == version), None)
    if not entry:
        raise SystemExit(f"error: {name} {version} needs {dep}; gh-pages index.yaml has no {name} {version}")
    archive = entry["urls"][0].rsplit("/", 1)[-1]
    blob = subprocess.run(["git", "--git-dir", git_dir, "show", f"gh-pages:{archive}"], capture_output=True,
                          check=True).stdout
    digest = hashlib.sha256(blob).hexdigest()
    if digest != entry["digest"]:
        raise SystemExit(f"error: gh-pages {archive} has sha256 {digest}, index.yaml says {entry['digest']}")
    prefix = f"{name}/charts/{dep}/"
    with tarfile.open(fileobj=io.BytesIO(blob)) as t:
        members = [m for m in t.getmembers() if m.name.startswith(prefix)]
        for m in members:
            m.name = m.name[len(f"{name}/charts/"):]
        t.extractall(charts_dir, members=members, filter="data")
    dep_version = yaml.safe_load(open(os.path.join(charts_dir, dep, "Chart.yaml"))).get("version")
    return f"{dep} {dep_version} from gh-pages {archive} (sha256 {digest})"


def condition_value(condition, values, chart_dir):
    if not condition:
        return True
    defaults = yaml.safe_load(open(os.path.join(chart_dir, "values.yaml"))) or {}
    for c in condition.split(","):
        for doc in (values, defaults):
            v = doc
            for k in c.strip().split("."):
                v = v.get(k) if isinstance(v, dict) else None
            if v is not None:
                return bool(v)
    return False


# ---------------------------------------------------------------------------------------------------------------
# Rendering


class Renderer:
    def __init__(self, tgz, release, namespace, kube, api_versions, work):
        self.tgz, self.release, self.namespace, self.kube = tgz, release, namespace, kube
        self.api_versions, self.work = sorted(api_versions), work
        self.cache = {}

    def render(self, values):
        """("ok", [document text, ...]) or ("error", last line of Helm's error)."""
        key = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
        if key not in self.cache:
            path = os.path.join(self.work, f"values-{key}.json")
            with open(path, "w") as f:
                json.dump(values, f)
            cmd = ["helm", "template", self.release, self.tgz, "--namespace", self.namespace,
                   "--kube-version", f"{self.kube}.0", "--include-crds", "-f", path]
            for a in self.api_versions:
                cmd += ["--api-versions", a]
            p = subprocess.run(cmd, capture_output=True, text=True)
            os.unlink(path)
            if p.returncode != 0:
                self.cache[key] = ("error", p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "error")
            else:
                docs = [d for d in re.split(r"^---[^\n]*$", p.stdout, flags=re.M) if parse(d)]
                self.cache[key] = ("ok", docs)
        return self.cache[key]


_parsed = {}


def parse(text):
    """One YAML document (libyaml when PyYAML has it), cached by its text."""
    if text not in _parsed:
        _parsed[text] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _parsed[text]


def same_output(a, b, unstable):
    """Whether two renders agree once generated and unstable fields are masked (text first: cheap)."""
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and masked([parse(x)], unstable, i) != masked([parse(y)], unstable, i):
            return False
    return True


B64 = re.compile(r"^[A-Za-z0-9+/=\s]{64,}$")


def masked(objects, unstable, first=0):
    """The objects with generated certificates and keys, and the paths two identical renders disagree on, masked."""
    def walk(v, path):
        if path in unstable:
            return "<unstable>"
        if isinstance(v, dict):
            return {k: walk(x, path + (k,)) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, path + (i,)) for i, x in enumerate(v)]
        if isinstance(v, str) and (B64.match(v) or "BEGIN " in v):
            return "<generated>"
        return v
    return [walk(o, (first + i,)) for i, o in enumerate(objects)]


def differing_paths(a, b, path=()):
    if type(a) is not type(b):
        return {path}
    if isinstance(a, dict):
        out = set()
        for k in set(a) | set(b):
            out |= differing_paths(a.get(k), b.get(k), path + (k,)) if k in a and k in b else {path + (k,)}
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return {path}
        out = set()
        for i, (x, y) in enumerate(zip(a, b)):
            out |= differing_paths(x, y, path + (i,))
        return out
    return set() if a == b else {path}


# ---------------------------------------------------------------------------------------------------------------
# Facts from one render


def pod_spec(o):
    spec = o.get("spec") or {}
    if o["kind"] == "Pod":
        return spec
    if o["kind"] == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


# Kubernetes quantity suffixes (apimachinery `resource.Quantity`): binary and decimal SI, and milli.
QUANTITY_FACTORS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9,
                    "T": 10**12, "m": Fraction(1, 1000)}


def quantity(text):
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text).strip())
    if not m or (m.group(2) and m.group(2) not in QUANTITY_FACTORS):
        raise SystemExit(f"error: `{text}` is no Kubernetes quantity this script reads")
    return Fraction(m.group(1)) * QUANTITY_FACTORS.get(m.group(2), 1)


def pod_requests(spec):
    """What the scheduler counts for one pod: the larger of its containers' sum and its largest init container
    (Kubernetes "Resource sharing within containers"), CPU in millicores and memory in MiB, rounded up."""
    def of(container, resource):
        return quantity(((container.get("resources") or {}).get("requests") or {}).get(resource, 0))
    out = {}
    for resource, unit, key in (("cpu", Fraction(1, 1000), "cpu_m"), ("memory", 2**20, "memory_mib")):
        main = sum(of(c, resource) for c in spec.get("containers") or [])
        init = max([of(c, resource) for c in spec.get("initContainers") or []], default=0)
        out[key] = int(-(-max(main, init) // unit))
    return out


def workloads_of(objects):
    """Each Deployment, StatefulSet and DaemonSet: its pods (replicas, None for a DaemonSet: one per node it
    selects), their requests, and where they may run (node selector, tolerated taint values of `workload`)."""
    out = []
    for o in objects:
        if o.get("kind") not in ("Deployment", "StatefulSet", "DaemonSet"):
            continue
        spec = pod_spec(o)
        # An unset (or null) `replicas` is 1, the API's default.
        replicas = (o.get("spec") or {}).get("replicas")
        replicas = None if o["kind"] == "DaemonSet" else 1 if replicas is None else replicas
        out.append({"kind": o["kind"], "name": (o.get("metadata") or {}).get("name"), "replicas": replicas,
                    "node_selector": spec.get("nodeSelector") or {}, **pod_requests(spec)})
    return sorted(out, key=lambda w: (w["kind"], w["name"]))


def objects_of(objects, namespace):
    return [{"api_version": o.get("apiVersion"), "kind": o.get("kind"),
             "namespace": (o.get("metadata") or {}).get("namespace"), "name": (o.get("metadata") or {}).get("name")}
            for o in objects]


def port_in(text):
    """The port of `8080`, `:8080`, `0.0.0.0:8080`; None for an empty or disabled (0) address."""
    m = re.fullmatch(r"(?:.*:)?(\d+)", str(text).strip())
    if not m:
        return None
    p = int(m.group(1))
    return p if 0 < p < 65536 else None


def parse_args(args):
    """--flag=value / --flag value / -flag=value pairs of a container's args, and its positional words."""
    flags, words, i = {}, [], 0
    while i < len(args):
        a = str(args[i])
        if a.startswith("-"):
            name = a.lstrip("-")
            if "=" in name:
                k, v = name.split("=", 1)
                flags[k] = v
            elif i + 1 < len(args) and not str(args[i + 1]).startswith("-"):
                flags[name] = str(args[i + 1])
                i += 1
            else:
                flags[name] = "true"
        else:
            words.append(a)
        i += 1
    return flags, words


class FlagSources:
    """Go flag declarations at a binary's tag: name -> (default, path), resolving named constants."""

    def __init__(self, mirrors):
        self.mirrors, self.cache, self.sources = mirrors, {}, {}

    def tag_commit(self, repository, tag):
        g = git_dir_of(self.mirrors, repository)
        return g, git(g, "rev-parse", f"{tag}^{{commit}}").strip()

    def text(self, repository, tag, path):
        """The file at `path`, or at the first of `a|b` alternatives (files move between releases) that exists."""
        g, commit = self.tag_commit(repository, tag)
        for p in path.split("|"):
            try:
                text = git(g, "show", f"{commit}:{p}")
            except RuntimeError:
                continue
            self.sources[(repository, tag, p)] = commit
            return text
        raise SystemExit(f"error: none of {path} exists in {repository} at {tag}")

    def constants(self, text):
        out = {}
        for name, value in re.findall(r'^[ \t]*(?:const[ \t]+|var[ \t]+)?(\w+)[ \t]*(?:\w+[ \t]*)?=[ \t]*("[^"\n]*"|-?\d+)[ \t]*(?://.*)?$', text, re.M):
            out.setdefault(name, value)
        return out

    def flags(self, repository, tag, paths):
        key = (repository, tag, tuple(paths))
        if key in self.cache:
            return self.cache[key]
        texts = {p: self.text(repository, tag, p) for p in paths}
        consts = {}
        for t in texts.values():
            consts.update(self.constants(t))
        resolve = lambda tok: consts.get(tok.strip(), tok.strip())  # noqa: E731
        out = {}
        decl = re.compile(r'\.(?:String|Int|Int32|Int64|Uint|Bool)(?:Var)?(?:P)?\(\s*(?:&[\w.]+\s*,\s*)?'
                          r'("[^"]*"|[A-Za-z_]\w*)\s*,\s*(?:"[^"]*"\s*,\s*)?("[^"]*"|-?\d+|true|false|[A-Za-z_][\w.]*)\s*,')
        for path, t in texts.items():
            for name, default in decl.findall(t):
                name, default = resolve(name).strip('"'), resolve(default).strip('"')
                out.setdefault(name, (default, path))
        self.cache[key] = out
        return out

    def module_version(self, repository, tag, module):
        gomod = self.text(repository, tag, "go.mod")
        m = re.search(rf"^\s*{re.escape(module)}\s+(v\S+)", gomod, re.M)
        return m.group(1) if m else None

    def go_var(self, repository, tag, path, var):
        m = re.search(rf'\b{var}\s*=\s*("[^"]*"|\d+)', self.text(repository, tag, path))
        return m.group(1).strip('"') if m else None

    def lazy_webhook_server(self, repository, tag):
        g, commit = self.tag_commit(repository, tag)
        p = subprocess.run(["git", "--git-dir", g, "grep", "-l", "-E", LAZY_WEBHOOK_SERVER.pattern, commit, "--",
                            "*.go", ":!vendor", ":!*_test.go"], capture_output=True, text=True)
        return [line.split(":", 1)[1] for line in p.stdout.splitlines() if line]


def image_tag(image):
    tail = image.rsplit("/", 1)[-1]
    tag = tail.split("@")[0].split(":", 1)
    return tag[1] if len(tag) == 2 else None


def listeners_of(release, container, flag_sources):
    out = {}

    def add(port, source):
        if port:
            out.setdefault(port, []).append(source)

    name = container.get("name")
    for p in container.get("ports") or []:
        if p.get("protocol", "TCP") == "TCP":
            add(p.get("containerPort"), f"containerPort {p.get('name') or p.get('containerPort')}")
    named = {p.get("name"): p.get("containerPort") for p in container.get("ports") or [] if p.get("name")}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        pr = container.get(probe) or {}
        for how in ("httpGet", "tcpSocket", "grpc"):
            if how in pr:
                port = pr[how].get("port")
                add(named.get(port, port) if isinstance(port, str) else port, f"{probe} {how}")
    args = [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]
    flags, _ = parse_args(args)
    spec = LISTENERS.get((release, name))
    listen = (spec or {}).get("flags", {})
    for k, v in flags.items():
        if re.search(r"(?i)(addr|address|port|bind|listen)", k) and (not spec or k in listen):
            add(port_in(v), f"argument --{k}={v}")
    tag = image_tag(container.get("image", ""))
    if spec and tag:
        declared = flag_sources.flags(spec["repository"], tag, spec["paths"])
        for flag, gate in listen.items():
            if flag in flags or flag not in declared:
                continue
            default, path = declared[flag]
            if isinstance(gate, str):
                on = flags.get(gate, declared.get(gate, ("false", ""))[0])
                if str(on).lower() != "true":
                    continue
            if isinstance(gate, tuple) and default == "":
                lib_repo, module, lib_path, var = gate
                version = flag_sources.module_version(spec["repository"], tag, module)
                lib_default = flag_sources.go_var(lib_repo, version, lib_path, var)
                add(port_in(lib_default), f"--{flag} default \"\" ({spec['repository']} {path} at {tag}) -> "
                    f"{lib_repo} {lib_path} {var} {lib_default!r} at {version}")
                continue
            add(port_in(default), f"--{flag} default {default!r} ({spec['repository']} {path} at {tag})")
        env = {e.get("name"): e.get("value") for e in container.get("env") or []}
        for var, fallback in spec.get("env", {}).items():
            if env.get(var):
                port = port_in(env[var]) if fallback is None else None
                if port is None and fallback:
                    consts = flag_sources.constants(flag_sources.text(spec["repository"], tag, spec["paths"][0]))
                    port = port_in(consts.get(fallback, ""))
                add(port, f"env {var}={env[var]} ({spec['repository']} {spec['paths'][0]} at {tag})")
        lazy = flag_sources.lazy_webhook_server(spec["repository"], tag)
        if lazy and spec["webhook_server"] not in listen:
            raise SystemExit(f"error: {spec['repository']} {tag} starts a controller-runtime webhook server "
                             f"({', '.join(lazy)}): name the flag of its port in LISTENERS webhook_server")
    return [{"port": p, "container": name, "source": "; ".join(s)} for p, s in sorted(out.items())]


def host_network_of(release, objects, flag_sources):
    out = []
    for o in objects:
        if o.get("kind") not in WORKLOAD_KINDS:
            continue
        spec = pod_spec(o)
        if not spec.get("hostNetwork"):
            continue
        listeners = []
        for c in spec.get("containers") or []:
            listeners += listeners_of(release, c, flag_sources)
        out.append({"kind": o["kind"], "namespace": o["metadata"].get("namespace"), "name": o["metadata"]["name"],
                    "node_selector": spec.get("nodeSelector") or {}, "tolerations": spec.get("tolerations") or [],
                    "listeners": listeners})
    return out


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def service_on_host_network(objects, namespace, svc):
    services = {(o["metadata"].get("namespace") or namespace, o["metadata"]["name"]): o for o in objects
                if o.get("kind") == "Service"}
    s = services.get((svc.get("namespace"), svc.get("name")))
    if not s:
        return False
    sel = (s.get("spec") or {}).get("selector") or {}
    return any((o["metadata"].get("namespace") or namespace) == svc.get("namespace")
               and selects(sel, ((o.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {})
               for o in objects if o.get("kind") in WORKLOAD_KINDS and pod_spec(o).get("hostNetwork"))


def conversion_webhooks_of(objects, namespace):
    """CRDs whose versions the API server converts by calling a webhook service."""
    out = []
    for o in objects:
        conv = (o.get("spec") or {}).get("conversion") or {} if o.get("kind") == "CustomResourceDefinition" else {}
        if conv.get("strategy") != "Webhook":
            continue
        svc = ((conv.get("webhook") or {}).get("clientConfig") or {}).get("service")
        service = {"namespace": svc.get("namespace"), "name": svc.get("name"), "port": svc.get("port", 443)} \
            if svc else None
        out.append({"crd": o["metadata"]["name"], "service": service,
                    "host_network": bool(svc) and service_on_host_network(objects, namespace, svc)})
    return out


def webhooks_of(objects, namespace):
    services = {(o["metadata"].get("namespace") or namespace, o["metadata"]["name"]): o for o in objects
                if o.get("kind") == "Service"}
    host_pods = [(o["metadata"].get("namespace") or namespace,
                  ((o.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {})
                 for o in objects if o.get("kind") in WORKLOAD_KINDS and pod_spec(o).get("hostNetwork")]
    out = []
    for o in objects:
        if o.get("kind") not in WEBHOOK_KINDS:
            continue
        for w in o.get("webhooks") or []:
            svc = (w.get("clientConfig") or {}).get("service")
            service, host = None, False
            if svc:
                service = {"namespace": svc.get("namespace"), "name": svc.get("name"), "port": svc.get("port", 443)}
                s = services.get((svc.get("namespace"), svc.get("name")))
                if s:
                    sel = (s.get("spec") or {}).get("selector") or {}
                    host = any(ns == svc.get("namespace") and selects(sel, labels) for ns, labels in host_pods)
            out.append({
                "configuration": o["metadata"]["name"], "kind": o["kind"], "name": w.get("name"),
                "failure_policy": w.get("failurePolicy", "Fail"),
                "rules": [{"api_groups": r.get("apiGroups") or [], "api_versions": r.get("apiVersions") or [],
                           "resources": r.get("resources") or [], "operations": r.get("operations") or [],
                           "scope": r.get("scope")} for r in w.get("rules") or []],
                "namespace_selector": w.get("namespaceSelector") or {},
                "object_selector": w.get("objectSelector") or {},
                "service": service, "host_network": host,
            })
    return out


# ---------------------------------------------------------------------------------------------------------------
# Dead values


def leaf_paths(v, prefix=()):
    """Objects are walked; anything else, lists included, is a leaf (as tests/src/conformance.rs leaf_paths)."""
    if isinstance(v, dict) and v:
        for k, x in v.items():
            yield from leaf_paths(x, prefix + (k,))
    else:
        yield prefix


def get(v, path):
    for k in path:
        v = v[k]
    return v


def without(values, path):
    out = copy.deepcopy(values)
    del get(out, path[:-1])[path[-1]]
    return out


def changed(values, path):
    out = copy.deepcopy(values)
    parent, v = get(out, path[:-1]), get(out, path)
    if isinstance(v, bool):
        parent[path[-1]] = not v
    elif isinstance(v, int):
        parent[path[-1]] = v + 1
    elif isinstance(v, float):
        parent[path[-1]] = v + 1.5
    elif isinstance(v, str):
        parent[path[-1]] = v + "x"
    elif isinstance(v, list):
        parent[path[-1]] = v[:-1] if v else ["x"]
    elif isinstance(v, dict):
        parent[path[-1]] = {"x": "x"}
    else:
        parent[path[-1]] = "x"
    return out


def dead_values(renderer, values, paths, unstable, jobs):
    base = renderer.render(values)[1]

    def dead(path):
        for variant in (without(values, path), changed(values, path)):
            r = renderer.render(variant)
            if r[0] != "ok" or not same_output(r[1], base, unstable):
                return False
        return True
    with ThreadPoolExecutor(jobs) as pool:
        flags = list(pool.map(dead, paths))
    return [".".join(map(str, p)) for p, d in zip(paths, flags) if d]


# ---------------------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", required=True)
    ap.add_argument("--values", required=True, help="our values per Kubernetes version (dump_our_values)")
    ap.add_argument("--kubernetes-validate-wheel", required=True)
    ap.add_argument("--release", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--repository", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()

    ours = json.load(open(a.values))
    kubes = [k for k, rs in ours.items() if rs.get(a.release, {}).get("chart_version") == a.version]
    if not kubes:
        raise SystemExit(f"error: no carried Kubernetes version pins {a.release} {a.version}")
    git_dir = git_dir_of(a.mirrors, a.repository)
    commit, tag = resolve_ref(git_dir, a.ref, a.path, a.version)
    helm_version = run("helm", "version", "--template", "{{.Version}}").strip()
    flag_sources = FlagSources(a.mirrors)
    facts = {"release": a.release, "repository": a.repository, "tag": tag, "commit": commit, "chart_path": a.path,
             "chart_version": a.version, "helm_version": helm_version, "kubernetes": {}}
    with tempfile.TemporaryDirectory() as work:
        first = ours[kubes[0]][a.release]
        tgz, chart_dir, meta, dropped, published, generated = package(git_dir, commit, a.path, a.version, first["values"], work)
        facts["app_version"] = str(meta.get("appVersion", ""))
        facts["dropped_dependencies"] = dropped
        facts["published_dependencies"] = published
        facts["generated_templates"] = generated
        asked = capability_checks(chart_dir)
        for k in kubes:
            mine = ours[k][a.release]
            api_versions = sorted(asked & served_api_versions(a.kubernetes_validate_wheel, k))
            renderer = Renderer(tgz, a.release, mine["namespace"], k, api_versions, work)
            ok, docs = renderer.render(mine["values"])
            if ok != "ok":
                raise SystemExit(f"error: {a.release} {a.version} does not render for {k}: {docs}")
            objects = [parse(d) for d in docs]
            again = Renderer(tgz, a.release, mine["namespace"], k, api_versions, work).render(mine["values"])[1]
            unstable = differing_paths(masked(objects, set()), masked([parse(d) for d in again], set()))
            paths = list(leaf_paths(mine["values"]))
            # The detector's control: a value no chart reads must come out dead (the masking is enough), and
            # removing everything we set must change the output.
            planted = dict(mine["values"], behaviourProbeUnread={"x": 1})
            if dead_values(renderer, planted, [("behaviourProbeUnread", "x")], unstable, 1) != ["behaviourProbeUnread.x"]:
                raise SystemExit(f"error: {a.release} {a.version} {k}: a planted unread value is not judged dead")
            if same_output(renderer.render({})[1], docs, unstable):
                raise SystemExit(f"error: {a.release} {a.version} {k}: our values change nothing at all")
            dead = dead_values(renderer, mine["values"], paths, unstable, a.jobs)
            tf = mine["terraform_values"]
            entry = {"namespace": mine["namespace"], "api_versions": api_versions, "values": mine["values"],
                     "terraform_values": tf if tf != mine["values"] else None,
                     "objects": objects_of(objects, mine["namespace"]),
                     "host_network": host_network_of(a.release, objects, flag_sources),
                     "workloads": workloads_of(objects),
                     "webhooks": webhooks_of(objects, mine["namespace"]),
                     "conversion_webhooks": conversion_webhooks_of(objects, mine["namespace"]), "dead_values": dead}
            if tf != mine["values"]:
                # Leaves only the Terraform values hold (or hold otherwise), judged on the Terraform values.
                tf_paths = [p for p in leaf_paths(tf) if not has(mine["values"], p, get(tf, p))]
                tf_renderer = Renderer(tgz, a.release, mine["namespace"], k, api_versions, work)
                tf_ok = tf_renderer.render(tf)
                if tf_ok[0] != "ok":
                    raise SystemExit(f"error: {a.release} {a.version} does not render the Terraform values: {tf_ok[1]}")
                entry["dead_values"] = sorted(set(dead) | set(dead_values(tf_renderer, tf, tf_paths, unstable, a.jobs)))
            facts["kubernetes"][k] = entry
            print(f"  {a.release} {a.version} {k}: {len(objects)} objects, "
                  f"{sum(len(w['listeners']) for w in entry['host_network'])} host listeners, "
                  f"{len(entry['webhooks'])} webhooks, {len(entry['dead_values'])} dead of {len(paths)}",
                  file=sys.stderr)
    facts["sources"] = [{"repository": r, "tag": t, "commit": c, "path": p}
                        for (r, t, p), c in sorted(flag_sources.sources.items())]
    order = ["release", "repository", "tag", "commit", "chart_path", "chart_version", "app_version", "helm_version",
             "sources", "dropped_dependencies", "published_dependencies", "generated_templates", "kubernetes"]
    with open(a.out, "w") as f:
        json.dump({k: facts[k] for k in order}, f, indent=1, sort_keys=False)
        f.write("\n")


def has(values, path, value):
    try:
        return get(values, path) == value
    except (KeyError, TypeError, IndexError):
        return False


if __name__ == "__main__":
    main()
