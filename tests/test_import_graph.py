"""The core packages form a one-way stack: every import, wherever it sits in a module (top level,
inside a function, under TYPE_CHECKING), goes from a layer to a lower one. So there is no import
cycle between core packages, and a new package must be given its place here (and in
docs/dev/ARCHITECTURE.md) before it can import anything.

Command-line modules (`assessor_app/cli.py`, `cli_common.py`, `__main__.py` and each package's
`cli.py`) are the CLI layer at the top, whichever folder they sit in; nothing in the core imports
them. `gui/` sits below the CLI (which starts it) and above the core.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assessor_app"

#: Lowest first. A module may import its own layer's package and anything below it.
LAYERS: list[set[str]] = [
    {"store", "secrets", "__init__", "vault", "lazy"},
    {"setup"},  # the assessor's own details (settings); reads and writes only the store
    {"specs"},
    {"evidence"},
    {"signoff"},
    {"ers"},
    {"sync"},
    {"privacy", "backup"},
    {"workflow"},
    {"demo"},
    {"gui"},
    {"cli"},
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}
CLI_MODULES = {"cli", "cli_common", "__main__"}


def node_of(module: str) -> str:
    """The graph node of a dotted module name inside assessor_app."""
    parts = module.split(".")[1:]
    if not parts:
        return "__init__"
    if parts[0] in CLI_MODULES or (len(parts) > 1 and parts[-1] == "cli"):
        return "cli"
    return parts[0]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name / "__init__.py").is_file()


def imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """Every assessor_app module `path` imports, anywhere in it, with the line."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
            # `from assessor_app import signoff` imports the package named after the dot.
            if names[0] == "assessor_app":
                names = [f"assessor_app.{a.name}" if _is_module(a.name) else "assessor_app"
                         for a in node.names]
        else:
            continue
        for name in names:
            if name == "assessor_app" or name.startswith("assessor_app."):
                yield name, node.lineno


def core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def edges() -> set[tuple[str, str, str]]:
    """(from node, to node, where) for every import between different nodes."""
    found = set()
    for path in core_files():
        source = node_of(module_name(path))
        for name, line in imported_modules(path):
            target = node_of(name)
            if target != source:
                found.add((source, target, f"{path.relative_to(PACKAGE)}:{line}"))
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` as a list of nodes, or [] when it has none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_every_package_has_a_layer() -> None:
    nodes = {node_of(module_name(p)) for p in core_files()}
    assert nodes - set(LAYER_OF) == set()


def test_imports_only_go_down_the_stack() -> None:
    upward = sorted(f"{where}: {src} imports {dst}" for src, dst, where in edges()
                    if LAYER_OF[dst] > LAYER_OF[src])
    assert upward == []


def test_no_import_cycle_between_core_packages() -> None:
    graph: dict[str, set[str]] = {}
    for src, dst, _ in edges():
        graph.setdefault(src, set()).add(dst)
    assert find_cycle(graph) == []


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    """The checker itself: an import inside a function counts, and a cycle is reported."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from assessor_app.signoff import voiding\n",
                      encoding="utf-8")
    tree = ast.parse(module.read_text(encoding="utf-8"))
    inner = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert inner == ["assessor_app.signoff"]
    assert find_cycle({"evidence": {"signoff"}, "signoff": {"evidence"}}) in (
        ["evidence", "signoff", "evidence"], ["signoff", "evidence", "signoff"])
    assert find_cycle({"evidence": {"specs"}, "signoff": {"evidence", "specs"}}) == []


def test_specific_one_way_rules() -> None:
    """The ones issue 8 names: evidence never reaches sign-off, the ERS filer never reaches
    sync, and nothing in the core imports a command-line module."""
    found = edges()
    assert not [w for s, d, w in found if s == "evidence" and d == "signoff"]
    assert not [w for s, d, w in found if s == "ers" and d == "sync"]
    assert not [w for s, d, w in found if d == "cli" and s not in {"cli", "gui"}]
