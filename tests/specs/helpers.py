"""Shared helpers for the specs tests: seed lookup, row counts, running the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from assessor_app.cli import main
from assessor_app.store import Store

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "specs" / "sources"
FIXTURES = Path(__file__).with_name("fixtures")
TABLES = ("unit", "unit_version", "publication", "learning_outcome", "criterion", "guidance_note",
          "evidence_requirement", "setting")


def seed(prefix: str) -> Path:
    return next(SOURCES.glob(f"{prefix}_*.txt"))


def row_counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {t: s.exec(text(f"select count(*) from {t}")).one()[0] for t in TABLES}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return json.loads(out)
