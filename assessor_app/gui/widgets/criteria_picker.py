"""The criteria picker: a filter box over a tree of units → outcomes → criteria with checkboxes,
and a label that shows the current criterion's full text (long criteria never get cut off)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.coverage import UnitCoverage
from assessor_app.gui.models.criteria_tree_model import (
    FULL_TEXT_ROLE,
    ID_ROLE,
    KIND_ROLE,
    PLANNED_ROLE,
    STATE_ROLE,
    CriteriaFilterProxy,
    CriteriaTreeModel,
)
from assessor_app.gui.support import theme
from assessor_app.gui.widgets.check_delegate import VisibleCheckDelegate


class CriteriaPicker(QWidget):
    toggle_requested = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None,
                 title: str = "<b>Criteria</b> — tick what this evidence shows") -> None:
        """`title` heads the picker ("" for none: the caller's own heading says what ticking
        means there)."""
        super().__init__(parent)
        self.model = CriteriaTreeModel(self)
        self.proxy = CriteriaFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.model.toggle_requested.connect(self.toggle_requested)

        self.filter = QLineEdit()
        self.filter.setObjectName("criteriaFilter")
        self.filter.setPlaceholderText("Filter criteria: number or words (Ctrl+K)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter criteria")
        self.filter.textChanged.connect(self._on_filter)
        self.filter.installEventFilter(self)
        self._on_row = False  # the arrow keys moved onto a row since the last typed key

        self.tree = QTreeView()
        self.tree.setObjectName("criteriaTree")
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setAccessibleName("Assessment criteria")
        self._dark_delegate = VisibleCheckDelegate(self.tree)
        self._plain_delegate = QStyledItemDelegate(self.tree)
        self._delegate_for_palette()
        self.tree.installEventFilter(self)  # palette changes pick the delegate again
        self.tree.selectionModel().currentChanged.connect(self._on_current)

        self.detail = QLabel()
        self.detail.setObjectName("criterionDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setText(self._hint())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if title:
            layout.addWidget(QLabel(title))
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        self.setFocusProxy(self.filter)

    @staticmethod
    def _hint() -> str:
        return ("Select a criterion to read it in full. Space ticks it; F8 / Shift+F8 move to the "
                "next / previous criterion.")

    def set_units(self, units: list[UnitCoverage]) -> None:
        self.model.set_units(units)
        self.tree.expandAll()

    def set_states(self, units: list[UnitCoverage]) -> None:
        self.model.set_states(units)
        self.show_current_detail()

    def show_current_detail(self) -> None:
        """Say again what the current criterion is (its state may have changed)."""
        self._on_current(self.tree.currentIndex(), self.tree.currentIndex())

    def set_checked(self, ids: set[int]) -> None:
        self.model.set_checked(ids)

    def set_planned(self, ids: set[int]) -> None:
        self.model.set_planned(ids)

    def set_enabled_for_mapping(self, enabled: bool) -> None:
        if enabled != self.model.enabled():
            self.model.set_enabled(enabled)
            self.tree.viewport().update()  # boxes and greyed text are read when painting

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    # -- filtering ---------------------------------------------------------------------------
    def _on_filter(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self.tree.expandAll()
        if text and not self._current_is_visible_criterion():
            first = self._visible_criteria()
            if first:
                self.tree.setCurrentIndex(first[0])

    def visible_criterion_ids(self) -> list[int]:
        return [int(i.data(ID_ROLE)) for i in self._visible_criteria()]

    def _visible_criteria(self) -> list[QModelIndex]:
        out: list[QModelIndex] = []

        def walk(parent: QModelIndex) -> None:
            for r in range(self.proxy.rowCount(parent)):
                idx = self.proxy.index(r, 0, parent)
                if idx.data(KIND_ROLE) == "criterion":
                    out.append(idx)
                else:
                    walk(idx)

        walk(QModelIndex())
        return out

    def _current_is_visible_criterion(self) -> bool:
        cur = self.tree.currentIndex()
        return cur.isValid() and cur.data(KIND_ROLE) == "criterion"

    # -- navigation --------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        """Select the next (delta=1) or previous (-1) criterion, wrapping round."""
        visible = self._visible_criteria()
        if not visible:
            return
        cur = self.tree.currentIndex()
        rows = [(i.row(), i.parent().row(), i.parent().parent().row()) for i in visible]
        key = (cur.row(), cur.parent().row(), cur.parent().parent().row()) if cur.isValid() else None
        pos = rows.index(key) if key in rows else (-1 if delta > 0 else 0)
        target = visible[(pos + delta) % len(visible)]
        self.tree.setCurrentIndex(target)
        self.tree.scrollTo(target)

    def toggle_current(self) -> None:
        cur = self.tree.currentIndex()
        if cur.isValid() and cur.data(KIND_ROLE) == "criterion":
            checked = cur.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            self.toggle_requested.emit(int(cur.data(ID_ROLE)), not checked)

    def select_criterion(self, criterion_id: int) -> None:
        src = self.model.index_for_criterion(criterion_id)
        idx = self.proxy.mapFromSource(src)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)

    def current_criterion_id(self) -> int | None:
        cur = self.tree.currentIndex()
        if cur.isValid() and cur.data(KIND_ROLE) == "criterion":
            return int(cur.data(ID_ROLE))
        return None

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.setText(self._hint())
            return
        text = str(current.data(FULL_TEXT_ROLE) or "")
        state = current.data(STATE_ROLE)
        if state:
            text += f"\n{theme.SYMBOLS[state]} {theme.LABELS[state].capitalize()} for this learner."
        if current.data(PLANNED_ROLE):
            text += "\n◆ Planned for this visit."
        self.detail.setText(text)

    def _delegate_for_palette(self) -> None:
        """The box-outline fix is for dark palettes only; a light one paints with Qt's own
        delegate, so painting a row calls no Python for the delegate (the tree repaints often)."""
        wanted = self._dark_delegate if theme.is_dark(self.tree.palette()) \
            else self._plain_delegate
        if self.tree.itemDelegate() is not wanted:
            self.tree.setItemDelegate(wanted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.PaletteChange:
            self._delegate_for_palette()
            return False
        # From the filter box: Down/Up walk the matching criteria, Enter ticks the current one.
        # Space ticks the current row too once the arrows have moved onto it (or while nothing
        # is typed); while words are being typed it is the space between them.
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.step(1 if key == Qt.Key.Key_Down else -1)
                self._on_row = True
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if not self._current_is_visible_criterion():
                    self.step(1)
                self.toggle_current()
                return True
            if key == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier \
                    and (self._on_row or not self.filter.text()) \
                    and self._current_is_visible_criterion():
                self.toggle_current()
                return True
            self._on_row = False
        return super().eventFilter(watched, event)
