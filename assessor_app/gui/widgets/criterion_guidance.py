"""Range and teaching content beside the criterion being ticked: the notes the unit gives for the
current criterion (and its outcome's general notes), and above them the unit's aim and assessment
guidance as a collapsible panel (the unit library's), loaded in the background. Under the range,
a checkbox per range item records whether the evidence item in the editor covers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from assessor_app.evidence.range_items import RangeItem, criterion_range_state
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


@dataclass
class Loaded:
    """What one background read gives for a criterion (and the evidence item in the editor)."""

    notes: list[dict[str, Any]] = field(default_factory=list)
    unit: dict[str, str] | None = None
    range_items: list[RangeItem] = field(default_factory=list)
    covered: set[tuple[int, int]] = field(default_factory=set)


def load_guidance(store: Store, criterion_id: int, evidence_id: int | None) -> Loaded:
    """The criterion's notes, its unit's aim and assessment sections, its range items and which
    of them the evidence item covers."""
    items, covered = criterion_range_state(store, criterion_id, evidence_id)
    return Loaded(criterion_guidance(store, criterion_id),
                  unit_guidance_for_criterion(store, criterion_id), items, covered)


class CriterionGuidance(QWidget):
    """Shows what the unit says for the criterion given to `show_criterion`: its unit's aim and
    assessment guidance (folded until opened; stays open from one criterion to the next), the
    criterion's range and teaching content, and a checkbox per range item for the evidence item
    given to `set_evidence` (`range_toggled(note_id, index, covered)` when one is clicked)."""

    range_toggled = Signal(int, int, bool)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("criterionGuidance")
        self.store = store
        self.criterion_id: int | None = None
        self.evidence_id: int | None = None
        self._loader = Loader(self)
        self.text = QLabel("")
        self.text.setObjectName("criterionGuidanceText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Range and teaching content for this criterion")
        self.unit_panel = SpecGuidancePanel()
        self.unit_panel.setVisible(False)
        self.range_box = QWidget()
        self.range_box.setObjectName("rangeCovered")
        self.range_layout = QVBoxLayout(self.range_box)
        self.range_layout.setContentsMargins(0, 0, 0, 0)
        self.range_checks: list[QCheckBox] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.unit_panel)
        lay.addWidget(self.text)
        lay.addWidget(self.range_box)
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._loader.busy

    def show_criterion(self, criterion_id: int | None) -> None:
        self.criterion_id = criterion_id
        self.reload()

    def set_evidence(self, evidence_id: int | None) -> None:
        """The evidence item in the editor (None: none), whose range items the boxes show."""
        if evidence_id != self.evidence_id:
            self.evidence_id = evidence_id
            self.reload()

    def reload(self) -> None:
        if self.criterion_id is None:
            self._loader.cancel()
            self._show(Loaded())
            return
        self._loader.run(load_guidance, self.store, self.criterion_id, self.evidence_id,
                         on_done=self._show)

    def _show(self, loaded: Loaded) -> None:
        html = notes_html(loaded.notes)
        self.text.setText(html)
        self.text.setVisible(bool(html))
        self.unit_panel.set_tree(loaded.unit)
        if loaded.unit is not None:
            self.unit_panel.toggle.setText(
                f"{loaded.unit['reference']} — aim and assessment guidance")
        self._show_range(loaded.range_items, loaded.covered)
        self.setVisible(bool(html) or self.unit_panel.isVisibleTo(self))

    def _show_range(self, items: list[RangeItem], covered: set[tuple[int, int]]) -> None:
        """A checkbox per range item: ticked when the evidence item covers it."""
        self.range_checks = []
        while self.range_layout.count():
            taken = self.range_layout.takeAt(0)
            if taken is not None and taken.widget() is not None:
                taken.widget().deleteLater()
        if not items:
            self.range_box.setVisible(False)
            return
        enabled = self.evidence_id is not None
        self.range_layout.addWidget(QLabel("<b>Range this evidence covers</b>" if enabled else
                                           "<i>Select an evidence item to record the range it "
                                           "covers</i>"))
        for item in items:
            label = f"{item.heading}: {item.text}" if item.heading else item.text
            check = QCheckBox(label)
            check.setChecked(item.key in covered)
            check.setEnabled(enabled)
            check.toggled.connect(lambda on, i=item: self.range_toggled.emit(i.note_id, i.index,
                                                                               on))
            self.range_layout.addWidget(check)
            self.range_checks.append(check)
        self.range_box.setVisible(True)
