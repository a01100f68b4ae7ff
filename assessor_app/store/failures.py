"""What the CLI and the GUI say when something fails: the shared half of both error boundaries.

`describe_failure(exc)` turns an *expected* failure (a damaged or foreign database, a full disk,
a permission problem, a lock held too long, no keyring…) into one sentence that says what to do
next. Anything else is a bug: `write_crash_report(exc)` writes what a developer needs to find it
to the log folder and returns the file's path, so the user can be told where it is.

A crash report holds no personal data: only exception *types* and code locations (file, line,
function) — never exception messages, local variables or command-line arguments, which can
quote learners' names or registration numbers.
"""

from __future__ import annotations

import errno
import os
import platform
import sqlite3
import sys
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_log_path

from assessor_app import APP_AUTHOR, APP_NAME, __version__
from assessor_app.secrets import SecretStoreUnavailable
from assessor_app.store.errors import StoreError
from assessor_app.store.guard import safe_reason
from assessor_app.store.locks import LockTimeout

LOG_DIR_ENV = "ASSESSOR_APP_LOG_DIR"

BUSY = ("The database is busy: another Assessor companion window or program is writing to it. "
        "Wait for it to finish (or close it), then try again.")
DISK_FULL = ("The disk is full{where}. Free some space, then try again; nothing was "
             "half-written.")
NO_PERMISSION = ("Permission denied{where}. Check that you may write there, or choose another "
                 "location.")
DAMAGED = ("The database could not be read: it is damaged ({reason}). Nothing more was "
           "written. Restore it from a backup, or give another file with --db.")


def log_dir() -> Path:
    """Where crash reports go: $ASSESSOR_APP_LOG_DIR, else the per-user log folder."""
    env = os.environ.get(LOG_DIR_ENV)
    return Path(env) if env else user_log_path(APP_NAME, APP_AUTHOR)


def describe_failure(exc: BaseException) -> str | None:
    """One line for an expected failure, or None when `exc` is a bug (write a crash report)."""
    if isinstance(exc, StoreError | SecretStoreUnavailable):
        return str(exc)
    if isinstance(exc, LockTimeout):
        return BUSY
    if isinstance(exc, OSError):
        return _os_error(exc)
    orm = sys.modules.get("sqlalchemy.exc")  # not loaded: the failure cannot be one of its own
    if orm is not None and isinstance(exc, orm.DBAPIError):
        return _sqlite_error(exc.orig if exc.orig is not None else exc)
    if isinstance(exc, sqlite3.Error):
        return _sqlite_error(exc)
    driver = sys.modules.get("sqlcipher3.dbapi2")  # raised directly by the ORM-free reads
    if driver is not None and isinstance(exc, driver.Error):
        return _sqlite_error(exc)
    if isinstance(exc, MemoryError):
        return "Not enough memory to finish. Close other programs and try again."
    if isinstance(exc, ValueError | TypeError | KeyError) and _raised_reading_rows(exc):
        return DAMAGED.format(reason="a stored value cannot be read")
    return None


def _where(exc: OSError) -> str:
    return f" ({exc.filename})" if exc.filename else ""


def _os_error(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DISK_FULL.format(where=f" ({exc.strerror or 'no space left'}"
                                      f"{', ' + str(exc.filename) if exc.filename else ''})")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return NO_PERMISSION.format(where=_where(exc))
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc.__class__.__name__}"


def _sqlite_error(exc: BaseException) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return BUSY
    if "full" in text:
        return DISK_FULL.format(where="")
    if "readonly" in text or "read-only" in text:
        return NO_PERMISSION.format(where=" (the database file or its folder)")
    return DAMAGED.format(reason=safe_reason(exc))


def _raised_reading_rows(exc: BaseException) -> bool:
    """True when the innermost frames are SQLAlchemy's or sqlite3's result handling: a value
    in the file could not be turned into what the table says (damage, or edits outside the
    app), not a mistake in our code."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and any(
        f"{os.sep}sqlalchemy{os.sep}" in f.filename or f"{os.sep}sqlite3{os.sep}" in f.filename
        for f in frames[-3:])


def write_crash_report(exc: BaseException, *, context: str = "") -> Path | None:
    """Write a report of an unexpected failure to the log folder; its path, or None when even
    that failed (the caller then says so)."""
    lines = [
        f"Assessor companion {__version__} crash report",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} on {platform.platform(terse=True)}",
        f"where: {context or 'unknown'}",
        "(exception messages and arguments are left out: they can hold personal data)",
        "",
    ]
    for part in _chain(exc):
        lines.append(f"{part.__class__.__module__}.{part.__class__.__qualname__}")
        for frame in traceback.extract_tb(part.__traceback__):
            lines.append(f"  {_short(frame.filename)}:{frame.lineno} in {frame.name}")
        lines.append("")
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = folder / f"crash-{stamp}-{os.getpid()}-{uuid.uuid4().hex[:6]}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
    except OSError:
        return None
    return path


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return list(reversed(out))


def _short(filename: str) -> str:
    """Paths inside site-packages or the app, without the user's home folder in them."""
    for marker in (f"{os.sep}site-packages{os.sep}", f"{os.sep}assessor_app{os.sep}"):
        if marker in filename:
            head = "assessor_app/" if marker.endswith(f"assessor_app{os.sep}") else ""
            return head + filename.split(marker, 1)[1]
    return Path(filename).name


def crash_message(report: Path | None) -> str:
    if report is None:
        return ("Something went wrong that the app did not expect, and the crash report could "
                f"not be written to {log_dir()}.")
    return (f"Something went wrong that the app did not expect. A crash report (no personal "
            f"data) was written to {report}; please send it to your support contact.")
