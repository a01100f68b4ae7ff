"""`assessor-app specs …` end to end: JSON shapes, dry runs, missing fields, the console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor_app.store import open_store
from tests.specs.helpers import row_counts, run_cli, run_json, seed

SHAPE_KEYS = {"title", "reference", "level", "credit_value", "glh", "publications",
              "learning_outcomes"}


def _check_shape(tree: dict) -> None:
    assert set(tree) >= SHAPE_KEYS
    assert isinstance(tree["title"], str)
    for key in ("level", "credit_value", "glh"):
        assert tree[key] is None or isinstance(tree[key], int)
    for p in tree["publications"]:
        assert {"awarding_body", "unit_number"} <= set(p)
    for o in tree["learning_outcomes"]:
        assert {"number", "text", "criteria"} <= set(o) and isinstance(o["number"], str)
        for c in o["criteria"]:
            assert set(c) >= {"number", "text"} and c["number"].startswith(o["number"] + ".")


def test_dry_run_json_one_path_writes_nothing(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    tree = run_json(capsys, "specs", "import", str(seed("000")), "--dry-run", "--json",
                    "--db", str(db_path))
    _check_shape(tree)
    assert not db_path.exists()
    assert (tree["title"], tree["reference"], tree["level"], tree["credit_value"], tree["glh"]) == (
        "Principles of customer relationships", "K/503/8194", 2, 3, 18)
    assert tree["publications"] == [{"awarding_body": "OCR", "unit_number": "52"}]
    assert [o["number"] for o in tree["learning_outcomes"]] == ["1", "2", "3"]
    assert tree["learning_outcomes"][2]["criteria"][4] == {
        "number": "3.5", "text": "Explain how to identify added value that could be offered to customers."}


def test_dry_run_json_several_paths_is_an_array(capsys: pytest.CaptureFixture[str],
                                                db_path: Path, seed_paths: list[Path]) -> None:
    trees = run_json(capsys, "--db", str(db_path), "specs", "import", *map(str, seed_paths),
                     "--dry-run", "--json")
    assert isinstance(trees, list) and len(trees) == 5
    for t in trees:
        _check_shape(t)
    assert trees[2]["publications"] == [{"awarding_body": "City & Guilds", "unit_number": "238"}]
    assert not db_path.exists()


def _empty_library(db_path: Path) -> None:
    """A database with no units: a new one made by a command would start with the bundled ones."""
    open_store(db_path).close()


def test_import_list_show(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    _empty_library(db_path)
    code, out, err = run_cli(capsys, "specs", "import", str(seed("000")), str(seed("002")),
                             "--db", str(db_path))
    assert code == 0, err
    assert "K/503/8194 (OCR) created, version 1" in out
    assert "K/503/8194 (City & Guilds) new version, version 2" in out
    code, out, _ = run_cli(capsys, "specs", "import", str(seed("000")), "--db", str(db_path))
    assert "unchanged" in out
    units = run_json(capsys, "specs", "list", "--json", "--db", str(db_path))
    assert [u["reference"] for u in units] == ["K/503/8194"]
    code, out, _ = run_cli(capsys, "specs", "list", "--db", str(db_path))
    assert "K/503/8194" in out and "City & Guilds 238" in out
    tree = run_json(capsys, "specs", "show", "K/503/8194", "--json", "--db", str(db_path))
    _check_shape(tree)
    assert tree["publications"] == [{"awarding_body": "OCR", "unit_number": "52"},
                                    {"awarding_body": "City & Guilds", "unit_number": "238"}]
    assert [len(o["criteria"]) for o in tree["learning_outcomes"]] == [4, 8, 5]
    code, out, _ = run_cli(capsys, "specs", "show", "K/503/8194", "--db", str(db_path))
    assert "1.2  Explain the role of segmentation" in out and "- religion" in out


def test_show_unknown_unit_is_a_clear_error(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, _, err = run_cli(capsys, "specs", "show", "Z/999/9999", "--db", str(db_path))
    assert code == 2 and "no unit Z/999/9999" in err


def test_missing_reference(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path,
                           store) -> None:
    partial = tmp_path / "partial.txt"
    partial.write_text(seed("003").read_text(encoding="utf-8").replace(
        "Unit reference number: J/506/2910", "").replace("Guided learning hours:  35", ""),
        encoding="utf-8")
    # The dry run refuses exactly as the import does (issue 9): one shared validation.
    code, _, dry_err = run_cli(capsys, "specs", "import", str(partial), "--dry-run", "--json")
    assert code == 2 and str(partial) in dry_err and "--reference" in dry_err
    code, _, err = run_cli(capsys, "specs", "import", str(partial), "--db", str(db_path))
    assert code == 2 and err == dry_err
    tree = run_json(capsys, "specs", "import", str(partial), "--dry-run", "--json",
                    "--reference", "J/506/2910")
    assert tree["reference"] == "J/506/2910" and tree["glh"] is None
    assert tree["title"] == "Understand customers and customer retention" and tree["level"] == 3
    assert [len(o["criteria"]) for o in tree["learning_outcomes"]] == [5, 6, 3]
    assert row_counts(store)["unit"] == 0
    code, out, err = run_cli(capsys, "specs", "import", str(partial), "--reference", "J/506/2910",
                             "--db", str(db_path))
    assert code == 0, err
    tree = run_json(capsys, "specs", "show", "J/506/2910", "--json", "--db", str(db_path))
    assert tree["reference"] == "J/506/2910" and tree["glh"] is None


def test_bad_file_error_names_file_and_line(capsys: pytest.CaptureFixture[str], db_path: Path,
                                            tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    _empty_library(db_path)
    code, _, err = run_cli(capsys, "specs", "import", str(seed("000")), str(empty), "--db", str(db_path))
    assert code == 2 and f"{empty}:1: file is empty" in err
    units = run_json(capsys, "specs", "list", "--json", "--db", str(db_path))
    assert units == []


def test_dry_run_then_import_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the console script did end to end, now in-process (the one real console-script run
    is tests/ers/test_cli.py::test_console_script_end_to_end)."""
    db = tmp_path / "e2e.sqlite3"
    tree = run_json(capsys, "specs", "import", str(seed("001")), "--dry-run", "--json",
                    "--db", str(db))
    assert tree["learning_outcomes"][2]["criteria"][4]["text"] == (
        "Explain how to communicate with customers, especially when they are dissatisfied "
        "with products and services")
    assert not db.exists()
    _empty_library(db)
    code, out, err = run_cli(capsys, "specs", "import", str(seed("001")), "--db", str(db))
    assert code == 0, err
    assert "L/601/1239 (OCR) created, version 1" in out
