"""The questioning editor: a table of question / answer / satisfied with word-wrapped cells.

Cells are edited in a multi-line editor that saves as you type (debounced), so a long answer is
never only in an open editor. Tab moves question → answer → satisfied → next question; Enter in
the satisfied column cycles Yes / Not yet / Undecided.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from assessor_app.gui.models.qa_model import SATISFIED_TEXT
from assessor_app.gui.support.autosave import DEFAULT_DELAY_MS
from assessor_app.gui.support.undo import route_undo_keys

SATISFIED_CHOICES = [None, True, False]


class _TextDelegate(QStyledItemDelegate):
    """Multi-line editor that commits its text after a short pause in typing."""

    def __init__(self, parent: QObject | None = None, delay_ms: int = DEFAULT_DELAY_MS) -> None:
        super().__init__(parent)
        self.delay_ms = delay_ms

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        editor.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        route_undo_keys(editor)
        timer = QTimer(editor, singleShot=True, interval=self.delay_ms)
        timer.timeout.connect(lambda e=editor: self.commitData.emit(e))
        editor.textChanged.connect(timer.start)
        editor.installEventFilter(self)
        editor.setProperty("autosaveTimer", timer)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QPlainTextEdit)
        value = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if editor.toPlainText() != value:
            editor.blockSignals(True)
            editor.setPlainText(value)
            editor.blockSignals(False)
            editor.moveCursor(editor.textCursor().MoveOperation.End)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        assert isinstance(editor, QPlainTextEdit)
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex) -> None:
        rect = option.rect
        rect.setHeight(max(rect.height(), editor.fontMetrics().lineSpacing() * 4))
        editor.setGeometry(rect)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # Enter finishes the cell (Shift+Enter for a new line), like a spreadsheet.
        if isinstance(editor, QPlainTextEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.EditNextItem)
                return True
        return super().eventFilter(editor, event)


class _SatisfiedDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        box = QComboBox(parent)
        for value in SATISFIED_CHOICES:
            box.addItem(SATISFIED_TEXT[value], value)
        box.activated.connect(lambda _i, b=box: (self.commitData.emit(b),
                                                 self.closeEditor.emit(b)))
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(SATISFIED_CHOICES.index(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class QATable(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qaTable")
        self.setAccessibleName("Questions and answers")
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setTabKeyNavigation(True)
        self.text_delegate = _TextDelegate(self)
        self.setItemDelegateForColumn(1, self.text_delegate)
        self.setItemDelegateForColumn(2, self.text_delegate)
        self.setItemDelegateForColumn(3, _SatisfiedDelegate(self))
        self.verticalHeader().hide()
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def setModel(self, model: QAbstractItemModel) -> None:  # noqa: N802 - Qt override
        super().setModel(model)
        h = self.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        model.modelReset.connect(self.resizeRowsToContents)
        model.dataChanged.connect(lambda *_: self.resizeRowsToContents())
        model.rowsInserted.connect(lambda *_: self.resizeRowsToContents())

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        self.resizeRowsToContents()

    def edit_cell(self, row: int, column: int) -> None:
        index = self.model().index(row, column)
        self.setCurrentIndex(index)
        self.edit(index)
