#!/usr/bin/env python3
"""Prints every import cycle between the source files of platform-core and platform-macros; exits 1 if any.

    python3 scripts/import-cycles.py [--all-edges] [--root DIR]

`--root` reads another checkout (the test plants a cycle in a copy); the default is this script's repository.

A file imports another when one of its paths names an item defined there: `use crate::…`, `use super::…`,
`use self::…`, a `use` of a child module or of a name imported earlier, and the same paths written in code
(`crate::render::cost_tags(…)`, `super::super::render(…)`, `objects::objects(…)` after `use super::objects`).
Re-exports are seen through: `crate::check_platform` names `checked/mod.rs`, which defines it, not `lib.rs`.
Comments, doc links and string literals are not read. Test modules count like any other code.

The rule checked: an edge from a file to one of its own ancestor modules (a child using its parent's items,
`super::Target` in `render/cluster/network_root.rs`, `$crate::model::Keyword` in `model/keyword.rs`) is left out;
every other edge counts, among them a parent's use of its children (`network_root::render(…)` in
`render/cluster/mod.rs`). Without that exception every `mod.rs` that both holds what its children share and calls
them would be a cycle with each child; with it, what is reported is what a module depends on outside its own
ancestry: siblings (`catalog/charts.rs` <-> `catalog/kubernetes.rs`), cousins (`render/cluster/*` ->
`render/infra/*`) and unrelated modules (`model/mod.rs` <-> `naming.rs`). `--all-edges` keeps the child-to-ancestor
edges too, to show what the exception hides (2,231 cycles on the sources before this script existed). Parent-to-child
`mod` declarations are never edges.

Paths the script cannot resolve (external crates, std, names brought in by a glob) are skipped.
"""
import re
import sys
from pathlib import Path

CRATES = ("platform-core", "platform-macros")

TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<line>//[^\n]*)
    | (?P<block>/\*)
    | (?P<raw>b?r(?P<hashes>\#*)")
    | (?P<str>b?"(?:\\.|[^"\\])*")
    | (?P<char>b?'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^'\\])')
    | (?P<lifetime>'[A-Za-z_][A-Za-z0-9_]*)
    | (?P<ident>\$?(?:r\#)?[A-Za-z_][A-Za-z0-9_]*)
    | (?P<path>::)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text):
    """(kind, value, line) of the code, without comments and literals' contents."""
    out, pos, line = [], 0, 1
    while pos < len(text):
        m = TOKEN.match(text, pos)
        kind = m.lastgroup
        if m.group("raw") is not None:
            end = text.index('"' + m.group("hashes"), m.end())
            end += 1 + len(m.group("hashes"))
            out.append(("lit", text[m.end() : end - 1 - len(m.group("hashes"))], line))
        elif m.group("block") is not None:
            depth, end = 1, m.end()
            while depth:
                nxt = min(i for i in (text.find("/*", end), text.find("*/", end)) if i >= 0)
                depth += 1 if text.startswith("/*", nxt) else -1
                end = nxt + 2
        else:
            end = m.end()
            if kind in ("str", "char"):
                out.append(("lit", m.group(0).lstrip("b")[1:-1], line))
            elif kind == "ident":
                out.append(("ident", m.group("ident").removeprefix("r#"), line))
            elif kind in ("path", "punct"):
                out.append((kind, m.group(0), line))
        line += text.count("\n", pos, end)
        pos = end
    pad = [("punct", ";", line)] * 4
    return pad + out + pad


class Module:
    def __init__(self, path, file):
        self.path = path  # tuple of names from the crate root
        self.file = file
        self.children = {}  # name -> Module (file or inline)
        self.imports = {}  # name -> (absolute path, line)
        self.refs = []  # (absolute or scope-relative path, scope Module, line, text)


def path_attribute(toks, i):
    """The `#[path = "…"]` among the attributes before toks[i], if any."""
    k = i - 1
    while toks[k][0] == "ident" and toks[k][1] in ("pub", "crate", "super", "in") or toks[k][1] in "()":
        k -= 1
    while toks[k][1] == "]":
        depth, j = 0, k
        while True:
            depth += {"]": 1, "[": -1}.get(toks[j][1], 0)
            if depth == 0:
                break
            j -= 1
        if [t[1] for t in toks[j - 1 : j + 3]] == ["#", "[", "path", "="] and toks[j + 3][0] == "lit":
            return toks[j + 3][1]
        k = j - 2
    return None


def module_file(parent_file, name):
    """The file of `mod name;` declared in `parent_file`."""
    base = parent_file.parent if parent_file.name in ("mod.rs", "lib.rs", "main.rs") else parent_file.with_suffix("")
    for candidate in (base / f"{name}.rs", base / name / "mod.rs"):
        if candidate.exists():
            return candidate
    return None


def parse_use_tree(toks, i, prefix, out):
    """Parses a use tree at toks[i]; appends (segments, alias) to out; returns the index after it."""
    segs = list(prefix)
    while True:
        kind, value, _ = toks[i]
        if value == "{":
            i += 1
            while toks[i][1] != "}":
                i = parse_use_tree(toks, i, segs, out)
                if toks[i][1] == ",":
                    i += 1
            return i + 1
        if value == "*":
            out.append((segs + ["*"], None))
            return i + 1
        if kind == "path":
            i += 1
            continue
        if kind == "ident":
            segs.append(value)
            i += 1
            if toks[i][1] == "::":
                continue
            alias = None
            if toks[i][1] == "as":
                alias = toks[i + 1][1]
                i += 2
            out.append((segs, alias))
            return i
        raise SyntaxError(f"unexpected {value!r} in a use tree at line {toks[i][2]}")


def scan(src):
    """Reads every file of a crate into its module tree."""
    root = Module((), src / "lib.rs")
    files = {}
    pending = [root]
    while pending:
        top = pending.pop()
        files[top.file] = top
        toks = tokens(top.file.read_text())
        scopes = [(top, 0)]  # (module, brace depth its block closes at)
        depth = 0
        i = 0
        while i < len(toks):
            kind, value, line = toks[i]
            mod = scopes[-1][0]
            if value == "{":
                depth += 1
            elif value == "}":
                depth -= 1
                if len(scopes) > 1 and depth == scopes[-1][1]:
                    scopes.pop()
            elif value == "mod" and kind == "ident" and toks[i + 1][0] == "ident" and toks[i - 1][1] != "::":
                name, after = toks[i + 1][1], toks[i + 2][1]
                if after == ";":
                    given = path_attribute(toks, i)
                    file = (top.file.parent / given).resolve() if given else module_file(top.file, name)
                    if file is None:
                        raise SystemExit(f"{top.file}: `mod {name};` has no file")
                    child = Module(mod.path + (name,), file)
                    mod.children[name] = child
                    pending.append(child)
                    i += 3
                    continue
                if after == "{":
                    child = Module(mod.path + (name,), top.file)
                    mod.children[name] = child
                    scopes.append((child, depth))
                    depth += 1
                    i += 3
                    continue
            elif value == "use" and kind == "ident" and toks[i - 1][1] != "::":
                trees = []
                j = parse_use_tree(toks, i + 1, [], trees)
                for segs, alias in trees:
                    text = "use " + "::".join(segs)
                    mod.refs.append((segs, mod, line, text))
                    if segs[-1] == "*":
                        continue
                    name = alias or (segs[-2] if segs[-1] == "self" else segs[-1])
                    if name != "_":
                        mod.imports[name] = (segs, line)
                i = j
                continue
            elif kind == "ident" and toks[i + 1][1] == "::" and toks[i - 1][1] != "::":
                segs = [value]
                j = i + 1
                while toks[j][1] == "::" and toks[j + 1][0] == "ident":
                    segs.append(toks[j + 1][1])
                    j += 2
                mod.refs.append((segs, mod, line, "::".join(segs)))
                i = j
                continue
            i += 1
    return root, files


class Crate:
    def __init__(self, name, src):
        self.name, self.src = name, src
        self.root, self.files = scan(src)
        self.modules = {}
        stack = [self.root]
        while stack:
            m = stack.pop()
            self.modules[m.path] = m
            stack.extend(m.children.values())

    def absolute(self, segs, scope):
        """The path from the crate root that `segs`, written in `scope`, names; None when outside the crate."""
        first = segs[0]
        if first in ("crate", "$crate"):
            return list(segs[1:])
        if first == "super" or first == "self":
            base = list(scope.path)
            k = 0
            while k < len(segs) and segs[k] in ("super", "self"):
                if segs[k] == "super":
                    base.pop()
                k += 1
            return base + list(segs[k:])
        if first in scope.children:
            return list(scope.path) + list(segs)
        if first in scope.imports and scope.imports[first][0] != segs:
            target = self.absolute(scope.imports[first][0], scope)
            return None if target is None else target + list(segs[1:])
        return None

    def resolve(self, path, seen=0):
        """The module that defines what the absolute `path` names (following re-exports)."""
        mod = self.root
        for k, seg in enumerate(path):
            if seg == "self":
                continue
            if seg in mod.children:
                mod = mod.children[seg]
                continue
            if seg in mod.imports and seen < 20:
                target = self.absolute(mod.imports[seg][0], mod)
                if target is not None and target != path[: k + 1]:
                    return self.resolve(target + list(path[k + 1 :]), seen + 1)
            return mod
        return mod

    def edges(self, all_edges):
        """{file: {file: [(line, text)]}}"""
        out = {}
        for m in self.modules.values():
            for segs, scope, line, text in m.refs:
                path = self.absolute(segs, scope)
                if path is None:
                    continue
                if path and path[-1] == "*":
                    path = path[:-1]
                target = self.resolve(path)
                if target.file == m.file:
                    continue
                if not all_edges and is_ancestor(target, self.files[m.file], self):
                    continue
                out.setdefault(m.file, {}).setdefault(target.file, []).append((line, text))
        return out


def is_ancestor(target, source, crate):
    """Whether the file `target` holds a module enclosing the file module `source`."""
    t = crate.files.get(target.file)
    return t is not None and len(t.path) < len(source.path) and source.path[: len(t.path)] == t.path


def cycles(graph):
    """Every elementary cycle, each once, starting at its least file (Johnson's idea, small graphs)."""
    nodes = sorted(set(graph) | {t for ts in graph.values() for t in ts})
    index = {n: k for k, n in enumerate(nodes)}
    found = []
    for start in nodes:
        stack = [(start, iter(sorted(graph.get(start, {}))))]
        path, on_path = [start], {start}
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if nxt == start:
                found.append(list(path))
            elif index[nxt] > index[start] and nxt not in on_path:
                path.append(nxt)
                on_path.add(nxt)
                stack.append((nxt, iter(sorted(graph.get(nxt, {})))))
    return found


def main():
    args = sys.argv[1:]
    all_edges = "--all-edges" in args
    repo = Path(args[args.index("--root") + 1]) if "--root" in args else Path(__file__).parent.parent
    repo = repo.resolve()
    total = 0
    for name in CRATES:
        crate = Crate(name, repo / name / "src")
        graph = crate.edges(all_edges)
        rel = lambda f: f.relative_to(repo).as_posix()
        for cycle in cycles(graph):
            total += 1
            print(f"cycle: {' -> '.join(rel(f) for f in cycle + cycle[:1])}")
            for a, b in zip(cycle, cycle[1:] + cycle[:1]):
                line, text = graph[a][b][0]
                print(f"  {rel(a)}:{line} `{text}` -> {rel(b)}")
    if total:
        print(f"{total} import cycle(s)")
        return 1
    print("no import cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
