"""What a unit specification says beyond its criteria — the unit aim, how it is assessed and the
guidance on assessment (seed H/601/1232's line-manager rule, City & Guilds' assessment-strategy
note) — as a collapsible panel."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

SECTIONS = (("aim", "Unit aim"), ("assessment", "Assessment"),
            ("guidance_on_assessment", "Guidance on assessment"))


def guidance_html(tree: dict[str, Any] | None) -> str:
    """The sections the unit states, as simple rich text ("" when it states none)."""
    if not tree:
        return ""
    parts = [f"<p><b>{label}</b><br>{escape(tree[key])}</p>"
             for key, label in SECTIONS if tree.get(key)]
    return "".join(parts)


class SpecGuidancePanel(QWidget):
    """A "What the unit says" toggle over the aim and assessment sections of one unit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("specGuidancePanel")
        self.toggle = QToolButton()
        self.toggle.setObjectName("specGuidanceToggle")
        self.toggle.setText("Aim and assessment guidance")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.toggled.connect(self._toggled)
        self.body = QLabel("")
        self.body.setObjectName("specGuidanceText")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.body)

    def set_tree(self, tree: dict[str, Any] | None) -> None:
        html = guidance_html(tree)
        self.body.setText(html)
        self.setVisible(bool(html))

    def _toggled(self, open_: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.body.setVisible(open_)
