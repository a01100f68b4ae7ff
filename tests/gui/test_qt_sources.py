"""PySide6 must not keep the source text of every module imported after it (25 MiB at start)."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import pytest

import assessor_app.gui  # noqa: F401 - installs the swap, as every GUI start does


def test_importing_a_module_leaves_no_source_text_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = sys.modules["shibokensupport.feature"]
    source = tmp_path / "freshly_imported_mod.py"
    source.write_text("from PySide6 import QtCore  # uses PySide6\nVALUE = 1\n", encoding="utf-8")
    plain = tmp_path / "plain_imported_mod.py"
    plain.write_text("VALUE = 2\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    linecache.clearcache()
    for name in ("freshly_imported_mod", "plain_imported_mod"):
        exec(f"import {name}", {})  # an import statement: PySide6's hook sees it
        monkeypatch.delitem(sys.modules, name)
    assert str(source) not in linecache.cache and str(plain) not in linecache.cache
    # PySide6 still gets the same answers for its optional __feature__ switches
    assert feature.pyside_feature_dict["freshly_imported_mod"] == 0
    assert feature.pyside_feature_dict["plain_imported_mod"] == -1
