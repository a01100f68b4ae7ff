"""Is a backup overdue? Yes when something changed more than a day ago and no backup since."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from assessor_app.store.raw import read_only, stored_datetime

if TYPE_CHECKING:  # read without the ORM: the window's backup note is read at start-up
    from assessor_app.store import Store

OVERDUE_AFTER = timedelta(days=1)
LAST_BACKUP_SETTING = "backup.last"
_CHANGES = ("SELECT min(t) FROM ("
            "SELECT min(updated_at) AS t FROM evidence_item WHERE updated_at > :since "
            "UNION ALL SELECT min(updated_at) FROM visit WHERE updated_at > :since "
            "UNION ALL SELECT min(decided_at) FROM judgement WHERE decided_at > :since "
            "UNION ALL SELECT min(created_at) FROM signoff WHERE created_at > :since "
            "UNION ALL SELECT min(created_at) FROM learner WHERE created_at > :since)")


@dataclass(frozen=True)
class BackupStatus:
    last: datetime | None
    oldest_unsaved_change: datetime | None
    overdue: bool

    def message(self) -> str:
        when = readable_time(self.last) if self.last else "never"
        if self.overdue:
            return (f"Last backup: {when}. Changes made over a day ago are not backed up yet; "
                    "back up now (Settings → Backup).")
        return f"Last backup: {when}."


def readable_time(when: datetime | str, *, seconds: bool = False) -> str:
    """A backup's time as people read it: this computer's local time, e.g. "30 Nov 2026 09:05"
    (the manifests keep ISO UTC). A value that is not a time is shown as it is."""
    try:
        dt = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
    except ValueError:
        return str(when)
    dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return dt.astimezone().strftime("%d %b %Y %H:%M:%S" if seconds else "%d %b %Y %H:%M")


def parse_last_backup(stored: str) -> datetime | None:
    """The time of the last backup from its setting's stored value (None when never or
    unreadable)."""
    if not stored.strip():
        return None
    try:
        return datetime.fromisoformat(json.loads(stored)["at"])
    except (ValueError, KeyError, TypeError):
        return None


def backup_status(store: Store, now: datetime | None = None) -> BackupStatus:
    """Read in one read-only snapshot, without the ORM."""
    now = now or datetime.now(UTC)
    with read_only(store) as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = ?",
                           (LAST_BACKUP_SETTING,)).fetchone()
        last = parse_last_backup(row[0] if row else "")
        since = (last or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)
        oldest = stored_datetime(conn.execute(_CHANGES, {"since": since.isoformat(" ")}).fetchone()[0])
    overdue = oldest is not None and now - oldest > OVERDUE_AFTER
    return BackupStatus(last, oldest, overdue)
