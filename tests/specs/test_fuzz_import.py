"""Fuzzing the spec importers (issue 9): damaged texts and structured files give either a unit or
a `SpecError` naming the file, never another exception, and a refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import import_paths
from assessor_app.store import Store
from tests.specs.fuzz_inputs import damaged_structured, damaged_text
from tests.specs.helpers import row_counts

# A generous deadline: it only catches a hang (the old parser took minutes on one long line).
FUZZ = settings(max_examples=150, deadline=timedelta(seconds=30), derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def _import_or_refuse(store: Store, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    before = row_counts(store)
    try:
        import_paths(store, [path], accept_findings=True)
    except SpecError as exc:
        assert exc.source == str(path)
        assert "\n" not in str(exc) and "Traceback" not in str(exc)
        assert row_counts(store) == before


@FUZZ
@given(data=damaged_text())
def test_damaged_texts_import_or_refuse_cleanly(store: Store, tmp_path: Path, data: bytes) -> None:
    _import_or_refuse(store, tmp_path / "unit.txt", data)


@FUZZ
@given(data=damaged_structured())
def test_damaged_structured_files_import_or_refuse_cleanly(store: Store, tmp_path: Path,
                                                           data: bytes) -> None:
    _import_or_refuse(store, tmp_path / "unit.yaml", data)
