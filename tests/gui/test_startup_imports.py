"""The desktop app's start-up imports only what the first window needs. Up to the first paint of
the main window: no ORM (SQLAlchemy, SQLModel, pydantic), no HTTP client (httpx, httptools), no
keyring and no cryptography; the keyring and cryptography load on a pool thread while the window
says "Opening records…". Up to the learners being listed: still no PDF signing (pyHanko), PDF
rendering (ReportLab) or migrations (Alembic, for a database already current); those load when
first used. Up to the first learner's page being shown: still no ORM, which loads when a visit
(or coverage, a sign-off, a dialog) first needs it. Checked in a fresh process through the real
entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor_app.demo.builder import DEMO_NAME, build_demo
from assessor_app.evidence.learners import add_learner
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.specs.bootstrap import ensure_bundled_specs
from assessor_app.store import open_store

HEAVY = ("pyhanko", "reportlab", "alembic")
NOT_BEFORE_PAINT = (*HEAVY, "sqlalchemy", "sqlmodel", "pydantic", "httpx", "httptools",
                    "keyring", "cryptography")
PASSPHRASE = "start-up test passphrase"  # the child process unlocks the database with it

# What both child scripts start with: an app, and a way to find its main window once shown.
CHILD_START = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
seen = {}

def main_window():
    return next((w for w in app.topLevelWidgets()
                 if w.objectName() == "mainWindow" and w.isVisible()), None)
"""

START_AND_QUIT = CHILD_START + """
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


PAGE_THEN_VISIT = CHILD_START + """
def wait(ready, then):
    w = main_window()
    if w is not None and ready(w):
        then(w)
    else:
        QTimer.singleShot(5, lambda: wait(ready, then))

def page_shown(w):  # the learner's page filled, nothing left loading
    seen["at_page"] = sorted(sys.modules)
    seen["learner"] = w.overview.learner.name
    seen["units"] = len(w.overview.coverage.units)
    seen["signed"] = [s.status for s in w.overview.signoffs.values()]
    visit_id = seen["visit_id"] = w.overview.visits[-1].visit.id
    w.open_visit(visit_id)  # as a double-click on it does
    wait(lambda w: w.visit_screen is not None and w.visit_screen.visit_id == visit_id
         and not w.busy, visit_open)

def visit_open(w):
    seen["opened"] = w.pages.currentWidget() is w.visit_screen
    w.close()

QTimer.singleShot(0, lambda: wait(lambda w: w.store is not None and w.overview is not None
                                  and not w.busy, page_shown))
from assessor_app.cli import main
status = main(["--db", sys.argv[1]])
print(json.dumps({"status": status, "loaded": sorted(sys.modules), **seen}))
"""


def _start(db: Path, script: str = START_AND_QUIT) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSOR_APP_NO_DEMO_PROMPT": "1",
           "ASSESSOR_APP_KEY_PASSPHRASE": PASSPHRASE}
    out = subprocess.run([sys.executable, "-c", script, str(db)], env=env,
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
    # …and the key's cryptography did load afterwards, for the database (the check can see
    # it; the ORM, which the learner's page does not need, see below)
    assert "cryptography" in set(result["loaded"])


def test_the_learners_are_listed_before_the_orm_loads(tmp_path: Path) -> None:
    """The learner list (with its progress) is read through plain SQLCipher: when it is filled,
    SQLAlchemy, SQLModel and pydantic are not loaded yet (nor for the learner's page: see
    `test_the_learners_page_shows_before_the_orm_loads`)."""
    db = tmp_path / "current.sqlite3"
    store = open_store(db, passphrase=PASSPHRASE)
    add_learner(store, "Ann First", "R-1")
    store.close()
    result = _start(db)
    assert result["status"] == 0 and result["listed_count"] == 1
    at_listed = set(result["at_listed"])
    assert "assessor_app.evidence.learner_list" in at_listed
    assert {"sqlalchemy", "sqlmodel", "pydantic", "alembic"} & at_listed == set()


def test_the_check_sees_a_heavy_import(tmp_path: Path) -> None:
    """The same probe notices when start-up does pull one in (here: a new file, which the
    migration to head creates through Alembic)."""
    result = _start(tmp_path / "new.sqlite3")
    assert "alembic" in result["loaded"]


def test_the_learners_page_shows_before_the_orm_loads(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The learner's page (details, coverage, visits, where each sign-off stands), the sync
    indicator and the backup note read through plain SQLCipher too: once the page is shown with
    nothing left loading, SQLAlchemy, SQLModel and pydantic are still not loaded. Opening a visit
    loads them (so the check can see them)."""
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", PASSPHRASE)  # the demo's signing key
    db = tmp_path / "demo.sqlite3"
    store = open_store(db, passphrase=PASSPHRASE)
    ensure_bundled_specs(store)
    demo = build_demo(store, load_or_create_identity)
    store.close()
    assert demo is not None and demo.signoff_id is not None
    result = _start(db, PAGE_THEN_VISIT)
    assert result["status"] == 0
    assert result["learner"] == DEMO_NAME and result["units"] >= 1
    assert "signed" in result["signed"]  # the demo's signed unit, read without the ORM
    at_page = set(result["at_page"])
    assert {"assessor_app.signoff.queries", "assessor_app.gui.screens.sync_status",
            "assessor_app.backup.status"} <= at_page
    assert {m for m in ("sqlalchemy", "sqlmodel", "pydantic", *HEAVY) if m in at_page} == set()
    assert result["opened"]
    assert {"sqlalchemy", "sqlmodel", "assessor_app.gui.screens.visit_screen"} <= set(
        result["loaded"])
