"""What Alembic's autogenerate compares: everything but the hand-written objects (the FTS5 index
and the caches kept by triggers, migrations 0002/0003/0008)."""

from __future__ import annotations

from typing import Any

HAND_WRITTEN_PREFIXES = ("evidence_fts", "evidence_coverage")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(HAND_WRITTEN_PREFIXES))
