"""How a unit's progress travels from a model to its delegate: `PROGRESS_ROLE` carries
(met, evidenced, total), evidenced including met; `progress_text` says it in words."""

from __future__ import annotations

from PySide6.QtCore import Qt

PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 20


def progress_text(met: int, evidenced: int, total: int) -> str:
    extra = max(evidenced - met, 0)
    more = f" · {extra} evidenced" if extra else ""
    return f"{met}/{total} met{more}"
