"""Fuzzing database opening (hypothesis, bounded): the demo database with bits flipped (in the
header, in page headers, anywhere), pages zeroed or swapped, the file truncated or replaced by
garbage, run through the CLI. Every file must end as a clear one-line message or a correct run,
never a traceback or a crash report, and a refused file must not be written to."""

from __future__ import annotations

import io
import os
import shutil
from contextlib import closing, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor_app.cli import main
from assessor_app.vault.keys import key_file_path
from tests.hardening.fuzz_counts import FuzzTally
from tests.rawdb import raw_connect

EXAMPLES = int(os.environ.get("ASSESSOR_FUZZ_EXAMPLES", "150"))
PAGE = 4096


@pytest.fixture
def demo_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """The demo database (encrypted at rest) and its key file."""
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "fuzz")
    db = tmp_path / "base" / "demo.sqlite3"
    db.parent.mkdir()
    with redirect_stdout(io.StringIO()):
        assert main(["demo", "--db", str(db)]) == 0
    with closing(raw_connect(db, "fuzz")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.read_bytes(), key_file_path(db).read_bytes()


def _mutations(n: int) -> st.SearchStrategy:
    pages = n // PAGE
    return st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 99), st.integers(0, 7)),  # the file header
        st.tuples(st.just("flip"), st.integers(0, pages - 1).map(lambda p: p * PAGE + 100 * (
            p == 0)), st.integers(0, 7)),  # a page header
        st.tuples(st.just("flip"), st.integers(0, n - 1), st.integers(0, 7)),
        st.tuples(st.just("zero_page"), st.integers(0, pages - 1)),
        st.tuples(st.just("swap_pages"), st.integers(1, pages - 1), st.integers(1, pages - 1)),
        st.tuples(st.just("truncate"), st.integers(0, n - 1)),
        st.tuples(st.just("garbage"), st.binary(min_size=1, max_size=8192)),
        st.tuples(st.just("overwrite"), st.integers(0, n - 1), st.binary(min_size=1,
                                                                          max_size=512)),
    )


def _apply(data: bytes, m: tuple) -> bytes:
    buf = bytearray(data)
    kind = m[0]
    if kind == "flip":
        buf[m[1]] ^= 1 << m[2]
    elif kind == "zero_page":
        buf[m[1] * PAGE:(m[1] + 1) * PAGE] = bytes(PAGE)
    elif kind == "swap_pages":
        a, b = m[1] * PAGE, m[2] * PAGE
        buf[a:a + PAGE], buf[b:b + PAGE] = buf[b:b + PAGE], buf[a:a + PAGE]
    elif kind == "truncate":
        del buf[m[1]:]
    elif kind == "garbage":
        return m[1]
    elif kind == "overwrite":
        buf[m[1]:m[1] + len(m[2])] = m[2]
    return bytes(buf)


def _run(db: Path, command: list[str]) -> tuple[int, str]:
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        code = main([*command, "--db", str(db)])
    return code, err.getvalue()


@pytest.mark.parametrize("command", [["audit", "verify"], ["learner", "list"]])
def test_fuzz_opening_damaged_databases(command: list[str], demo_bytes: tuple[bytes, bytes],
                                        tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    logs = tmp_path / "logs"
    monkeypatch.setenv("ASSESSOR_APP_LOG_DIR", str(logs))
    tally = FuzzTally(f"database open ({' '.join(command)})")
    original, key_file = demo_bytes
    work = tmp_path / "work"

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(m=_mutations(len(original)))
    def check(m: tuple) -> None:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        db = work / "damaged.sqlite3"
        damaged = _apply(original, m)
        db.write_bytes(damaged)
        key_file_path(db).write_bytes(key_file)  # its (intact) key file beside it
        try:
            code, err = _run(db, command)
        except BaseException as exc:  # noqa: BLE001 - SystemExit included: counted, goal 0
            tally.traceback(exc)
            return
        lines = [line for line in err.splitlines() if line.strip()]
        if code == 70 or "Traceback" in err or (logs.exists() and any(logs.iterdir())):
            report = "".join(p.read_text()[-600:] for p in logs.glob("*")) if logs.exists() \
                else err[:300]
            tally.traceback(RuntimeError(f"{m!r}"[:60] + " " + report))
            shutil.rmtree(logs, ignore_errors=True)
            return
        if code == 0:
            tally.accepted()
            return
        assert len(lines) == 1, err  # one line with what happened and what to do
        if db.read_bytes() != damaged:
            tally.wrongly_accepted(f"refused but written to: {m!r}"[:120])
        else:
            tally.clear_error()

    check()
    print(tally.summary())
    tally.save()
    assert tally.counts["tracebacks"] == 0, tally.tracebacks[:5]
    assert tally.counts["wrongly accepted"] == 0, tally.tracebacks[:5]
    assert os.path.exists(work)
