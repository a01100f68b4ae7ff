"""Opening a database that is already current must not load Alembic (start-up time and memory),
and the app must not build every area's command-line parser just to open the desktop app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from assessor_app.cli import _gui_args
from assessor_app.store import open_store
from assessor_app.store.engine import alembic_config, head_revision, stored_revision
from assessor_app.store.errors import DamagedDatabase
from assessor_app.vault.keys import new_data_key

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "start-up test passphrase"  # the child process unlocks the database with it


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE}
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(*sorted(sys.modules))"],
                         capture_output=True, text=True, check=True, cwd=REPO, env=env)
    return set(out.stdout.split())


def test_head_read_from_the_files_is_alembics_head(store) -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config(store.engine)) \
        .get_current_head()
    assert stored_revision(store.engine) == head_revision()


def test_opening_a_current_file_does_not_import_alembic(tmp_path: Path) -> None:
    db = tmp_path / "current.sqlite3"
    open_store(db, passphrase=PASSPHRASE).close()  # created and migrated here
    loaded = _modules_after(f"from assessor_app.store import open_store\n"
                            f"open_store({str(db)!r}).close()")
    assert "assessor_app.store.engine" in loaded
    assert "alembic" not in loaded
    # A new file still gets its schema (through Alembic).
    fresh = tmp_path / "fresh.sqlite3"
    loaded = _modules_after(f"from assessor_app.store import open_store\n"
                            f"s = open_store({str(fresh)!r})\n"
                            f"from assessor_app.store.engine import stored_revision\n"
                            f"assert stored_revision(s.engine) is not None")
    assert "alembic" in loaded


def test_gui_arguments_skip_the_subcommand_parsers() -> None:
    assert _gui_args([]) is not None
    assert getattr(_gui_args(["gui", "--db", "x.sqlite3"]), "db", None) == "x.sqlite3"
    assert getattr(_gui_args(["--db", "y.sqlite3"]), "db", None) == "y.sqlite3"
    assert _gui_args(["evidence", "list"]) is None
    assert _gui_args(["--version"]) is None
    loaded = _modules_after("from assessor_app.cli import _gui_args\n_gui_args([])")
    heavy = {"pyhanko", "reportlab", "alembic", "assessor_app.evidence.cli",
             "assessor_app.ers.cli", "assessor_app.sync.cli"}
    assert heavy.isdisjoint(loaded)


def test_a_current_file_opens_without_the_orm_until_a_session_is_asked_for(
        tmp_path: Path) -> None:
    db = tmp_path / "current.sqlite3"
    open_store(db, passphrase=PASSPHRASE).close()
    probe = ("import sys\nfrom assessor_app.store import open_store\n"
             "from assessor_app.store.raw import read_only\n"
             f"s = open_store({str(db)!r})\n"
             "with read_only(s) as conn:\n"
             "    assert conn.execute('SELECT count(*) FROM learner').fetchone() == (0,)\n"
             "assert s._engine is None and 'sqlalchemy' not in sys.modules\n"
             "print('OPENED', *sorted(sys.modules))\n"
             "with s.session() as session:\n"
             "    session.connection()\n"
             "s.close()")
    loaded = _modules_after(probe)
    assert "OPENED" in loaded
    assert {"sqlalchemy", "sqlmodel", "pydantic"} <= loaded  # the session loaded them


def test_a_wrong_key_is_refused_by_the_orm_free_check(tmp_path: Path) -> None:
    """The schema check reads through plain SQLCipher: a key that does not open the file is
    refused as before (a damaged or foreign file), without loading the ORM to say so."""
    db = tmp_path / "current.sqlite3"
    open_store(db, passphrase=PASSPHRASE).close()
    with pytest.raises(DamagedDatabase, match="file is not a database"):
        open_store(db, key=new_data_key())
