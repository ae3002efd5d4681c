#!/usr/bin/python3
"""tests/structure/deps.py: the files of src/ and of ui/ depend on each other
one way only (issue 11). From the symbols each object of src/libberth.a and
ui/libberthui.a defines and uses (nm), it draws the graph "file A refers to
file B" (a call, or a table naming a function or a variable of B) for each
library and fails, naming the circle and the symbols that close it, on any
circle of references.

Circles that still exist on main are listed in tests/structure/cycles, so that
this check could land before they were all broken: a circle passes when its
files all belong to one line there. That list only shrinks: whoever breaks a
circle deletes its line (or narrows it to the files still in a circle) in the
same commit; a line none of whose files is in a circle any more fails the
check, so it cannot be forgotten. Never add a line: turn the dependency
around instead (a table of entry points sits above what it lists; helpers the
entries share sit below them; a callback is handed down, not looked up).

TAP output; run by `make check` (tests/structure.am), with TOP_BUILDDIR and
TOP_SRCDIR from the environment.
"""
import os
import re
import subprocess
import sys

LIBRARIES = [("src", "src/libberth.a"), ("ui", "ui/libberthui.a")]
MEMBER = re.compile(r"^.*\[(?:[A-Za-z0-9_]+-)?([^\]]+)\.o\]:\s+(\S+)\s+(\S)")


def symbols(archive):
    """{file: (defined, used)} for each object of archive, named by its .c file."""
    out = subprocess.run(["nm", "-A", "-P", archive], check=True, capture_output=True,
                         text=True).stdout
    files = {}
    for line in out.splitlines():
        m = MEMBER.match(line)
        if not m:
            continue
        name, sym, kind = m.group(1) + ".c", m.group(2), m.group(3)
        defined, used = files.setdefault(name, (set(), set()))
        if kind == "U":
            used.add(sym)
        elif kind.isupper():
            defined.add(sym)
    return files


def reference_graph(files):
    """{file: {file it refers to: [the symbols it uses there]}}."""
    owner = {sym: name for name, (defined, _) in files.items() for sym in defined}
    graph = {name: {} for name in files}
    for name, (_, used) in files.items():
        for sym in sorted(used):
            target = owner.get(sym)
            if target and target != name:
                graph[name].setdefault(target, []).append(sym)
    return graph


def circles(graph):
    """The strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def one_circle(graph, component):
    """A shortest circle through the component's first file, as
    "a.c -> b.c (sym) -> a.c (sym)": "b.c (sym)" says that the file before
    it uses sym, which b.c defines."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node]):
            if succ == start:
                path = paths[node] + [start]
                return " -> ".join(
                    [start] + ["%s (%s)" % (b, graph[a][b][0]) for a, b in zip(path, path[1:])])
            if succ in component and succ not in paths:
                paths[succ] = paths[node] + [succ]
                queue.append(succ)
    return start


def allowed_circles(path):
    """[(directory, set of files)] from the allow-list."""
    allowed = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                directory, names = line.split(":", 1)
                allowed.append((directory.strip(), set(names.split())))
    return allowed


def main():
    top_builddir = os.environ.get("TOP_BUILDDIR", ".")
    top_srcdir = os.environ.get("TOP_SRCDIR", ".")
    allow_list = os.path.join(top_srcdir, "tests/structure/cycles")
    allowed = allowed_circles(allow_list)
    still_used = set()
    print("1..%d" % (len(LIBRARIES) + 1))
    for number, (directory, archive) in enumerate(LIBRARIES, 1):
        graph = reference_graph(symbols(os.path.join(top_builddir, archive)))
        bad, passed = [], False
        for component in circles(graph):
            entry = next((i for i, (d, names) in enumerate(allowed)
                          if d == directory and component <= names), None)
            if entry is None:
                bad.append(component)
            else:
                still_used.add(entry)
                passed = True
                print("# allowed for now (%s): %s" % (directory, one_circle(graph, component)))
        print("%s %d - %s/: no circle of references among its %d files%s" % (
            "not ok" if bad else "ok", number, directory, len(graph),
            " but the allowed ones" if passed and not bad else ""))
        for component in bad:
            print("# a circle of %s: %s" % (", ".join(sorted(component)),
                                            one_circle(graph, component)))
    gone = [allowed[i] for i in range(len(allowed)) if i not in still_used]
    print("%s %d - every line of tests/structure/cycles names a circle that still exists" % (
        "not ok" if gone else "ok", len(LIBRARIES) + 1))
    for directory, names in gone:
        print("# gone: %s: %s (delete its line)" % (directory, " ".join(sorted(names))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
