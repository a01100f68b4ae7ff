"""Units → Import…: the review screen, driven as an assessor would (pytest-qt)."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from assessor_app.gui.dialogs.spec_review_dialog import SpecReviewDialog
from assessor_app.specs.parser import parse_file
from assessor_app.specs.queries import unit_tree
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, settle
from tests.specs.helpers import seed
from tests.specs.pdf_builders import build_handbook, build_ocr_pdf


def _pdf_with_lost_number(tmp_path: Path) -> Path:
    spec = copy.deepcopy(parse_file(seed("000")))
    spec.outcomes[1].criteria[5].number = ""  # 2.6 lost its number in the PDF
    return build_ocr_pdf(spec, tmp_path / "unit-52.pdf")


def test_review_a_pdf_fix_a_flagged_criterion_and_import(qtbot: QtBot, store: Store,
                                                         tmp_path: Path) -> None:
    dialog = SpecReviewDialog(store, _pdf_with_lost_number(tmp_path), "Test Assessor")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    assert dialog.progress.value() == 100
    tree = dialog.tree
    outcome2 = tree.topLevelItem(2)
    flagged = [outcome2.child(i) for i in range(outcome2.childCount())
               if outcome2.child(i).text(0).startswith("⚠")]
    assert [f.text(0) for f in flagged] == ["⚠ 2.6"]
    assert "lost its number" in flagged[0].toolTip(1)
    assert dialog.findings.count() == 1 and "page 1" in dialog.findings.item(0).text()
    # Selecting the flagged criterion highlights its line in the source.
    tree.setCurrentItem(flagged[0])
    line = dialog.highlighted_line()
    assert line is not None
    assert "Explain the importance of a consistent" in dialog.source_view.document() \
        .findBlockByNumber(line - 1).text()
    assert dialog.page_label.text().startswith("Page 1")
    # The assessor corrects the criterion's wording, then imports.
    flagged[0].setText(1, "Explain the importance of a consistent level of service to "
                          "customers")
    assert dialog.review is not None and dialog.review.spec.edits[0].what == "criterion 2.6 text"
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as got:
        dialog.import_button.click()
    assert got.args == [["K/503/8194"]]
    with store.session() as s:
        tree_json = unit_tree(s, "K/503/8194")
    assert tree_json is not None
    crit = tree_json["learning_outcomes"][1]["criteria"][5]
    assert crit == {"number": "2.6", "text": "Explain the importance of a consistent level of "
                    "service to customers"}
    (edit,) = tree_json["review_edits"]
    assert edit["who"] == "Test Assessor" and edit["what"] == "criterion 2.6 text"


def test_a_refused_correction_is_reverted_and_explained(qtbot: QtBot, store: Store,
                                                       tmp_path: Path) -> None:
    dialog = SpecReviewDialog(store, _pdf_with_lost_number(tmp_path), "Test Assessor")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    crit = dialog.tree.topLevelItem(1).child(0)
    crit.setText(0, "1.4")  # already taken
    assert dialog.tree.topLevelItem(1).child(0).text(0) == "1.1"
    assert dialog.banner.isVisible()
    assert dialog.review is not None and dialog.review.spec.edits == []


def test_handbook_units_are_offered_separately(qtbot: QtBot, store: Store,
                                               tmp_path: Path) -> None:
    units = []
    for k, prefix in enumerate(("000", "001", "003")):
        spec = parse_file(seed(prefix))
        units.append((str(201 + k), spec))
    pdf = build_handbook(units, tmp_path / "handbook.pdf")
    dialog = SpecReviewDialog(store, pdf, "Test Assessor")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    assert dialog.progress.value() == 100
    assert dialog.unit_box.count() == 3 and dialog.unit_box.isVisible()
    assert dialog.unit_box.itemText(1).startswith("unit 202: ")
    dialog.unit_box.setCurrentIndex(2)
    assert dialog.tree.topLevelItem(0).text(1) == units[2][1].title


def test_units_menu_import_then_the_library_shows_the_edit(
        qtbot: QtBot, store: Store, tmp_path: Path, make_window, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QFileDialog

    pdf = _pdf_with_lost_number(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(pdf), "PDF (*.pdf)")))
    window = make_window(store)
    action = window.main_actions.act_import_spec
    assert action in window.main_actions.units_menu.actions()
    action.trigger()
    dialog = window.findChild(SpecReviewDialog)
    assert dialog is not None
    settle(qtbot, dialog)
    crit = dialog.tree.topLevelItem(2).child(5)
    assert crit.text(0) == "⚠ 2.6"
    crit.setText(1, "Explain why a consistent level of service matters")
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        dialog.import_button.click()
    library = window.open_unit_library()
    with qtbot.waitSignal(library.loaded, timeout=WAIT_MS):
        pass
    assert library.select_unit("K/503/8194")
    unit = library.current_unit()
    assert unit is not None
    assert unit.tree["learning_outcomes"][1]["criteria"][5]["text"] == (
        "Explain why a consistent level of service matters")
    assert unit.tree["review_edits"][0]["who"] == "Test Assessor"


def test_review_a_text_highlights_the_finding_line(qtbot: QtBot, store: Store,
                                                   tmp_path: Path) -> None:
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("2.6 "))
    lines[i] = lines[i][4:]
    path = tmp_path / "gap.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    dialog = SpecReviewDialog(store, path, "Test Assessor")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    assert not dialog.unit_box.isVisible()  # one unit: nothing to choose
    assert dialog.findings.item(0).text().startswith(f"line {i + 1}: criterion 2.6")
    dialog.findings.setCurrentRow(0)
    assert dialog.highlighted_line() == i + 1
    assert dialog.page_label.text() == f"Line {i + 1}"


def _criteria(dialog: SpecReviewDialog, outcome: int) -> list[tuple[str, str]]:
    item = dialog.tree.topLevelItem(outcome)
    return [(item.child(i).text(0).removeprefix("⚠ "), item.child(i).text(1))
            for i in range(item.childCount())]


def test_split_and_merge_rows_then_import(qtbot: QtBot, store: Store, tmp_path: Path,
                                          monkeypatch) -> None:  # noqa: ANN001
    """Flattened columns ran 2.4 into 2.3's cell: the assessor splits 2.3 (the screen offers
    the end to split off), tries a merge and splits again; the import records each change."""
    spec = copy.deepcopy(parse_file(seed("000")))
    original = [(c.number, c.text) for c in spec.outcomes[1].criteria]
    out = spec.outcomes[1]
    out.criteria[2].text += ". " + out.criteria[3].text
    out.criteria.pop(3)
    for k, crit in enumerate(out.criteria, start=1):
        crit.number = f"2.{k}"
    dialog = SpecReviewDialog(store, build_ocr_pdf(spec, tmp_path / "flat.pdf"), "Test Assessor")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    assert len(_criteria(dialog, 2)) == len(original) - 1
    offered: list[str] = []

    def answer(_parent, _title, _label, text=""):  # noqa: ANN001, ANN202
        offered.append(text)
        return text, True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(2).child(2))
    assert dialog.split_button.isEnabled() and dialog.merge_button.isEnabled()
    dialog.split_button.click()
    assert offered == [original[3][1]]  # the end after the sentence break
    assert _criteria(dialog, 2) == [(n, t + "." if n == "2.3" else t)
                                    for n, t in original]
    assert dialog.tree.currentItem().text(0) == "2.4"
    dialog.merge_button.click()  # back into 2.3
    assert len(_criteria(dialog, 2)) == len(original) - 1
    assert dialog.tree.currentItem().text(0) == "2.3"
    dialog.split_button.click()
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(2).child(0))
    assert not dialog.merge_button.isEnabled()  # nothing before 2.1
    edits = [e.what for e in dialog.review.spec.edits]
    assert edits == ["criterion 2.3 split into 2.3 and 2.4", "criterion 2.4 merged into 2.3",
                     "criterion 2.3 split into 2.3 and 2.4"]
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        dialog.import_button.click()
    with store.session() as s:
        tree_json = unit_tree(s, "K/503/8194")
    assert tree_json is not None
    got = [(c["number"], c["text"]) for c in tree_json["learning_outcomes"][1]["criteria"]]
    assert got == [(n, t + "." if n == "2.3" else t) for n, t in original]
    assert [e["what"] for e in tree_json["review_edits"]] == edits
