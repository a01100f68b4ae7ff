"""Issue 9: inputs that used to hang, eat memory, give tracebacks or be wrongly accepted are each
refused with one line naming the file (and the line where it is known), and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import import_paths
from assessor_app.specs.limits import MAX_LINE_CHARS, MAX_YAML_DEPTH
from assessor_app.specs.parser import parse_file
from assessor_app.store import Store
from tests.specs.helpers import REPO, row_counts, run_cli, seed

GOOD_YAML = REPO / "specs" / "K-503-8194.yaml"


def _refused(store: Store, path: Path, pattern: str) -> SpecError:
    before = row_counts(store)
    with pytest.raises(SpecError, match=pattern) as err:
        import_paths(store, [path])
    assert row_counts(store) == before
    assert err.value.source == str(path) and "\n" not in str(err.value)
    return err.value


def _yaml(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(GOOD_YAML.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "unit.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_long_line_is_refused_with_its_line_number(store: Store, tmp_path: Path) -> None:
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("1.2 "))
    lines[i] = "Describe the " + "x" * 200_000 + " 1.2"
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    err = _refused(store, path, f"longer than {MAX_LINE_CHARS:,}")
    assert err.line == i + 1


def test_line_just_under_the_limit_parses(tmp_path: Path) -> None:
    """Linear-time patterns: a line near the limit that once backtracked is read normally."""
    lines = seed("000").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("1.2 "))
    lines.insert(i, "a" * (MAX_LINE_CHARS - 10) + " 1.7")
    path = tmp_path / "near.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    spec = parse_file(path)
    assert spec.criterion_numbers() == parse_file(seed("000")).criterion_numbers()
    assert spec.criteria[0].text.endswith("a 1.7")


def test_alias_bomb_is_refused_at_the_first_anchor(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)), encoding="utf-8")
    err = _refused(store, path, "anchors")
    assert err.line == 1


def test_alias_alone_is_refused(store: Store, tmp_path: Path) -> None:
    text = GOOD_YAML.read_text(encoding="utf-8").replace("title: Principles of customer "
                                                          "relationships", "title: *t")
    path = tmp_path / "alias.yaml"
    path.write_text(text, encoding="utf-8")
    _refused(store, path, "aliases")


def test_deep_nesting_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("learning_outcomes:\n  " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    err = _refused(store, path, f"deeper than {MAX_YAML_DEPTH}")
    assert err.line == 2


def test_invalid_utf8_names_its_line(store: Store, tmp_path: Path) -> None:
    data = GOOD_YAML.read_bytes().split(b"\n")
    data[5] = data[5] + b" \xc3("
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"\n".join(data))
    err = _refused(store, path, "not UTF-8")
    assert err.line == 6


def test_guidance_criterion_given_as_a_list(store: Store, tmp_path: Path) -> None:
    def change(d):
        d["learning_outcomes"][0]["guidance"][0]["criterion"] = ["1.2", "1.3"]
    err = _refused(store, _yaml(tmp_path, change), "'criterion' must be text")
    assert err.line is not None


def test_guidance_criterion_the_outcome_does_not_have(store: Store, tmp_path: Path) -> None:
    def change(d):
        d["learning_outcomes"][0]["guidance"][0]["criterion"] = "3.9"
    _refused(store, _yaml(tmp_path, change), "does not have")


def test_duplicated_evidence_requirement(store: Store, tmp_path: Path) -> None:
    path = _yaml(tmp_path, lambda d: d.__setitem__("evidence_requirements", [
        {"key": "1", "text": "a", "awarding_body": "OCR"},
        {"key": "1", "text": "b", "awarding_body": "OCR"}]))
    _refused(store, path, "requirement 1 is listed twice")


@pytest.mark.parametrize(("change", "pattern"), [
    (lambda d: d.__setitem__("reference", "K/503/81944"), "not like K/503/8194"),
    (lambda d: d.__setitem__("reference", "k/503/8194 "), "not like K/503/8194"),
    (lambda d: d.__setitem__("title", ""), "no title"),
    (lambda d: d.__setitem__("title", "  "), "no title"),
    (lambda d: d["learning_outcomes"][0]["criteria"][0].__setitem__("number", ""),
     "criterion number '' is not like"),
    (lambda d: d["learning_outcomes"][0].__setitem__("number", ""), "outcome number"),
    (lambda d: d["learning_outcomes"][0]["criteria"][0].__setitem__("text", "a\x00b"),
     "control character"),
    (lambda d: d.__setitem__("title", "Principles\x07"), "control character"),
    (lambda d: d["learning_outcomes"][1].__setitem__("number", "1"), "listed twice"),
], ids=["long-ref", "lower-ref", "empty-title", "blank-title", "empty-crit-number",
        "empty-outcome-number", "nul", "bell", "duplicate-outcome"])
def test_wrong_structured_fields_are_refused(store: Store, tmp_path: Path, change,
                                             pattern: str) -> None:
    _refused(store, _yaml(tmp_path, change), pattern)


def test_text_reference_with_extra_digit_is_not_truncated(store: Store, tmp_path: Path) -> None:
    text = seed("003").read_text(encoding="utf-8").replace("J/506/2910", "J/506/29101")
    path = tmp_path / "ref.txt"
    path.write_text(text, encoding="utf-8")
    _refused(store, path, "no unit reference number")


def test_dry_run_and_import_refuse_alike(capsys, store: Store, db_path: Path,
                                         tmp_path: Path) -> None:
    path = _yaml(tmp_path, lambda d: d.__setitem__("reference", "K/503/81944"))
    dry = run_cli(capsys, "specs", "import", str(path), "--dry-run", "--json")
    real = run_cli(capsys, "specs", "import", str(path), "--db", str(db_path))
    assert dry[0] == real[0] == 2 and dry[2] == real[2]
    assert str(path) in real[2] and "K/503/81944" in real[2]
