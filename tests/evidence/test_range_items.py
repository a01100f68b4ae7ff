"""Which range items an evidence item covers (issue 13): recorded through the CLI and the core,
refused for what is not the criterion's range, undoable, and listed in the ERS read back with
pypdf."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.evidence.errors import InvalidInput, NotEnrolled, NotFound
from assessor_app.evidence.range_items import (
    covered_keys,
    range_items_for_criterion,
    resolve_range_items,
    set_range_item,
)
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import Store
from assessor_app.store.models import EvidenceRangeItem, GuidanceNote, UnitVersion
from tests.ers.pdftext import pdf_text

UNIT = "K/503/8194"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def evidence_id(capsys: pytest.CaptureFixture[str], store: Store, db_path: Path) -> int:
    """The bundled units imported; a learner on K/503/8194 with one observation of 1.2."""
    assert ensure_bundled_specs(store) >= 2
    db = str(db_path)
    assert run(capsys, "learner", "add", "--name", "Priya Shah", "--reg", "R1001",
               "--db", db)[0] == 0
    assert run(capsys, "enrol", "R1001", UNIT, "--db", db)[0] == 0
    code, out, err = run(capsys, "evidence", "add", "R1001", "--kind", "observation",
                         "--text", "Talked through the customer groups of the shop",
                         "--criteria", f"{UNIT}:1.2", "--db", db)
    assert code == 0, err
    return int(out.split()[-1])


def test_cli_records_lists_and_removes_range_items(capsys: pytest.CaptureFixture[str],
                                                   store: Store, db_path: Path,
                                                   evidence_id: int) -> None:
    db, ev = str(db_path), str(evidence_id)
    code, out, _ = run(capsys, "evidence", "range", ev, f"{UNIT}:1.2", "--db", db)
    assert code == 0
    assert out.splitlines() == [f"[ ] {k}. Segmentation: {item}" for k, item in enumerate(
        ["age", "gender", "religion", "culture", "income", "lifestyle"], start=1)]
    code, out, _ = run(capsys, "evidence", "range", ev, f"{UNIT}:1.2", "Religion", "1",
                       "--json", "--db", db)
    assert code == 0
    assert [r["item"] for r in json.loads(out) if r["covered"]] == ["age", "religion"]
    # A wrong item refuses the whole command: nothing more is written.
    code, _, err = run(capsys, "evidence", "range", ev, f"{UNIT}:1.2", "culture", "price",
                       "--db", db)
    assert code != 0 and "'price' is not in the range of criterion 1.2" in err
    code, _, err = run(capsys, "evidence", "range", ev, f"{UNIT}:1.1", "age", "--db", db)
    assert code != 0 and "Criterion 1.1 has no range" in err
    with store.session() as s:
        assert sorted(r.item_text for r in s.exec(select(EvidenceRangeItem))) == [
            "age", "religion"]
    code, out, _ = run(capsys, "evidence", "range", ev, f"{UNIT}:1.2", "age", "--remove",
                       "--db", db)
    assert code == 0 and "[ ] 1. Segmentation: age" in out and "[x] 3." in out


def test_ers_lists_the_range_items(capsys: pytest.CaptureFixture[str], store: Store,
                                   db_path: Path, evidence_id: int, tmp_path: Path) -> None:
    db = str(db_path)
    assert run(capsys, "evidence", "range", str(evidence_id), f"{UNIT}:1.2", "religion",
               "culture", "--db", db)[0] == 0
    assert run(capsys, "evidence", "range", str(evidence_id), f"{UNIT}:1.3", "price",
               "--db", db)[0] == 0
    out = tmp_path / "ers.pdf"
    code, _, err = run(capsys, "ers", "render", "R1001", UNIT, "--draft", "-o", str(out),
                       "--db", db)
    assert code == 0, err
    text = pdf_text(out.read_bytes())
    assert "Range covered (criterion 1.2: Segmentation): religion, culture" in text
    assert "Range covered (criterion 1.3: Factors): price" in text
    assert "gender" not in text.split("Evidence appendix")[-1]


def test_core_refuses_other_units_and_undoes(store: Store, evidence_id: int) -> None:
    with store.session() as s:
        (age,) = resolve_range_items(s, evidence_id, f"{UNIT}:1.2", ["age"])
        seg = age.note_id
        note = s.get(GuidanceNote, seg)
        assert note is not None and note.criterion_id is not None
        listed = range_items_for_criterion(s, note.criterion_id)
        # A range on another bundled unit, one the learner is not enrolled on.
        version = s.exec(select(UnitVersion).where(UnitVersion.id != note.version_id)).first()
        assert version is not None and version.id is not None
        other = GuidanceNote(version_id=version.id, kind="range", items_json='["stores"]')
        s.add(other)
        s.flush()
        assert other.id is not None
        with pytest.raises(InvalidInput):
            resolve_range_items(s, evidence_id, f"{UNIT}:1.2", ["7"])
    assert [r.text for r in listed][:2] == ["age", "gender"]
    edit = set_range_item(store, evidence_id, seg, 2, True)
    assert not edit.is_noop and edit.description == "Record range item"
    assert set_range_item(store, evidence_id, seg, 2, True).is_noop
    with store.session() as s:
        assert covered_keys(s, evidence_id) == {(seg, 2)}
    edit.revert(store)
    with store.session() as s:
        assert covered_keys(s, evidence_id) == set()
    edit.apply(store)
    with store.session() as s:
        assert s.get(EvidenceRangeItem, (evidence_id, seg, 2)).item_text == "religion"
    with pytest.raises(NotFound, match="no item 9"):
        set_range_item(store, evidence_id, seg, 8, True)
    with pytest.raises(NotEnrolled):
        set_range_item(store, evidence_id, other.id, 0, True)
