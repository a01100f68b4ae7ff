"""The unit library: every unit with its specification tree, a filter, and importing specs.

Set ASSESSOR_APP_SCREENSHOTS=1 to refresh docs/screenshots/unit_library.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.unit_library import UnitLibraryDialog
from assessor_app.gui.models.unit_tree_model import KIND_ROLE
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.specs.queries import list_units
from assessor_app.store import Store
from tests.conftest import SEEDS_DIR
from tests.gui.conftest import WAIT_MS, press

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BUNDLED = ["H/601/1232", "J/506/2910", "K/503/8194", "L/601/1239"]


def _open_by_shortcut(qtbot: QtBot, window) -> UnitLibraryDialog:  # noqa: ANN001
    press(window, "Ctrl+Shift+U")  # Ctrl+L locks the app
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnitLibraryDialog),
                    timeout=WAIT_MS)
    return QApplication.activeModalWidget()


def _visible_refs(dialog: UnitLibraryDialog) -> list[str]:
    proxy = dialog.units_proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def _walk(model, parent: QModelIndex = QModelIndex()):  # noqa: ANN001, ANN202, B008
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from _walk(model, index)


def _find(model, text: str) -> QModelIndex:  # noqa: ANN001
    return next(i for i in _walk(model) if text in i.data())


def _children(model, parent: QModelIndex) -> list[str]:  # noqa: ANN001
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def _lib(store: Store) -> UnitLibraryDialog:
    dialog = UnitLibraryDialog(store)
    return dialog


def test_library_lists_units_and_shows_the_spec_tree(qtbot: QtBot, spec_store: Store,
                                                      make_window) -> None:
    window = make_window(spec_store)
    assert "Units" in [a.text().replace("&", "") for a in window.menuBar().actions()]
    dialog = _open_by_shortcut(qtbot, window)
    qtbot.waitUntil(lambda: dialog.units_model.rowCount() == 4, timeout=WAIT_MS)
    assert _visible_refs(dialog) == BUNDLED
    assert dialog.count_label.text() == "4 units"
    row = BUNDLED.index("K/503/8194")
    values = [dialog.units_proxy.index(row, c).data() for c in range(7)]
    assert values == ["K/503/8194", "Principles of customer relationships", "2", "3", "18",
                      "OCR unit 52 · City & Guilds unit 238", "1"]

    dialog.select_unit("K/503/8194")
    tree, proxy = dialog.tree, dialog.tree_proxy
    root = proxy.index(0, 0)
    assert root.data() == "K/503/8194  Principles of customer relationships"
    assert tree.isExpanded(root)
    outcomes = _children(proxy, root)
    assert outcomes[0] == "1  Understand customers and their needs"
    assert outcomes[-1] == "Evidence requirements" or len(outcomes) == 3
    crit = _find(proxy, "1.2  Explain the role of segmentation")
    assert crit.data(KIND_ROLE) == "criterion"
    [note] = _children(proxy, crit)
    assert note == "Range · City & Guilds — Segmentation"
    note_index = proxy.index(0, 0, crit)
    tree.expand(note_index)
    assert _children(proxy, note_index) == ["age", "gender", "religion", "culture", "income",
                                            "lifestyle"]

    # Filter: only units mentioning it stay; the tree keeps the path to each match.
    qtbot.keyClicks(dialog.filter, "segmentation")
    qtbot.waitUntil(lambda: dialog.tree_proxy.text() == "segmentation", timeout=WAIT_MS)
    assert "K/503/8194" in _visible_refs(dialog) and "H/601/1232" not in _visible_refs(dialog)
    assert dialog.count_label.text().endswith("of 4 units")
    shown = [i.data() for i in _walk(proxy)]
    assert any("1.2  Explain the role of segmentation" in t for t in shown)
    assert not any(t.startswith("1.1  ") for t in shown)  # criteria without a match are hidden
    note_index = proxy.index(0, 0, _find(proxy, "1.2  "))
    assert tree.isExpanded(note_index) and "age" in _children(proxy, note_index)

    dialog.filter.clear()
    qtbot.waitUntil(lambda: dialog.units_proxy.rowCount() == 4, timeout=WAIT_MS)
    assert dialog.current_reference() == "K/503/8194"
    dialog.reject()


def test_import_a_source_text_into_a_fresh_database(qtbot: QtBot, store: Store,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    dialog = _lib(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "No units yet" in dialog.unit_heading.text(), timeout=WAIT_MS)
    assert dialog.units_model.rowCount() == 0
    source = next(p for p in sorted(SEEDS_DIR.glob("*.txt"))
                  if "OCR unit number: 52" in p.read_text(encoding="utf-8"))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a: ([str(source)], "")))
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT_MS * 4):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert _visible_refs(dialog) == ["K/503/8194"]
    assert dialog.current_reference() == "K/503/8194"
    assert "K/503/8194 (OCR) added as a new unit" in dialog.banner.text()
    assert dialog.tree_proxy.rowCount() == 1
    with store.session() as s:
        assert [u["reference"] for u in list_units(s)] == ["K/503/8194"]

    # A file that is not a unit specification: the message names it, and nothing changes.
    bad = tmp_path / "visit notes.txt"
    bad.write_text("Notes from Tuesday\nBring the observation form\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *_a: ([str(bad)], "")))
    with qtbot.waitSignal(dialog.import_failed, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    message = blocker.args[0]
    assert message.startswith("Could not import visit notes.txt, line ")
    assert "Nothing was imported" in message and "Traceback" not in message
    assert dialog.banner.isVisible() and dialog.banner.kind == "error"
    assert dialog.banner.text() == message
    assert dialog.import_button.isEnabled()
    with store.session() as s:
        assert len(list_units(s)) == 1
    dialog.reject()


def test_unit_library_screenshot(qtbot: QtBot, spec_store: Store, tmp_path: Path) -> None:
    out = DOCS if os.environ.get("ASSESSOR_APP_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    assert ensure_bundled_specs(spec_store) == 0  # already there
    dialog = _lib(spec_store)
    qtbot.addWidget(dialog)
    dialog.resize(1240, 700)  # as on a 1366×768 laptop (the offscreen screen is smaller)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.units_model.rowCount() == 4, timeout=WAIT_MS)
    dialog.select_unit("L/601/1239")  # long teaching-content notes must wrap, not clip
    dialog.tree.expandAll()
    assert dialog.grab().toImage().save(str(tmp_path / "unit_library_long_notes.png"))
    dialog.select_unit("K/503/8194")
    dialog.tree.expandAll()
    image = dialog.grab().toImage()
    assert image.save(str(out / "unit_library.png"))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 9)
               for y in range(0, image.height(), 9)}
    assert len(colours) > 3
    dialog.reject()
