"""Opening the data folder for the GUI: ask for the passphrase when the keyring cannot unlock it
(headless Linux, a new account), and encrypt an older plaintext folder in the background with a
progress dialog (verified before the plaintext is removed; see `assessor_app.vault`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QProgressDialog, QWidget

from assessor_app.gui.support.workers import run_in_background
from assessor_app.store import Store, StoreError, open_store
from assessor_app.store.engine import StoreLocked
from assessor_app.store.paths import resolve_db_path

Ask = Callable[[str], str | None]
STAGES = {"copying database": "Encrypting the database…",
          "encrypting files": "Encrypting attachments and filed ERS PDFs…",
          "verifying": "Checking the encrypted copy…",
          "removing plaintext": "Removing the unencrypted copy…"}


def ask_passphrase(parent: QWidget | None = None) -> Ask:
    def ask(message: str) -> str | None:
        text, ok = QInputDialog.getText(parent, "Unlock learners' data", message,
                                        QLineEdit.EchoMode.Password)
        return text if ok and text else None

    return ask


def open_store_for_gui(db: str | Path | None = None, *, parent: QWidget | None = None,
                       ask: Ask | None = None) -> Store | None:
    """The open store, or None when the assessor cancelled the passphrase prompt."""
    from assessor_app.vault.encrypt_existing import needs_encryption

    ask = ask or ask_passphrase(parent)
    passphrase: str | None = None
    while True:
        try:
            if needs_encryption(resolve_db_path(db)):
                store = _encrypt_with_progress(db, passphrase, parent)
                store.typed_passphrase = passphrase
                return store
            store = open_store(db, passphrase=passphrase)
            store.typed_passphrase = passphrase  # in memory only: the demo window reuses it
            return store
        except StoreLocked as exc:
            message = str(exc)
        except StoreError as exc:
            if passphrase is None or "passphrase" not in str(exc):
                raise
            message = f"{exc}\n\nEnter your passphrase:"
        passphrase = ask(message)
        if passphrase is None:
            return None


def _encrypt_with_progress(db: str | Path | None, passphrase: str | None,
                           parent: QWidget | None) -> Store:
    from assessor_app.vault.unlock import unlock

    try:  # unlocking first, on this thread, so a missing passphrase can still be asked for
        unlock(resolve_db_path(db), passphrase)
    except Exception as exc:
        from assessor_app.vault.errors import VaultLocked

        if isinstance(exc, VaultLocked):
            raise StoreLocked(str(exc)) from exc
        raise
    dialog = QProgressDialog("Protecting learners' data: encrypting it on this computer…",
                             "", 0, 100, parent)
    dialog.setWindowTitle("Encrypting your data")
    dialog.setCancelButton(None)  # stopping half-way is safe, but it would only start again
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def work(progress: Callable[[int, str], None]) -> Store:
        def report(stage: str, done: int, total: int) -> None:
            progress(int(100 * done / total) if total else 0, STAGES.get(stage, stage))

        return open_store(db, passphrase=passphrase, progress=report)

    def on_progress(percent: int, text: str) -> None:
        dialog.setValue(percent)
        dialog.setLabelText(text)

    def finish(key: str, value: object) -> None:
        outcome[key] = value
        loop.quit()

    run_in_background(work, on_done=lambda s: finish("store", s),
                      on_error=lambda m: finish("error", m), on_progress=on_progress)
    loop.exec()
    dialog.close()
    if "error" in outcome:
        raise StoreError(f"Your data could not be encrypted: {outcome['error']} Nothing was "
                         "lost; the unencrypted copy was kept.")
    store = outcome["store"]
    assert isinstance(store, Store)
    return store
