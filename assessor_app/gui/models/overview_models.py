"""Models for the learner overview: units with progress bars and sign-off status, and the visits
list. `signoff_status` words a sign-off's state the same way here and in the history dialog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QGuiApplication

from assessor_app.gui.models.base import RowTableModel
from assessor_app.gui.models.progress import PROGRESS_ROLE, progress_text
from assessor_app.gui.support import theme

if TYPE_CHECKING:  # the main window is built before the ORM is imported (gui.app)
    from assessor_app.evidence.coverage import UnitCoverage
    from assessor_app.signoff.queries import VisitLine
    from assessor_app.signoff.summary import SignOffSummary

_Index = QModelIndex | QPersistentModelIndex
UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
SIGNOFF_ROLE = Qt.ItemDataRole.UserRole + 4  # the unit's SignOffSummary (or None)
SIGNOFF_KIND_ROLE = Qt.ItemDataRole.UserRole + 5  # none | signed | partial | in_progress | void
SIGNOFF_COLUMN = 2

# A symbol for each state, so the column reads without colour (and in greyscale print-outs).
SIGNOFF_SYMBOLS = {"none": "", "signed": "✔", "partial": "◑", "in_progress": "✎", "void": "⚠",
                   "superseded": "⤺", "not_completed": "✖"}
_SIGNOFF_HUES = {"signed": "met", "partial": "evidenced", "void": "error"}


def day(value: date | datetime | None) -> str:
    """23 Nov 2026; datetimes (stored in UTC) are shown in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone().date()
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class SignOffStatus:
    kind: str  # none | signed | partial | in_progress | void | superseded | not_completed
    text: str  # short, for a table cell (symbol included)
    detail: str  # a sentence or two, for the tooltip


def signed_date(s: SignOffSummary) -> date | datetime | None:
    """The assessor's signature date (what the ERS shows), else when it was completed."""
    assessor = next((g for g in s.signatures if g.role == "assessor"), None)
    return assessor.signed_on if assessor else s.completed_at


def signoff_status(s: SignOffSummary | None) -> SignOffStatus:
    """How a sign-off's state is put into words, on the learner page and in the history."""
    if s is None:
        return SignOffStatus("none", "—", "Not signed off yet.")
    signed_on = day(signed_date(s))
    if s.status == "signed":
        if s.partial:
            return SignOffStatus("partial", f"◑ Partial (signed {signed_on})",
                                 f"Partially signed off on {signed_on}: {s.partial_reason}")
        return SignOffStatus("signed", f"✔ Signed {signed_on}",
                             f"Signed off on {signed_on} by the learner, line manager and "
                             "assessor. The filed ERS stands.")
    if s.status == "in_progress":
        from assessor_app.signoff.rules import ROLE_LABEL

        who = ROLE_LABEL.get(s.next_role or "", "").lower()
        waiting = f" Waiting for the {who} to sign." if who else ""
        return SignOffStatus("in_progress", "✎ In progress",
                             f"A sign-off was started on {day(s.created_at)}.{waiting}")
    voided = day(s.voided_at)
    if s.completed_at is None:
        return SignOffStatus("not_completed", "✖ Not completed",
                             f"Started on {day(s.created_at)} but not completed "
                             f"({s.void_reason}).")
    if s.void_reason.startswith("superseded"):
        return SignOffStatus("superseded", "⤺ Superseded",
                             f"Signed on {signed_on}; {s.void_reason} on {voided}. Kept for "
                             "audit.")
    return SignOffStatus("void", "⚠ Void — needs new signatures",
                         f"Signed on {signed_on}, void since {voided}: {s.void_reason}.\n"
                         "Signed evidence or a judgement changed after signing, so the "
                         "signatures no longer stand. Sign off the unit again (Ctrl+Shift+S).")


