"""The GUI opens an older, plaintext data folder by encrypting it in the background with a
progress dialog, and asks for the passphrase when the keyring cannot unlock the data."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from assessor_app.gui.support.store_opening import open_store_for_gui
from assessor_app.vault.dbfile import is_plaintext_sqlite
from tests.vault.helpers import PASSPHRASE, make_plaintext_folder, row_counts


def test_plaintext_folder_is_encrypted_with_progress(qtbot, tmp_path: Path,  # noqa: ANN001
                                                     memory_keyring) -> None:  # noqa: ANN001
    db = tmp_path / "old" / "assessor.sqlite3"
    old = make_plaintext_folder(db, extra_photos=3)
    expected = row_counts(old)
    old.close()
    asked: list[str] = []
    labels: list[str] = []

    def watch() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QProgressDialog) and w.isVisible():
                labels.append(w.labelText())
        QTimer.singleShot(5, watch)

    QTimer.singleShot(0, watch)
    store = open_store_for_gui(db, ask=lambda message: asked.append(message) or PASSPHRASE)
    assert store is not None and store.encrypted
    assert asked == []  # the keyring holds the new data key: nothing to type
    assert not is_plaintext_sqlite(db)
    assert row_counts(store) == expected
    assert labels  # the progress dialog was up while it worked
    store.close()


def test_cancelled_prompt_opens_nothing(tmp_path: Path, memory_keyring, qtbot) -> None:  # noqa: ANN001
    from assessor_app.store import open_store

    db = tmp_path / "d" / "assessor.sqlite3"
    open_store(db, passphrase="the real one").close()
    memory_keyring.secrets.clear()
    answers = iter(["a wrong guess", None])
    asked: list[str] = []
    store = open_store_for_gui(db, ask=lambda m: asked.append(m) or next(answers))
    assert store is None
    assert "does not open" in asked[1]
