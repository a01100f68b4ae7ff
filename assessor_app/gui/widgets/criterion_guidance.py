"""Range and teaching content beside the criterion being ticked: the notes the unit gives for the
current criterion (and its outcome's general notes), loaded in the background."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from assessor_app.gui.support.workers import Loader
from assessor_app.specs.queries import criterion_guidance
from assessor_app.store import Store

KIND_LABELS = {"range": "Range", "teaching_content": "Teaching content",
               "additional_guidance": "Guidance"}


def notes_html(notes: list[dict[str, Any]]) -> str:
    parts = []
    for note in notes:
        title = KIND_LABELS.get(note["kind"], "Guidance")
        if note["heading"]:
            title += f" — {escape(note['heading'])}"
        body = f"<br>{escape(note['body'])}" if note["body"] else ""
        items = "".join(f"<li>{escape(i)}</li>" for i in note["items"])
        parts.append(f"<p><b>{title}</b>{body}</p>" + (f"<ul>{items}</ul>" if items else ""))
    return "".join(parts)


class CriterionGuidance(QWidget):
    """Shows `criterion_guidance` for the criterion given to `show_criterion`."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("criterionGuidance")
        self.store = store
        self.criterion_id: int | None = None
        self._loader = Loader(self)
        self.text = QLabel("")
        self.text.setObjectName("criterionGuidanceText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Range and teaching content for this criterion")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text)
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def show_criterion(self, criterion_id: int | None) -> None:
        self.criterion_id = criterion_id
        if criterion_id is None:
            self._loader.cancel()
            self._show([])
            return
        self._loader.run(criterion_guidance, self.store, criterion_id, on_done=self._show)

    def _show(self, notes: list[dict[str, Any]]) -> None:
        html = notes_html(notes)
        self.text.setText(html)
        self.setVisible(bool(html))
