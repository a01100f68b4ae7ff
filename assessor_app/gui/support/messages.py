"""Plain-English error messages: a message box, or an inline banner that does not interrupt typing.

Nothing here shows a traceback to the user; the traceback goes to the log instead.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QToolButton, QWidget

from assessor_app.gui.support import theme
from assessor_app.store.errors import is_constraint_clash, is_database_busy
from assessor_app.store.failures import describe_failure

log = logging.getLogger(__name__)

GENERIC = ("Something went wrong ({kind}). What you had typed is kept; try again, and if it keeps "
           "happening, restart the app.")


def friendly_error(exc: BaseException) -> str:
    """A sentence a user can act on. Core errors meant for users carry their own message."""
    user_message = getattr(exc, "user_message", None)
    if isinstance(user_message, str) and user_message:
        return user_message
    if _is_core_error(exc) and str(exc):
        return str(exc)  # the core's refusals are written for the assessor already
    sync_message = _sync_setup_message(exc)
    if sync_message:
        return sync_message
    if isinstance(exc, FileNotFoundError):
        name = exc.filename or "The file"
        return f"{name} could not be found. It may have been moved, renamed or deleted."
    if isinstance(exc, PermissionError):
        return f"The app is not allowed to open {exc.filename or 'that file'}. Check its permissions."
    if isinstance(exc, IsADirectoryError):
        return "That is a folder, not a file. Choose a file instead."
    if is_database_busy(exc):
        return "The database is busy with another task. Wait a moment and try again."
    if is_constraint_clash(exc):
        return "That change clashes with something already recorded (for example a duplicate)."
    described = describe_failure(exc)  # full disk, no permission, a damaged database, …
    if described is not None:
        return described
    # Core modules raise ValueError/LookupError subclasses with messages written for people.
    if isinstance(exc, (ValueError, LookupError, PermissionError)) and str(exc):
        text = str(exc).strip().strip("'\"")
        return text[0].upper() + text[1:] if text else GENERIC.format(kind=type(exc).__name__)
    return GENERIC.format(kind=type(exc).__name__)


def _is_core_error(exc: BaseException) -> bool:
    """Exceptions whose text the core writes for the assessor (plain English, what to do next)."""
    from assessor_app.evidence.errors import EvidenceError
    from assessor_app.secrets import SecretStoreUnavailable
    from assessor_app.signoff.errors import SignOffError
    from assessor_app.signoff.keys import KeyStoreError
    from assessor_app.store.engine import StoreError
    from assessor_app.sync.bundle_export import BundleExportError
    from assessor_app.vault.errors import VaultError

    return isinstance(exc, (EvidenceError, SignOffError, KeyStoreError, BundleExportError,
                            SecretStoreUnavailable, StoreError, VaultError))


#: The sync core words these two for the command line; in the app the fix is in a menu.
SYNC_NOT_SET_UP = ("Sync is not set up yet: open File ▸ Sync settings…, enter the centre's "
                   "server address, your username and password, then press Sync now (F9).")
SYNC_PASSWORD_MISSING = ("No sync password is stored on this computer: open File ▸ Sync "
                         "settings…, enter the password or app token again, then press Sync "
                         "now (F9).")


def _sync_setup_message(exc: BaseException) -> str:
    from assessor_app.sync.errors import NotConfigured, PasswordMissing

    if isinstance(exc, NotConfigured):
        return SYNC_NOT_SET_UP
    if isinstance(exc, PasswordMissing):
        return SYNC_PASSWORD_MISSING
    return ""


def show_error(parent: QWidget | None, title: str, error: BaseException | str) -> None:
    """A modal message box; for problems the user must acknowledge before going on."""
    text = error if isinstance(error, str) else friendly_error(error)
    if isinstance(error, BaseException):
        log.error("%s: %s", title, error, exc_info=error)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open() if parent is not None else box.exec()


class Banner(QFrame):
    """A slim inline bar for messages that should not steal focus (e.g. an attachment refused)."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss this message")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._hide_timer = QTimer(self, singleShot=True, timeout=self.dismiss)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "error", timeout_ms: int = 0) -> None:
        """kind: "error", "warning" or "info". Info messages may hide themselves after a while."""
        self.kind = kind
        symbol = {"error": "⚠", "warning": "⚠", "info": "ℹ"}.get(kind, "")
        self.label.setText(f"{symbol}  {text}")
        self.setPalette(theme.banner_palette(self.palette(), kind))
        self.show()
        if timeout_ms:
            self._hide_timer.start(timeout_ms)

    def show_error(self, error: BaseException | str) -> None:
        if isinstance(error, BaseException):
            log.error("shown in banner: %s", error, exc_info=error)
            error = friendly_error(error)
        self.show_message(error, "error")

    def text(self) -> str:
        return self.label.text().split("  ", 1)[-1]

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()
