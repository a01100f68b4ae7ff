"""The GUI's shape. One data-access path: modules under assessor_app/gui call core operations
and never reach the database themselves (no SQL, no `select(`, no `.session(` /
`.read_session(`, no sqlalchemy/sqlmodel/sqlite3 import, including imports inside functions).
And its modules import each other without cycles (the main window's parts know nothing of the
window)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

GUI = Path(__file__).resolve().parents[1] / "assessor_app" / "gui"
DB_MODULES = {"sqlalchemy", "sqlmodel", "sqlite3"}
SESSION_METHODS = {"session", "read_session", "execute", "exec_driver_sql", "scalars"}
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\b.+\bSET|DELETE\s+FROM|PRAGMA)\b")

def database_access(source: str) -> list[str]:
    """What in `source` touches the database directly, as 'line: reason' strings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] in DB_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in DB_MODULES:
                found.append(f"{node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in {"select", "text", "Session"}:
                found.append(f"{node.lineno}: {f.id}(")
            elif isinstance(f, ast.Attribute) and f.attr in SESSION_METHODS:
                found.append(f"{node.lineno}: .{f.attr}(")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and SQL.search(node.value)):
            found.append(f"{node.lineno}: SQL in a string")
    return found


def test_gui_modules_do_not_touch_the_database() -> None:
    offenders = {}
    for path in sorted(GUI.rglob("*.py")):
        rel = path.relative_to(GUI).as_posix()
        hits = database_access(path.read_text(encoding="utf-8"))
        if hits:
            offenders[rel] = hits
    assert offenders == {}


def test_the_check_sees_each_kind_of_access() -> None:
    source = '''
import sqlite3
def load(store):
    from sqlmodel import select
    with store.read_session() as s:
        s.exec(select(Learner))
    store.engine.connect().exec_driver_sql("PRAGMA query_only=ON")
    return "SELECT name FROM learner"
'''
    reasons = " ".join(database_access(source))
    for expected in ("import sqlite3", "from sqlmodel", ".read_session(", "select(",
                     ".exec_driver_sql(", "SQL in a string"):
        assert expected in reasons
    assert database_access("def ok(store):\n    return list_units(store)\n") == []


def gui_imports() -> dict[str, set[str]]:
    """Module name -> the assessor_app.gui modules it imports (anywhere in it)."""
    names = {".".join(("assessor_app", "gui", *p.relative_to(GUI).with_suffix("").parts))
             .removesuffix(".__init__"): p for p in GUI.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                deps |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        graph[name] = {d for d in deps if d in names and d != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node):], node]
        if node in done:
            return []
        for dep in sorted(graph.get(node, ())):
            cycle = visit(dep, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return []

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return []


def test_gui_modules_import_each_other_without_cycles() -> None:
    graph = gui_imports()
    assert "assessor_app.gui.screens.main_window" in graph
    assert find_cycle(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


GUI_LAYERS = ("support", "models", "widgets", "dialogs", "screens")  # bottom to top; app.py above


def test_gui_subpackages_depend_downwards_only() -> None:
    def layer(module: str) -> int:
        part = module.split(".")[2] if module.count(".") >= 2 else "app"
        return GUI_LAYERS.index(part) if part in GUI_LAYERS else len(GUI_LAYERS)

    upward = sorted(f"{m} -> {d}" for m, deps in gui_imports().items() for d in deps
                    if layer(d) > layer(m))
    assert upward == []
