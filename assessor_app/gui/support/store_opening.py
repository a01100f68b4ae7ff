"""Opening the data folder for the GUI: ask for the passphrase when the keyring cannot unlock it
(headless Linux, a new account), and encrypt an older plaintext folder in the background with a
progress dialog (verified before the plaintext is removed; see `assessor_app.vault`).

At start-up the main window is shown first and `StoreOpener` opens the store on a pool thread
(the key unwrapping, the schema check and the learner list, all without the ORM: `listed`),
then wires the core and loads the modules the open window needs on a pool thread too
(`opened`), still without the ORM: nothing of that runs before the first paint or on the UI
thread, and SQLAlchemy, SQLModel and pydantic load only when a command first needs them
(`gui.screens.visit_page`); `open_store_for_gui` is the same loop run to the end on the calling
thread (tests, and the demo window).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QProgressDialog, QWidget

from assessor_app.gui.support.workers import run_in_background
from assessor_app.store.errors import StoreError, StoreLocked
from assessor_app.store.paths import resolve_db_path

if TYPE_CHECKING:
    from assessor_app.evidence.learner_list import LearnerSummary
    from assessor_app.store import Store
    from assessor_app.vault.keys import DataKey

log = logging.getLogger(__name__)
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
    from assessor_app.store import open_store
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
        except StoreError as exc:
            message = _passphrase_question(exc, passphrase)
            if message is None:
                raise
        passphrase = ask(message)
        if passphrase is None:
            return None


def _passphrase_question(exc: StoreError, passphrase: str | None) -> str | None:
    """What to ask when `exc` means the passphrase is needed (or was wrong), else None."""
    if isinstance(exc, StoreLocked):
        return str(exc)
    if passphrase is not None and "passphrase" in str(exc):
        return f"{exc}\n\nEnter your passphrase:"
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
        from assessor_app.store import open_store

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
    return store  # type: ignore[return-value]


#: Imported on a pool thread once the learners are listed, so the UI thread finds them loaded
#: when it builds the parts of the window that work on the store (`MainWindow.attach_store`)
#: and reads the learner's page. None brings the ORM (tests/gui/test_startup_imports.py).
OPEN_WINDOW_MODULES = (
    "assessor_app.signoff.queries",
    "assessor_app.gui.screens.sync_status",
    "assessor_app.gui.widgets.backup_warning",
    "assessor_app.backup.status",
    "assessor_app.gui.support.error_boundary",
    "assessor_app.gui.support.lock",
    "assessor_app.gui.dialogs.first_run",
    "assessor_app.vault.unlock",
)


@dataclass
class Opening:
    """What one background attempt came to: the store, or the reason it is not open yet."""

    store: Store | None = None
    error: BaseException | None = None
    needs_encryption: bool = False
    learners: list[LearnerSummary] | None = None  # read at once, for the first screen


def open_in_background(db: str | Path | None, passphrase: str | None, first: bool) -> Opening:
    """Pool thread: unwrap the key (an encrypted database) or check the file (a plaintext one,
    first attempt), open the store and read the learner list, all without the ORM (a database
    not yet at the current schema loads it to migrate). Failures are returned, not raised, so
    the UI can ask or explain."""
    try:
        key = _unwrap_key(db, passphrase)  # before anything else loads (see _unwrap_key)
        if first and key is None:
            from assessor_app.store.engine import check_before_opening

            check_before_opening(db)  # before the GUI offers to encrypt a plaintext file
        from assessor_app.vault.encrypt_existing import needs_encryption

        if needs_encryption(resolve_db_path(db)):
            return Opening(needs_encryption=True)  # with a progress dialog, on the UI side
        from assessor_app.store import open_store

        store = open_store(db, passphrase=passphrase, key=key)
        store.typed_passphrase = passphrase  # in memory only: the demo window reuses it
    except Exception as exc:  # noqa: BLE001 - handed to the UI thread, which asks or explains
        return Opening(error=exc)
    return Opening(store=store, learners=_first_learners(store))


def prepare_window(preload: tuple[str, ...] = OPEN_WINDOW_MODULES) -> None:
    """Pool thread, once the learners are listed: wire the core's listeners (before anything
    can write: the window's commands wait for `opened`) and load the modules the open window
    needs (not the ORM)."""
    from assessor_app.workflow.wiring import install

    install()
    for name in preload:
        importlib.import_module(name)


def _first_learners(store: Store) -> list[LearnerSummary] | None:
    """The learner list for the first screen, or None if it cannot be read here (the learner
    panel then reads it itself, and says why if that fails too)."""
    from assessor_app.evidence.learner_list import list_learners

    try:
        return list_learners(store)
    except Exception:  # noqa: BLE001 - read again by the panel, which reports the failure
        log.exception("reading the learner list while opening")
        return None


def _unwrap_key(db: str | Path | None, passphrase: str | None) -> DataKey | None:
    """The data key of an existing encrypted database, unwrapped before the ORM is imported: the
    passphrase's key derivation (scrypt) takes 32 MiB for a moment, which then does not come on
    top of the ORM's memory. None for a new database (`open_store` makes its key under its lock).
    Failures read as `open_store`'s do."""
    from assessor_app.vault.errors import VaultError, VaultLocked
    from assessor_app.vault.keys import key_file_path
    from assessor_app.vault.unlock import unlock

    path = resolve_db_path(db)
    if not key_file_path(path).exists():
        return None
    try:
        return unlock(path, passphrase)
    except VaultLocked as exc:
        raise StoreLocked(str(exc)) from exc
    except VaultError as exc:
        raise StoreError(f"Cannot open the database {path}: {exc}") from exc


