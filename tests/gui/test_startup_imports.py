"""The desktop app's start-up imports only what the first window needs: PDF signing (pyHanko),
PDF rendering (ReportLab) and migrations (Alembic, for a database already current) load later,
when first used. Checked in a fresh process through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assessor_app.store import open_store

HEAVY = ("pyhanko", "reportlab", "alembic")
PASSPHRASE = "start-up test passphrase"  # the child process unlocks the database with it

START_AND_QUIT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QTimer.singleShot(0, app.quit)  # once the main window is up and the event loop runs
from assessor_app.cli import main
status = main(["--db", sys.argv[1]])
print(json.dumps({"status": status, "loaded": sorted(sys.modules)}))
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
    loaded = set(result["loaded"])
    assert "assessor_app.gui.screens.main_window" in loaded  # the window really started
    assert {m for m in HEAVY if m in loaded} == set()


def test_the_check_sees_a_heavy_import(tmp_path: Path) -> None:
    """The same probe notices when start-up does pull one in (here: a new file, which the
    migration to head creates through Alembic)."""
    result = _start(tmp_path / "new.sqlite3")
    assert "alembic" in result["loaded"]