class UnitProgressModel(RowTableModel):
    """The learner's units (`UnitCoverage` rows) with progress and sign-off state."""

    HEADERS = ("Unit", "Progress", "Sign-off")
    units = RowTableModel.rows

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._signoffs: dict[int, SignOffSummary] = {}

    def set_units(self, units: list[UnitCoverage],
                  signoffs: dict[int, SignOffSummary] | None = None) -> None:
        """`signoffs`: the sign-off standing for each unit id (see `unit_signoff_states`)."""
        self._signoffs = dict(signoffs or {})
        self.set_rows(units)

    def signoff(self, unit_id: int) -> SignOffSummary | None:
        return self._signoffs.get(unit_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        u: UnitCoverage = self._rows[index.row()]
        c = u.counts
        if role == PROGRESS_ROLE:
            return (c.met, c.met + c.evidenced, c.total)
        if role == UNIT_ID_ROLE:
            return u.unit_id
        if index.column() == SIGNOFF_COLUMN:
            return self._signoff_data(u.unit_id, role)
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{u.reference}  {u.title}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{u.reference} {u.title}"
        if index.column() == 1 and role in (Qt.ItemDataRole.ToolTipRole,
                                            Qt.ItemDataRole.AccessibleTextRole,
                                            Qt.ItemDataRole.DisplayRole):
            text = progress_text(c.met, c.met + c.evidenced, c.total)
            return None if role == Qt.ItemDataRole.DisplayRole else text
        return None

    def _signoff_data(self, unit_id: int, role: int):  # noqa: ANN202
        summary = self._signoffs.get(unit_id)
        status = signoff_status(summary)
        if role == Qt.ItemDataRole.DisplayRole:
            return status.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return status.detail + "\nDouble-click for the sign-off history and ERS " \
                "(Ctrl+Shift+H)."
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Sign-off: {status.text.lstrip(SIGNOFF_SYMBOLS[status.kind]).strip()}"
        if role == Qt.ItemDataRole.ForegroundRole and status.kind in _SIGNOFF_HUES:
            palette = QGuiApplication.palette()
            # Text nudged towards the state's hue: a hint only; the symbol and words carry it.
            return theme.mix(palette.color(palette.ColorRole.Text),
                             theme.state_accent(palette, _SIGNOFF_HUES[status.kind]), 0.65)
        if role == Qt.ItemDataRole.FontRole and status.kind == "void":
            font = QFont(QGuiApplication.font())
            font.setBold(True)
            return font
        if role == SIGNOFF_ROLE:
            return summary
        if role == SIGNOFF_KIND_ROLE:
            return status.kind
        return None


def _labels(labels: list[str]) -> str:
    """"K/503/8194 2.1 2.2 · H/601/1232 2.1": criteria grouped under their unit, so two units'
    2.1 are never confused."""
    by_unit: dict[str, list[str]] = {}
    for label in labels:
        unit, _, number = label.rpartition(":")
        by_unit.setdefault(unit, []).append(number)
    return " · ".join(f"{unit} {' '.join(numbers)}".strip() for unit, numbers in by_unit.items())


class VisitsModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._visits: list[VisitLine] = []

    def set_visits(self, visits: list[VisitLine]) -> None:
        self.beginResetModel()
        self._visits = list(reversed(visits))  # newest first
        self.endResetModel()

    def visits(self) -> list[VisitLine]:
        return list(self._visits)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        s = self._visits[index.row()]
        v = s.visit
        if role == Qt.ItemDataRole.DisplayRole:
            status = v.status.replace("_", " ")
            text = f"{v.date:%a %d %b %Y} · {status}"
            if v.place:
                text += f" · {v.place}"
            if s.planned:
                text += f"\n   planned: {_labels(s.planned)}"
            if v.action_plan.strip():
                plan = v.action_plan.strip().splitlines()[0]
                text += f"\n   action plan: {plan[:90]}{'…' if len(plan) > 90 else ''}"
            if s.targets:
                text += f"\n   next time: {_labels(s.targets)}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{v.date:%d %b %Y} — {v.status.replace('_', ' ')}"]
            if s.planned:
                parts.append("Planned: " + ", ".join(s.planned))
            if v.action_plan:
                parts.append("Action plan: " + v.action_plan[:400])
            if s.targets:
                parts.append("Criteria for next time: " + ", ".join(s.targets))
            return "\n".join(parts)
        if role == VISIT_ID_ROLE:
            return v.id
        if role == STATUS_ROLE:
            return v.status
        return None
