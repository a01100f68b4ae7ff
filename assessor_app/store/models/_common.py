from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware UTC now; SQLModel stores aware datetimes and returns them in UTC."""
    return datetime.now(UTC)
