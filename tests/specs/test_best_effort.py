"""Issue 13: texts the strict reading stops on are read best-effort, each inference a finding at
its source line; the tree is the one the intact text gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessor_app.specs.parser import parse_file, parse_text
from assessor_app.store import Store
from tests.specs.helpers import FIXTURES, row_counts, run_cli, run_json, seed

REAL = FIXTURES / "real"
LEAD = re.compile(r"^(\s*(?:•\s*)?)(\d{1,2}\.\d{1,2})\.?\s*")


def _tree(spec) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [(o.number, o.text, [(c.number, c.text) for c in o.criteria]) for o in spec.outcomes]


def test_criterion_that_lost_its_number_between_two_others() -> None:
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("2.6 "))
    lines[i] = lines[i][4:]
    spec = parse_text("\n".join(lines), "gap.txt")
    assert _tree(spec) == _tree(parse_file(seed("000")))
    assert [(f.line, f.kind) for f in spec.findings] == [(i + 1, "missing criterion number")]
    assert "2.6" in spec.findings[0].message


def test_first_criterion_of_an_outcome_lost_its_number() -> None:
    path = REAL / "gateway_workplace_health_safety_first_aid.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if LEAD.match(ln) and "3.1" in ln)
    lines[i] = LEAD.sub(r"\1", lines[i])
    spec = parse_text("\n".join(lines), "gap.txt")
    assert _tree(spec) == _tree(parse_file(path))
    assert [f.kind for f in spec.findings] == ["missing criterion number"]


def test_unnumbered_criteria_under_the_learner_can_heading() -> None:
    path = REAL / "gateway_move_handle_goods_manually.txt"
    text = "\n".join(LEAD.sub(r"\1", ln) for ln in path.read_text(encoding="utf-8").split("\n"))
    assert "1.1" not in text
    spec = parse_text(text, "plain.txt")
    assert _tree(spec) == _tree(parse_file(path))
    assert [f.kind for f in spec.findings] == ["unnumbered criteria"] * 3
    original = path.read_text(encoding="utf-8").split("\n")
    # Each finding points at the first criterion's text (the line after its number's bullet).
    firsts = [k + 2 for k, ln in enumerate(original) if re.search(r"\b[1-3]\.1\.", ln)]
    assert [f.line for f in spec.findings] == firsts


def test_outcome_number_implied_by_its_criteria() -> None:
    text = seed("000").read_text(encoding="utf-8")
    i = text.index("\n2 Understand")
    spec = parse_text(text[:i + 1] + text[i + 3:], "no-outcome-number.txt")
    assert _tree(spec) == _tree(parse_file(seed("000")))
    (finding,) = spec.findings
    assert finding.kind == "missing outcome number" and finding.line == text[:i].count("\n") + 2


def test_flattened_columns() -> None:
    path = REAL / "gateway_move_handle_goods_manually.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(k for k, ln in enumerate(lines) if "1.1." in ln)
    flat = lines[:start] + [" ".join(ln.strip() for ln in lines[start:] if ln.strip())]
    spec = parse_text("\n".join(flat), "flat.txt")
    assert [c for o in _tree(spec) for c in o[2]] == [c for o in _tree(parse_file(path))
                                                      for c in o[2]]
    assert [(f.kind, f.line) for f in spec.findings] == [("flattened columns", start + 1)]


def test_nothing_usable_is_still_refused(tmp_path: Path) -> None:
    from assessor_app.specs.errors import SpecError

    with pytest.raises(SpecError, match="no learning outcomes"):
        parse_text("Dear centre,\n\nThe unit is attached. Describe it.\n", "letter.txt")


def test_cli_findings_in_dry_run_and_accept_flag(capsys, store: Store, db_path: Path,
                                                 tmp_path: Path) -> None:
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("2.6 "))
    lines[i] = lines[i][4:]
    path = tmp_path / "gap.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    tree = run_json(capsys, "specs", "import", str(path), "--dry-run", "--json")
    assert tree["findings"] == [{"line": i + 1, "kind": "missing criterion number",
                                 "message": tree["findings"][0]["message"]}]
    code, out, err = run_cli(capsys, "specs", "import", str(path), "--db", str(db_path))
    assert code == 2 and "--accept-findings" in err and f"{path}:{i + 1}:" in out
    assert row_counts(store)["unit"] == 0
    code, out, err = run_cli(capsys, "specs", "import", str(path), "--accept-findings",
                             "--db", str(db_path))
    assert code == 0, err
    assert f"finding: {path}:{i + 1}: criterion 2.6" in out and "created, version 1" in out
    assert row_counts(store)["criterion"] == 17