class StoreOpener(QObject):
    """Opens the window's store off the UI thread: asks for the passphrase when the keyring
    cannot unlock it (then tries again), encrypts an older plaintext folder with a progress
    dialog, says `listed(store)` once the store is open and its learners read (`learners`), and
    ends in `opened(store)` (the modules of the open window loaded), `cancelled()` or
    `failed(exception or sentence)`."""

    listed = Signal(object)
    opened = Signal(object)
    cancelled = Signal()
    failed = Signal(object)  # the exception (or a sentence) to explain in a dialog

    def __init__(self, db: str | Path | None, parent: QWidget, ask: Ask | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._parent = parent
        self._ask = ask or ask_passphrase(parent)
        self._passphrase: str | None = None
        self.store: Store | None = None  # once opened (the caller closes it at the end)
        self.learners: list[LearnerSummary] | None = None  # read with it, for the first screen
        self.pending = False

    def start(self, first: bool = True) -> None:
        self.pending = True
        db, passphrase = self._db, self._passphrase

        def attempt() -> Opening:
            outcome = open_in_background(db, passphrase, first)
            # kept at once (not when the UI hears of it): if the app ends before then, it is
            # still closed at the end
            self.store = outcome.store or self.store
            return outcome

        run_in_background(attempt, on_done=self._arrived, on_error=self._failed_message)

    def _arrived(self, outcome: Opening) -> None:
        if outcome.store is not None:
            store = outcome.store
            self.store, self.learners = store, outcome.learners
            self.listed.emit(store)
            run_in_background(prepare_window, on_done=lambda _none: self._prepared(store),
                              on_error=self._failed_message)
        elif outcome.needs_encryption:
            self._encrypt()
        else:
            assert outcome.error is not None
            self._refused(outcome.error)

    def _prepared(self, store: Store) -> None:
        self.pending = False
        self.opened.emit(store)

    def _refused(self, exc: BaseException) -> None:
        question = _passphrase_question(exc, self._passphrase) if isinstance(
            exc, StoreError) else None
        if question is None:
            self._explain(exc)
            return
        self._passphrase = self._ask(question)
        if self._passphrase is None:
            self.pending = False
            self.cancelled.emit()
        else:
            self.start(first=False)

    def _encrypt(self) -> None:
        try:
            store = _encrypt_with_progress(self._db, self._passphrase, self._parent)
        except Exception as exc:  # noqa: BLE001 - asked about, or explained in a dialog
            self._refused(exc)
            return
        store.typed_passphrase = self._passphrase
        self._arrived(Opening(store=store))

    def _explain(self, exc: BaseException) -> None:
        self.pending = False
        self.failed.emit(exc)

    def _failed_message(self, message: str) -> None:
        """A failure outside the attempt itself (importing a module), in plain words. The store,
        if open, is closed with the app (`gui.app.run_gui`)."""
        self.pending = False
        self.failed.emit(message)
