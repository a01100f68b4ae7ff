"""The learner page's left-hand side: the search box, the list of learners (read in the
background by `LearnerListModel`), the count and the New learner button. It tells the window
which learner was chosen by the `learner_chosen` signal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.models.learner_list_model import LEARNER_ID_ROLE, LearnerListModel

if TYPE_CHECKING:
    from assessor_app.evidence.learner_list import LearnerSummary
    from assessor_app.store import Store

OPENING = "Opening records…"


class LearnerPanel(QWidget):
    learner_chosen = Signal(int)  # the user (or a reload) made this learner current
    failed = Signal(str)  # the list could not be read: a sentence for the banner

    def __init__(self, store: Store | None, remembered_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._remembered_id = remembered_id  # chosen last time the app ran
        self._chosen_id: int | None = None
        self._reselecting = False  # `_loaded` is putting the highlight back
        self.search = QLineEdit()
        self.search.setObjectName("learnerSearch")
        self.search.setPlaceholderText("Search learners (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search learners")
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(
            lambda: self.learner_model.set_search(self.search.text()))
        self.search.textChanged.connect(self._search_timer.start)
        self.learner_model = LearnerListModel(store, self)
        self.learner_model.loaded.connect(self._loaded)
        self.learner_model.failed.connect(self.failed)
        self.learner_list = QListView()
        self.learner_list.setObjectName("learnerList")
        self.learner_list.setAccessibleName("Learners")
        self.learner_list.setModel(self.learner_model)
        self.learner_list.setUniformItemSizes(True)
        self.learner_list.setSpacing(2)
        self.learner_list.selectionModel().currentChanged.connect(self._current_changed)
        self.search.returnPressed.connect(lambda: self.learner_list.setFocus())
        self.learner_count = QLabel()
        self.learner_count.setObjectName("learnerCount")
        if store is None:  # the window is shown first; `set_store` follows once it is open
            self.learner_count.setText(OPENING)
            self.learner_list.setAccessibleDescription(OPENING)
        self.new_learner_button = QPushButton("New learner…")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.learner_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.learner_count, 1)
        row.addWidget(self.new_learner_button)
        lay.addLayout(row)
        self.setMinimumWidth(220)

    @property
    def busy(self) -> bool:
        return self.learner_model.loading or self.learner_model.store is None

    def set_store(self, store: Store, learners: list[LearnerSummary] | None = None) -> None:
        """The database is open: list its learners (`learners`: as read with it)."""
        self.learner_model.search = self.search.text()
        self.learner_model.set_store(store, learners)

    def opening_failed(self) -> None:
        self.learner_count.setText("The records could not be opened.")

    def refresh(self) -> None:
        """Read the list again (a learner was added or their progress changed)."""
        self.learner_model.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_search(self) -> None:
        self.search.clear()

    def mark_chosen(self, learner_id: int) -> None:
        """The window shows this learner: keep it selected when the list is read again."""
        self._chosen_id = learner_id

    def _loaded(self) -> None:
        self.learner_list.setAccessibleDescription("")
        n = self.learner_model.total()
        self.learner_count.setText(f"{n} learner{'s' if n != 1 else ''}")
        wanted = self._chosen_id or self._remembered_id
        row = self.learner_model.row_of(wanted) if wanted else -1
        if row < 0 and self.learner_model.rowCount() and self._chosen_id is None:
            row = 0
        if row >= 0:
            # Re-selecting the learner the window already shows (the list was read again after
            # an edit) only restores the highlight: choosing it again would reload their page.
            self._reselecting = True
            try:
                self.learner_list.selectionModel().setCurrentIndex(
                    self.learner_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
            finally:
                self._reselecting = False

    def _current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if not current.isValid():
            return
        learner_id = int(current.data(LEARNER_ID_ROLE))
        if not (self._reselecting and learner_id == self._chosen_id):
            self.learner_chosen.emit(learner_id)
