"""The evidence-requirements panel of the visit screen: the learner's units that state requirements
beyond their criteria ("4a potential or new customers"), each with a box to tick it against the
current evidence item and a column naming the other items that already tick it. A group heading
("4 … with:") is a bold row without a box above its items. Space ticks the selected requirement;
the full text of the selected one is shown underneath (never cut off)."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.coverage import UnitCoverage
from assessor_app.gui.models.requirements_model import (
    ELSEWHERE_COL,
    ELSEWHERE_ROLE,
    FULL_TEXT_ROLE,
    ID_ROLE,
    KIND_ROLE,
    REQUIREMENT_COL,
    RequirementsModel,
)
from assessor_app.gui.widgets.check_delegate import VisibleCheckDelegate

HINT = ("Select a requirement to read it in full. Space ticks it for the current evidence; "
        "the right-hand column shows other evidence that already ticks it.")
NO_REQUIREMENTS = ("None of this learner's units state evidence requirements beyond their "
                   "criteria.")


class WrappingDelegate(VisibleCheckDelegate):
    """Row heights for wrapped text in a tree, up to `max_lines` (the rest is elided; the panel
    shows the selected one in full). QTreeView asks for a size hint without telling the delegate
    how wide the column is, so the text would otherwise stay on one line. Only the requirement
    column wraps; heights are remembered per text and width, so a layout after a tick or a
    scroll measures nothing again."""

    def __init__(self, tree: QTreeView, max_lines: int = 2, wrap_column: int = 0) -> None:
        super().__init__(tree)
        self.tree = tree
        self.max_lines = max_lines
        self.wrap_column = wrap_column
        self._heights: dict[tuple[str, int, bool], int] = {}

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        if index.column() != self.wrap_column:
            return base
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        font = index.data(Qt.ItemDataRole.FontRole)  # units and group headings are bold
        metrics = QFontMetrics(font) if isinstance(font, QFont) else option.fontMetrics
        key = (text, self.tree.columnWidth(index.column()), isinstance(font, QFont))
        height = self._heights.get(key)
        if height is None:
            height = self._wrapped_height(metrics, index, text)
            if len(self._heights) > 2000:  # widths come and go as the panel is resized
                self._heights.clear()
            self._heights[key] = height
        return QSize(base.width(), max(base.height(), height))

    def _wrapped_height(self, metrics: QFontMetrics,
                        index: QModelIndex | QPersistentModelIndex, text: str) -> int:
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        style = self.tree.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1
        width = self.tree.columnWidth(index.column()) - 3 * margin
        if index.column() == 0:
            width -= (depth + int(self.tree.rootIsDecorated())) * self.tree.indentation()
        if index.flags() & Qt.ItemFlag.ItemIsUserCheckable or \
                index.data(Qt.ItemDataRole.CheckStateRole) is not None:
            width -= style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self.tree) \
                + 2 * margin
        if width <= 20 or not text:
            return 0
        rect = metrics.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap),
                                    text)
        return min(rect.height(), metrics.lineSpacing() * self.max_lines) + 2 * margin


class RequirementsPanel(QWidget):
    toggle_requested = Signal(int, bool)  # requirement id, ticked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requirementsPanel")
        self.model = RequirementsModel(self)
        self.model.toggle_requested.connect(self.toggle_requested)

        self.title = QLabel("<b>Evidence requirements</b> — tick what this evidence shows")
        self.title.setWordWrap(True)
        self.tree = QTreeView()
        self.tree.setObjectName("requirementsTree")
        self.tree.setAccessibleName("Evidence requirements")
        self.tree.setModel(self.model)
        # After setModel: the view's own reset handling (which collapses everything) runs first.
        self.model.modelReset.connect(self._after_reset)
        self.model.dataChanged.connect(lambda *_: self._show_current())
        self.tree.setAlternatingRowColors(True)
        # Requirements are sentences: wrap them rather than cut them off (there are few rows).
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setIndentation(14)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(REQUIREMENT_COL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ELSEWHERE_COL, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        header.sectionResized.connect(lambda *_: self.tree.scheduleDelayedItemsLayout())
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        self.tree.installEventFilter(self)

        self.detail = QLabel(HINT)
        self.detail.setObjectName("requirementDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        self.setFocusProxy(self.tree)
        self._after_reset()

    # -- data --------------------------------------------------------------------------------
    def set_units(self, units: list[UnitCoverage], refs: dict[int, str] | None = None) -> None:
        self.model.set_units(units, refs)

    def set_current(self, evidence_id: int | None) -> None:
        self.model.set_current(evidence_id)
        self.tree.viewport().update()  # boxes become enabled or not; no row changes height

    def has_requirements(self) -> bool:
        return bool(self.model.requirement_ids())

    def _after_reset(self) -> None:
        # On a hidden tab (the criteria tab is in front while a visit opens) laying out the
        # wrapped rows waits until the panel is shown: opening a visit does not pay for it.
        self._expand_pending = not self.isVisible()
        if not self._expand_pending:
            self.tree.expandAll()
        self.tree.setVisible(self.has_requirements())
        self._show_current()

    def showEvent(self, event: QShowEvent) -> None:
        if getattr(self, "_expand_pending", False):
            self._expand_pending = False
            self.tree.expandAll()
        super().showEvent(event)

    # -- keyboard ----------------------------------------------------------------------------
    def focus_tree(self) -> None:
        """Ctrl+4: into the tree, on the first requirement if none is selected yet."""
        if not self.has_requirements():
            self.detail.setFocus()
            return
        if not self.current_requirement_id():
            first = self.model.index_for_requirement(self.model.requirement_ids()[0])
            self.tree.setCurrentIndex(first)
        self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def select_requirement(self, requirement_id: int) -> None:
        idx = self.model.index_for_requirement(requirement_id)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)

    def current_requirement_id(self) -> int | None:
        cur = self.tree.currentIndex()
        if cur.isValid() and cur.data(KIND_ROLE) == "requirement":
            return int(cur.data(ID_ROLE))
        return None

    def toggle_current(self) -> None:
        cur = self.tree.currentIndex()
        if not cur.isValid() or cur.data(KIND_ROLE) != "requirement":
            return
        box = cur.siblingAtColumn(REQUIREMENT_COL)
        if not self.model.flags(box) & Qt.ItemFlag.ItemIsUserCheckable:
            return
        ticked = box.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        self.model.setData(box, not ticked, Qt.ItemDataRole.CheckStateRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Space ticks the selected row whichever column the cursor is in.
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select) and \
                    event.modifiers() == Qt.KeyboardModifier.NoModifier:
                self.toggle_current()
                return True
        return super().eventFilter(watched, event)

    # -- the full text of the selected requirement ------------------------------------------------
    def _show_current(self) -> None:
        if not self.has_requirements():
            self.detail.setText(NO_REQUIREMENTS)
            return
        cur: QModelIndex = self.tree.currentIndex()
        if not cur.isValid():
            ticked, total = self.model.counts()
            self.detail.setText(f"{ticked} of {total} requirements ticked by some evidence.\n"
                                + HINT)
            return
        text = str(cur.data(FULL_TEXT_ROLE) or "")
        if cur.data(KIND_ROLE) == "requirement":
            box = cur.siblingAtColumn(REQUIREMENT_COL)
            here = box.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            elsewhere = cur.data(ELSEWHERE_ROLE) or ()
            if self.model.current() is None:
                text += "\nSelect an evidence item to tick it."
            else:
                text += "\n✓ Ticked for this evidence." if here else \
                    "\n○ Not ticked for this evidence."
            text += (f"\nAlso ticked by {', '.join(elsewhere)}." if elsewhere
                     else "\nNo other evidence ticks it yet.")
        self.detail.setText(text)
