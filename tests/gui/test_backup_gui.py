"""Settings ▸ Backup backs up to a folder and shows the time; the status bar warns when a day of
changes is not backed up, and the warning goes once a backup is made."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from assessor_app.backup.run import backup_run
from assessor_app.backup.targets import FolderTarget
from assessor_app.evidence import add_learner
from assessor_app.gui.dialogs.settings_dialog import SettingsDialog
from assessor_app.gui.widgets.backup_warning import BackupWarning
from assessor_app.store import Store
from tests.gui.conftest import WAIT_MS, click


def test_backup_page_backs_up_to_a_folder(qtbot: QtBot, store: Store, app_settings,  # noqa: ANN001
                                          tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    add_learner(store, "Page Person", "PG-1")
    dlg = SettingsDialog(app_settings, None, store)
    qtbot.addWidget(dlg)
    page = dlg.backup_page
    qtbot.waitUntil(lambda: "never" in page.last.text(), timeout=WAIT_MS)
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr("assessor_app.gui.widgets.backup_page.QFileDialog.getExistingDirectory",
                        lambda *a, **k: str(usb))
    dlg.show()
    click(page.to_folder)
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    assert "Backed up" in page.result.text(), page.result.text()
    qtbot.waitUntil(lambda: "never" not in page.last.text(), timeout=WAIT_MS)
    assert list((usb / "manifests").iterdir())
    dlg.lock_minutes.setValue(9)
    dlg.accept()
    assert app_settings.lock_idle_minutes == 9


def test_status_bar_warns_until_backed_up(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    add_learner(store, "Old Change", "OC-1")
    with store.session() as s:  # the change was made two days ago
        s.exec(text("UPDATE learner SET created_at = datetime('now', '-2 days')"))
    warning = BackupWarning(store)
    qtbot.addWidget(warning)
    qtbot.waitUntil(lambda: warning.text() != "", timeout=WAIT_MS)
    assert "over a day" in warning.text()
    backup_run(store, FolderTarget(tmp_path / "usb"))
    warning.refresh()
    qtbot.waitUntil(lambda: warning.text() == "", timeout=WAIT_MS)
