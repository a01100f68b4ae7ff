"""Range and teaching content beside the criterion being ticked: the notes the unit gives for the
current criterion (and its outcome's general notes), and above them the unit's aim and assessment
guidance as a collapsible panel (the unit library's), loaded in the background."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from assessor_app.gui.support.workers import Loader
from assessor_app.gui.widgets.spec_guidance import SpecGuidancePanel
from assessor_app.specs.queries import criterion_guidance, unit_guidance_for_criterion
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


Loaded = tuple[list[dict[str, Any]], dict[str, str] | None]


def load_guidance(store: Store, criterion_id: int) -> Loaded:
    """The criterion's notes and its unit's aim and assessment sections, in one background read."""
    return (criterion_guidance(store, criterion_id),
            unit_guidance_for_criterion(store, criterion_id))


class CriterionGuidance(QWidget):
    """Shows what the unit says for the criterion given to `show_criterion`: its unit's aim and
    assessment guidance (folded until opened; stays open from one criterion to the next) and
    the criterion's range and teaching content."""

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
        self.unit_panel = SpecGuidancePanel()
        self.unit_panel.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.unit_panel)
        lay.addWidget(self.text)
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def show_criterion(self, criterion_id: int | None) -> None:
        self.criterion_id = criterion_id
        if criterion_id is None:
            self._loader.cancel()
            self._show(([], None))
            return
        self._loader.run(load_guidance, self.store, criterion_id, on_done=self._show)

    def _show(self, loaded: Loaded) -> None:
        notes, unit = loaded
        html = notes_html(notes)
        self.text.setText(html)
        self.text.setVisible(bool(html))
        self.unit_panel.set_tree(unit)
        if unit is not None:
            self.unit_panel.toggle.setText(f"{unit['reference']} — aim and assessment guidance")
        self.setVisible(bool(html) or self.unit_panel.isVisibleTo(self))
