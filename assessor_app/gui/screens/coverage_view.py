"""Coverage matrix for a learner: units × criteria, each cell "● 2.1" (symbol + number, tinted),
and under a unit that states evidence requirements a row of them, "✓ 4a" ticked / "○ 4a" not yet.
Clicking a criterion shows the evidence behind it, with "Judge met" / "Not yet"; clicking a
requirement shows the evidence that ticks it (requirements are ticked, not judged).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.coverage import CriterionCoverage
from assessor_app.evidence.edits import Edit
from assessor_app.evidence.errors import EvidenceError, RecordLocked
from assessor_app.evidence.judgements import record_judgement
from assessor_app.evidence.queries import Matrix, coverage_matrix, evidence_summaries
from assessor_app.evidence.unlock import unlocking
from assessor_app.gui.dialogs.unlock_dialog import UnlockDialog
from assessor_app.gui.models.coverage_model import (
    REQUIREMENT_SYMBOLS,
    CoverageModel,
    rows_from_coverage,
)
from assessor_app.gui.models.evidence_list_model import EvidenceListModel
from assessor_app.gui.support import theme
from assessor_app.gui.support.activation import skip_activation_repaints
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.undo import REDO_KEYS, UNDO_KEYS
from assessor_app.gui.support.workers import Loader
from assessor_app.signoff.locks import read_signoff_locks
from assessor_app.store import Store


def legend() -> str:
    criteria = "   ".join(f"{theme.SYMBOLS[s]} {theme.LABELS[s]}"
                          for s in ("unevidenced", "evidenced", "met"))
    return f"{criteria}   ·   ✓ requirement ticked"


class CoverageView(QWidget):
    """The matrix and the cell detail; embedded in `CoverageDialog` (and usable elsewhere)."""

    judged = Signal(int)  # learner id

    def __init__(self, store: Store, push_edit: Callable[[Edit], None],
                 assessor_name: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._push_edit = push_edit
        self._assessor_name = assessor_name
        self.learner_id: int | None = None
        self.criterion_id: int | None = None
        self.requirement_id: int | None = None
        self._loader = Loader(self)
        self._evidence_loader = Loader(self)
        self._unlock_loader = Loader(self)
        self._criteria: dict[int, CriterionCoverage] = {}

        self.heading = QLabel()
        self.legend = QLabel(legend())
        self.legend.setAccessibleName("Legend")
        self.model = CoverageModel(self)
        self.table = QTableView()
        self.table.setObjectName("coverageMatrix")
        self.table.setAccessibleName("Coverage matrix")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        h.setDefaultSectionSize(self.fontMetrics().horizontalAdvance("◐ 10.10") + 10)
        h.hide()  # the criterion number is in each cell
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2 + 4)
        self.table.selectionModel().currentChanged.connect(self._on_cell)
        self.table.clicked.connect(self._on_cell)

        self.detail = QLabel("Click a cell to see the evidence behind it.")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence_model = EvidenceListModel(self)
        self.evidence = QListView()
        self.evidence.setModel(self.evidence_model)
        self.evidence.setAccessibleName("Evidence for this criterion")
        self.evidence.setWordWrap(True)
        self.reason = QLineEdit(placeholderText="Reason or note for the decision (optional)")
        self.met_button = QPushButton("● Judge met")
        self.met_button.setToolTip("Record that the learner meets this criterion (Ctrl+J)")
        self.met_button.setShortcut("Ctrl+J")
        self.not_yet_button = QPushButton("◐ Not yet")
        self.not_yet_button.setToolTip("Record that it is not met yet (Ctrl+Shift+J)")
        self.not_yet_button.setShortcut("Ctrl+Shift+J")
        self.met_button.clicked.connect(lambda: self.judge("met"))
        self.not_yet_button.clicked.connect(lambda: self.judge("not_yet"))
        self.banner = Banner()

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.detail)
        bl.addWidget(self.evidence, 1)
        jl = QHBoxLayout()
        jl.addWidget(self.reason, 1)
        jl.addWidget(self.met_button)
        jl.addWidget(self.not_yet_button)
        bl.addLayout(jl)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.legend)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self._set_judging_enabled(False)
        skip_activation_repaints(self.table, self.evidence)

    @property
    def busy(self) -> bool:
        return self._loader.busy or self._evidence_loader.busy or self._unlock_loader.busy

    def load(self, learner_id: int) -> None:
        """Read the learner's coverage and evidence in the background, then show them."""
        if learner_id != self.learner_id:
            self.model.set_rows([])
            self._evidence_loader.cancel()
            self.evidence_model.set_summaries([])
            self.heading.setText("Loading…")
        self.learner_id = learner_id
        self._loader.run(coverage_matrix, self.store, learner_id,
                         on_done=lambda m: self._loaded(learner_id, m),
                         on_error=self.banner.show_error)

    def _loaded(self, learner_id: int, matrix: Matrix) -> None:
        if learner_id != self.learner_id:
            return
        learner, coverage = matrix.learner, matrix.coverage
        # Each criterion's ids are parsed only when it is chosen.
        self._criteria = {c.criterion_id: c for u in coverage.units for c in u.criteria}
        c = coverage.counts
        self.heading.setText(f"<b>{learner.name}</b> · {c.met} of {c.total} criteria met, "
                             f"{c.evidenced} more evidenced")
        self.model.set_rows(rows_from_coverage(coverage))
        self._wrap_cells()
        self._fit_table()
        if self.requirement_id is not None:
            idx = self.model.find_requirement(self.requirement_id)
        else:
            idx = self.model.find(self.criterion_id) if self.criterion_id is not None \
                else None
        if idx is not None and idx.isValid():
            self.table.setCurrentIndex(idx)
            self._on_cell(idx)

    def _wrap_cells(self) -> None:
        """As many cells per line as fit the table's width: criteria wrap onto the next line
        rather than scrolling sideways."""
        cell = self.table.horizontalHeader().defaultSectionSize()
        header = self.table.verticalHeader().sizeHint().width()
        room = self.table.width() - header - 2 * self.table.frameWidth() \
            - self.table.verticalScrollBar().sizeHint().width()
        if self.model.set_wrap(max(4, room // max(cell, 1))):
            self._fit_table()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._wrap_cells()

    def _fit_table(self) -> None:
        # As tall as the units need (up to 10 rows) so the evidence panel gets the rest.
        rows = min(max(self.model.rowCount(), 1), 10)
        height = (rows * self.table.verticalHeader().defaultSectionSize()
                  + self.table.horizontalScrollBar().sizeHint().height()
                  + 2 * self.table.frameWidth() + 4)
        self.table.setMinimumHeight(height)
        self.table.setMaximumHeight(height)

    def _set_judging_enabled(self, enabled: bool) -> None:
        for w in (self.reason, self.met_button, self.not_yet_button):
            w.setEnabled(enabled)

    def select_criterion(self, criterion_id: int) -> None:
        """Select its cell now, or as soon as the matrix has loaded."""
        self.criterion_id, self.requirement_id = criterion_id, None
        idx = self.model.find(criterion_id)
        if idx.isValid():
            self.table.setCurrentIndex(idx)
            self._on_cell(idx)

    def _on_cell(self, index: QModelIndex, _prev: QModelIndex | None = None) -> None:
        if index.isValid() and self.learner_id is not None and \
                self.model.requirement(index.row(), index.column()) is not None:
            self._on_requirement(index)
            return
        cell = self.model.cell(index.row(), index.column()) if index.isValid() else None
        if cell is None or self.learner_id is None:
            return
        self.criterion_id = cell.criterion_id
        self.requirement_id = None
        unit = self.model.rows()[index.row()]
        n = cell.evidence_count
        self.detail.setText(
            f"<b>{unit.reference} {cell.number}</b> — {cell.text}<br>"
            f"{theme.SYMBOLS[cell.state]} {theme.LABELS[cell.state].capitalize()}; "
            f"{n} piece{'s' if n != 1 else ''} of evidence.")
        chosen = self._criteria.get(cell.criterion_id)
        self._show_evidence(list(chosen.evidence_ids) if chosen is not None else [])
        self._set_judging_enabled(True)

    def _on_requirement(self, index: QModelIndex) -> None:
        req = self.model.requirement(index.row(), index.column())
        assert req is not None and self.learner_id is not None
        self.requirement_id = req.requirement_id
        self.criterion_id = None
        unit = self.model.rows()[index.row()]
        n = req.evidence_count
        state = (f"{REQUIREMENT_SYMBOLS[req.state]} Ticked by {n} piece{'s' if n != 1 else ''} "
                 "of evidence." if n else
                 f"{REQUIREMENT_SYMBOLS[req.state]} Not ticked yet: in the visit screen, select "
                 "the evidence that meets it and tick it under Requirements (Ctrl+4).")
        self.detail.setText(f"<b>{unit.reference} requirement {req.key}</b> — {req.full_text}<br>"
                            f"{state}")
        self._show_evidence(req.evidence_ids)
        self._set_judging_enabled(False)  # requirements are ticked, not judged

    def _show_evidence(self, ids: list[int] | tuple[int, ...]) -> None:
        """The cell's evidence, read in the background: only the items behind this cell (the
        matrix itself lists none; a learner may have tens of thousands)."""
        if not ids:
            self._evidence_loader.cancel()
            self.evidence_model.set_summaries([])
            return
        learner_id = self.learner_id
        self._evidence_loader.run(
            evidence_summaries, self.store, list(ids),
            on_done=lambda rows: learner_id == self.learner_id and
            self.evidence_model.set_summaries([s for s in rows if not s.deleted]),
            on_error=self.banner.show_error)

    def judge(self, state: str, unlock_reason: str = "") -> None:
        """Record the decision. On a unit a valid sign-off covers, the core refuses; the
        assessor is then asked to unlock (naming the sign-offs, with a reason) and only then
        is the decision recorded, voiding them."""
        if self.learner_id is None or self.criterion_id is None:
            return
        actor = self._assessor_name() or "Assessor"
        try:
            with unlocking(unlock_reason, actor) if unlock_reason else nullcontext():
                edit = record_judgement(self.store, self.learner_id, self.criterion_id, state,
                                        actor=actor, reason=self.reason.text())
        except RecordLocked as exc:
            self._ask_unlock(exc, state)
            return
        except EvidenceError as exc:
            self.banner.show_error(exc)
            return
        self.banner.dismiss()
        self.reason.clear()
        self._push_edit(edit)
        self.load(self.learner_id)
        self.judged.emit(self.learner_id)

    def _ask_unlock(self, exc: RecordLocked, state: str) -> None:
        """Name the sign-offs in the way (read on a worker), ask for the reason, then judge
        again with it."""
        def ask(signoffs: list) -> None:
            dlg = UnlockDialog("This unit's judgements", signoffs, None, self)
            if dlg.exec() == QDialog.DialogCode.Accepted and dlg.reason_text():
                self.judge(state, dlg.reason_text())

        self._unlock_loader.run(read_signoff_locks, self.store, exc.signoff_ids, on_done=ask,
                                on_error=self.banner.show_error)


class CoverageDialog(QDialog):
    """The matrix in its own window. Ctrl+Z / Ctrl+Shift+Z undo and redo here as in the main
    window (the Edit menu's "Undo Judge met" is the same step); its messages go when it closes."""

    def __init__(self, view: CoverageView, parent: QWidget | None = None, *,
                 undo: Callable[[], None] | None = None,
                 redo: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coverageDialog")
        self.setWindowTitle("Coverage")
        self.view = view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(view)
        for keys, fn in ((UNDO_KEYS, undo), (REDO_KEYS, redo)):
            if fn is not None:
                action = QAction(self)
                action.setShortcuts(keys)
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                action.triggered.connect(fn)
                action.setEnabled(False)  # only while the dialog is shown (see showEvent)
                self.addAction(action)
        fit_to_screen(self, QSize(1000, 560))

    def done(self, result: int) -> None:
        self.view.banner.dismiss()
        super().done(result)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        for action in self.actions():
            action.setEnabled(True)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        self.view.banner.dismiss()
        for action in self.actions():  # the main window's own Ctrl+Z is the one then
            action.setEnabled(False)
        super().hideEvent(event)
