#!/usr/bin/env python3
"""Dependencies between weyl's source files only point down the layers.

The layers, bottom to top (docs/architecture.md):
    core < group < rep < basis < io < {nn, conv} < cli
nn and conv are siblings: neither may use the other.

An arrow A -> B between two files of src/ is either
  - an #include of B (an internal header src/<layer>/*.h, or a public header
    include/weyl/*.h, which belongs to the layer that implements it), or
  - a call or data reference from A's object file to a symbol defined in B's
    object file (read with `nm` from the build, so nothing is guessed from
    the text of the code).
The check fails on any arrow that runs up the layers or sideways between nn
and conv, and on any cycle between files (a strongly connected component of
more than one file). It prints the counts, so the numbers in the README and
in the architecture page come from this script.

Usage: check_layers.py SOURCE_DIR BUILD_DIR [--list]
"""
import os
import re
import subprocess
import sys

ORDER = {"core": 0, "group": 1, "rep": 2, "basis": 3, "io": 4, "nn": 5, "conv": 5, "cli": 7}

# The public header of each concept and the layer that implements it.
PUBLIC = {
    "status": "core", "version": "core", "mat": "core",
    "group": "group", "repfile": "group", "group_check": "group",
    "rep": "rep",
    "basis": "basis", "decomp": "basis",
    "io": "io", "svg": "io", "cache": "io",
    "linear": "nn", "layer": "nn", "bilinear": "nn", "nonlin": "nn", "model": "nn",
    "sample": "nn", "rng": "nn", "element": "nn", "net": "nn", "loss": "nn", "adam": "nn",
    "conv": "conv",
    "weyl": "cli",  # the umbrella header is for users, never for the library
}

# A tree from before the layers had folders (everything in src/): the layer
# of a file is read from its name. Kept so the "before" count can be made.
FLAT = [("status", "core"), ("version", "core"), ("group", "group"), ("repfile", "group"),
        ("conv", "conv"), ("rep", "rep"), ("basis", "basis"), ("io", "io"),
        ("layer", "nn"), ("bilinear", "nn"), ("nonlin", "nn"), ("model", "nn"),
        ("sample", "nn")]


def layer_of(rel):
    """rel: a path below src/ (e.g. 'group/group.c') or 'include/weyl/x.h'."""
    if rel.startswith("include/weyl/"):
        stem = os.path.basename(rel)[:-2]
        return PUBLIC.get(stem, stem)
    parts = rel.split("/")
    if len(parts) > 1:
        return parts[0]
    for prefix, layer in FLAT:
        if parts[0].startswith(prefix):
            return layer
    raise SystemExit("check_layers: no layer for src/%s" % rel)


def sources(src):
    """Files below src/ as 'layer/x.c', and the public headers as 'include/weyl/x.h'."""
    out = ["include/weyl/" + f for f in os.listdir(os.path.join(src, "include", "weyl"))
           if f.endswith(".h")]
    for root, _, files in os.walk(os.path.join(src, "src")):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(root, f), os.path.join(src, "src")))
    return sorted(out)


def include_arrows(src, files):
    arrows = set()
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    for f in files:
        path = os.path.join(src, f) if f.startswith("include/") else os.path.join(src, "src", f)
        text = open(path, encoding="utf-8").read()
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text, re.M):
            if inc.startswith("weyl/"):
                if "include/" + inc != f:
                    arrows.add((f, "include/" + inc))
                continue
            cand = os.path.normpath(os.path.join(os.path.dirname(f), inc))
            if cand in files:
                arrows.add((f, cand))
            elif inc in files:
                arrows.add((f, inc))
            elif os.path.basename(inc) in by_name and len(by_name[os.path.basename(inc)]) == 1:
                arrows.add((f, by_name[os.path.basename(inc)][0]))
    return arrows


def objects(src, build):
    """Maps 'layer/file.c' (or 'file.c') to its object file in the build.
    Objects left behind by a deleted or moved source (an incremental build
    keeps them) are passed over."""
    found = {}
    for root, _, names in os.walk(build):
        if not (root.endswith("weyl.dir/src") or "/weyl.dir/src/" in root or
                root.endswith("weyl_cli.dir/src/cli")):
            continue
        for n in names:
            if n.endswith(".c.o"):
                rel = os.path.relpath(os.path.join(root, n), root.split(".dir/src")[0] + ".dir/src")
                if os.path.exists(os.path.join(src, "src", rel[:-2])):
                    found[rel[:-2]] = os.path.join(root, n)
    return found


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True, text=True,
                         check=True).stdout
    defined = {line.split()[-1] for line in out.splitlines() if line.strip()}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True, check=True).stdout
    used = {line.split()[-1] for line in out.splitlines() if line.strip()}
    return defined, used


def call_arrows(objs):
    defined_in = {}
    uses = {}
    for f, obj in objs.items():
        d, u = symbols(obj)
        for s in d:
            defined_in[s] = f
        uses[f] = u
    arrows = set()
    for f, u in uses.items():
        for s in u:
            g = defined_in.get(s)
            if g and g != f:
                arrows.add((f, g))
    return arrows


def cycles(arrows):
    """Strongly connected components with more than one file (Tarjan)."""
    graph = {}
    for a, b in arrows:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    src, build = sys.argv[1], sys.argv[2]
    files = sources(src)
    objs = objects(src, build)
    if not objs:
        print("check_layers: no object files of libweyl under %s (build first)" % build)
        return 1
    inc = include_arrows(src, files)
    calls = call_arrows(objs)
    arrows = inc | calls
    bad = []
    for a, b in sorted(arrows):
        la = layer_of(a)
        lb = layer_of(b)
        if ORDER[lb] > ORDER[la] or (ORDER[la] == ORDER[lb] and la != lb):
            bad.append("%s (%s) -> %s (%s)" % (a, la, b, lb))
    comps = cycles(arrows)
    print("check_layers: %d source files, %d arrows (%d includes, %d call/data), "
          "%d against the layers, %d cycles" % (len(files), len(arrows), len(inc), len(calls),
                                                len(bad), len(comps)))
    if "--list" in sys.argv:
        for a, b in sorted(arrows):
            print("  %s -> %s" % (a, b))
    for line in bad:
        print("  against the layers: " + line)
    for comp in comps:
        print("  cycle: " + " <-> ".join(comp))
    return 1 if bad or comps else 0


if __name__ == "__main__":
    sys.exit(main())
