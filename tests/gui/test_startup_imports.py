"""The desktop app's start-up imports only what the first window needs. Up to the first paint of
the main window: no ORM (SQLAlchemy, SQLModel, pydantic), no HTTP client (httpx, httptools), no
keyring and no cryptography; those load on a pool thread while the window says "Opening records…". Up to the
learners being listed: still no PDF signing (pyHanko), PDF rendering (ReportLab) or migrations
(Alembic, for a database already current); those load when first used. Checked in a fresh
process through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assessor_app.evidence.learners import add_learner
from assessor_app.store import open_store

HEAVY = ("pyhanko", "reportlab", "alembic")
NOT_BEFORE_PAINT = (*HEAVY, "sqlalchemy", "sqlmodel", "pydantic", "httpx", "httptools",
                    "keyring", "cryptography")
PASSPHRASE = "start-up test passphrase"  # the child process unlocks the database with it

START_AND_QUIT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
seen = {}

def main_window():
    return next((w for w in app.topLevelWidgets()
                 if w.objectName() == "mainWindow" and w.isVisible()), None)

def on_listed():  # the learner list has just been filled
    if "at_listed" not in seen:
        seen["at_listed"] = sorted(sys.modules)
        seen["listed_count"] = main_window().learner_panel.learner_model.total()

def first_paint():  # the first turn of the event loop, once the main window is shown
    w = main_window()
    if w is not None:
        w.learner_panel.learner_model.loaded.connect(on_listed)
    seen["shown"] = w is not None
    seen["learner_text"] = w.learner_panel.learner_count.text() if w else None
    seen["at_paint"] = sorted(sys.modules)
    wait_for_learners()

def wait_for_learners():
    w = main_window()
    if w is not None and w.store is not None and not w.learner_panel.busy:
        seen["learners"] = w.learner_panel.learner_model.total()
        w.close()  # the last window: the app ends
    else:
        QTimer.singleShot(5, wait_for_learners)

QTimer.singleShot(0, first_paint)
from assessor_app.cli import main
status = main(["--db", sys.argv[1]])
print(json.dumps({"status": status, "loaded": sorted(sys.modules), **seen}))
"""


def _start(db: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSOR_APP_NO_DEMO_PROMPT": "1",
           "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE}
    out = subprocess.run([sys.executable, "-c", START_AND_QUIT, str(db)], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_start_up_imports_no_pdf_signing_rendering_or_migrations(tmp_path: Path) -> None:
    db = tmp_path / "current.sqlite3"
    open_store(db, passphrase=PASSPHRASE).close()  # an existing, current database
    result = _start(db)
    assert result["status"] == 0
    assert result["learners"] == 0  # the window really opened the database and listed them
    loaded = set(result["loaded"])
    assert "assessor_app.gui.screens.main_window" in loaded
    assert {m for m in HEAVY if m in loaded} == set()


def test_the_first_paint_comes_before_the_orm_http_and_keyring(tmp_path: Path) -> None:
    db = tmp_path / "current.sqlite3"
    open_store(db, passphrase=PASSPHRASE).close()
    result = _start(db)
    assert result["shown"] and result["learner_text"] == "Opening records…"
    at_paint = set(result["at_paint"])
    assert "assessor_app.gui.screens.main_window" in at_paint
    assert {m for m in NOT_BEFORE_PAINT if m in at_paint} == set()
    # …and they did load afterwards, for the database (the check can see them)
    assert {"sqlalchemy", "sqlmodel", "cryptography"} <= set(result["loaded"])


def test_the_learners_are_listed_before_the_orm_loads(tmp_path: Path) -> None:
    """The learner list (with its progress) is read through plain SQLCipher: when it is filled,
    SQLAlchemy, SQLModel and pydantic are not loaded yet; they load afterwards for the rest of
    the window (the learner's page, visits, sync)."""
    db = tmp_path / "current.sqlite3"
    store = open_store(db, passphrase=PASSPHRASE)
    add_learner(store, "Ann First", "R-1")
    store.close()
    result = _start(db)
    assert result["status"] == 0 and result["listed_count"] == 1
    at_listed = set(result["at_listed"])
    assert "assessor_app.evidence.learner_list" in at_listed
    assert {"sqlalchemy", "sqlmodel", "pydantic", "alembic"} & at_listed == set()
    assert {"sqlalchemy", "sqlmodel"} <= set(result["loaded"])


def test_the_check_sees_a_heavy_import(tmp_path: Path) -> None:
    """The same probe notices when start-up does pull one in (here: a new file, which the
    migration to head creates through Alembic)."""
    result = _start(tmp_path / "new.sqlite3")
    assert "alembic" in result["loaded"]
