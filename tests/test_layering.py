"""The core (everything outside assessor_app/gui) must never import Qt."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assessor_app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_outside_gui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "gui":
            continue
        if any(n.split(".")[0] in {"PySide6", "shiboken6", "PyQt6", "PyQt5"} for n in _imports(path)):
            offenders.append(str(rel))
    assert offenders == []


def test_core_packages_do_not_import_gui() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "gui"
        and any(n.startswith("assessor_app.gui") for n in _imports(p))
        and p.name != "cli.py"
    ]
    assert offenders == []
