"""What can go wrong talking to the centre, sorted into 'try again later' and 'the user must act'.

Every error carries a sentence for the assessor (what happened, what to do) and a technical detail
for support. Messages never contain learners' names or registration numbers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx loads when a sync or probe runs, not with the window's status bar
    import httpx


class ErrorScope(StrEnum):
    ITEM = "item"  # only this file is affected; carry on with the others
    RUN = "run"  # every request will fail the same way; stop the run


class SyncError(Exception):
    """A failure with a user-facing message; `permanent` ones wait for the user to fix something."""

    def __init__(
        self,
        user_message: str,
        detail: str = "",
        *,
        permanent: bool,
        scope: ErrorScope = ErrorScope.ITEM,
        status: int | None = None,
    ) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail or user_message
        self.permanent = permanent
        self.scope = scope
        self.status = status


class SyncCancelled(Exception):
    """The user (or the app shutting down) asked the run to stop."""


class NotConfigured(Exception):
    """No WebDAV settings stored yet."""


class PasswordMissing(Exception):
    """No password in the keyring and none in the environment."""


AUTH_MESSAGE = (
    "The centre's server refused the login: check your username/password or app token "
    "in the sync settings, then press Sync now."
)
STORAGE_FULL_MESSAGE = (
    "The centre's storage is full; contact the centre. Your files stay safely in the outbox "
    "and will be sent when there is room."
)
STALLED_MESSAGE = (
    "The centre's server stopped answering (it accepted the connection, then said nothing). "
    "Files stay in the outbox and will be sent automatically later; if this keeps happening, "
    "tell the centre."
)
UNREACHABLE_MESSAGE = (
    "The centre's server cannot be reached (offline or the server is down). Files stay in the "
    "outbox and will be sent automatically when the connection is back."
)
SERVER_ERROR_MESSAGE = (
    "The centre's server had a temporary problem. The file will be retried automatically."
)
TLS_MESSAGE = (
    "The centre's server certificate could not be verified. If the centre uses its own "
    "certificate authority, set its CA bundle in the sync settings; otherwise contact the centre."
)


def error_for_status(status: int, method: str, detail: str = "") -> SyncError:
    """Classify an unexpected HTTP status for `method` on a file or folder."""
    what = f"{method} answered HTTP {status}" + (f": {detail}" if detail else "")
    if status in (401, 403):
        return SyncError(AUTH_MESSAGE, what, permanent=True, scope=ErrorScope.RUN, status=status)
    if status == 507:
        return SyncError(
            STORAGE_FULL_MESSAGE, what, permanent=True, scope=ErrorScope.RUN, status=status
        )
    if status in (408, 425, 429) or status >= 500:
        return SyncError(SERVER_ERROR_MESSAGE, what, permanent=False, status=status)
    if status == 409:
        msg = (
            "The centre's server would not create a folder for this file (HTTP 409). Check the "
            "remote folder layout in the sync settings, or ask the centre whether the folder exists."
        )
        return SyncError(msg, what, permanent=True, status=status)
    if status == 423:
        msg = (
            "The file is locked on the centre's server (someone has it open). It will be "
            "retried; if it persists, ask the centre to close it."
        )
        return SyncError(msg, what, permanent=False, status=status)
    msg = (
        f"The centre's server refused this file (HTTP {status}). Check the server address and "
        "folder layout in the sync settings; if they look right, contact the centre."
    )
    return SyncError(msg, what, permanent=True, status=status)


def error_for_transport(exc: httpx.TransportError) -> SyncError:
    """Connection problems are transient, except a certificate the user has to sort out."""
    import httpx

    text = f"{exc.__class__.__name__}: {exc}"
    if isinstance(exc, httpx.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return SyncError(TLS_MESSAGE, text, permanent=True, scope=ErrorScope.RUN)
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return SyncError(STALLED_MESSAGE, text, permanent=False, scope=ErrorScope.RUN)
    return SyncError(UNREACHABLE_MESSAGE, text, permanent=False, scope=ErrorScope.RUN)
