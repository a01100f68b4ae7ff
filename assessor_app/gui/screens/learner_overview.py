"""The learner page's right-hand side (`OverviewPanel`): the banner, the learner's heading, the
units table with progress and sign-off state, the visits list and the buttons. It is filled
from an `Overview` (read by `signoff.queries.learner_overview` on a pool thread) and reports what
the user did in it by signals; the buttons are bound to the window's actions by `MainActions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.models.overview_models import (
    SIGNOFF_COLUMN,
    SIGNOFF_SYMBOLS,
    UNIT_ID_ROLE,
    VISIT_ID_ROLE,
    UnitProgressModel,
    VisitsModel,
)
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.widgets.progress_delegate import ProgressDelegate

if TYPE_CHECKING:  # the main window is built before the ORM is imported (gui.app)
    from assessor_app.evidence.coverage import UnitCoverage
    from assessor_app.signoff.queries import Overview


class OverviewPanel(QWidget):
    visit_activated = Signal(int)  # visit id: Enter or double-click in the visits list
    signoff_cell_activated = Signal(int)  # unit id: double-click in the sign-off column
    # whether a unit is chosen (selected, or the only one): unit actions such as "Sign-offs and
    # ERS…" are enabled only then
    has_units_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overview: Overview | None = None
        self.banner = Banner()
        self.learner_heading = QLabel("Choose a learner on the left, or add one.")
        self.learner_heading.setObjectName("learnerHeading")
        self.learner_heading.setWordWrap(True)
        self._build_units_table()
        self.visits_model = VisitsModel(self)
        self.visits_list = QListView()
        self.visits_list.setObjectName("visitsList")
        self.visits_list.setAccessibleName("Visits")
        self.visits_list.setModel(self.visits_model)
        self.visits_list.setSpacing(2)
        self.visits_list.setWordWrap(True)
        self.visits_list.activated.connect(self._visit_activated)

        self.units_table.selectionModel().currentChanged.connect(
            lambda *_: self.has_units_changed.emit(self.selected_unit_id() is not None))
        self.start_button = QPushButton("Start visit")
        self.coverage_button = QPushButton("Coverage")
        self.signoff_button = QPushButton("Sign off unit…")
        self.history_button = QPushButton("Sign-offs and ERS…")
        self.enrol_button = QPushButton("Enrol on unit…")
        buttons = QHBoxLayout()
        for b in (self.start_button, self.coverage_button, self.signoff_button,
                  self.history_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.enrol_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addWidget(self.learner_heading)
        lay.addWidget(QLabel("<b>Units</b>"))
        lay.addWidget(self.units_table)
        lay.addWidget(QLabel("<b>Visits</b> (Enter opens one)"))
        lay.addWidget(self.visits_list, 1)
        lay.addLayout(buttons)

    def _build_units_table(self) -> None:
        self.units_model = UnitProgressModel(self)
        table = self.units_table = QTableView()
        table.setObjectName("unitsTable")
        table.setAccessibleName("Units and progress")
        table.setModel(self.units_model)
        table.setItemDelegateForColumn(1, ProgressDelegate(table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        h = table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        h.resizeSection(1, 330)
        h.setSectionResizeMode(SIGNOFF_COLUMN, QHeaderView.ResizeMode.Fixed)
        widest = max(self.fontMetrics().horizontalAdvance(t) for t in (
            f"{SIGNOFF_SYMBOLS['void']} Void — needs new signatures",
            f"{SIGNOFF_SYMBOLS['partial']} Partial (signed 28 Nov 2026)"))
        h.resizeSection(SIGNOFF_COLUMN, widest + 36)  # room for the bold void text
        table.doubleClicked.connect(self._unit_double_clicked)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)

    # -- filling -----------------------------------------------------------------------------
    def show_overview(self, overview: Overview) -> None:
        """Fill the panel from a finished read of the learner page."""
        self.overview = overview
        lr = overview.learner
        lm = f" · LM: {lr.line_manager}" if lr.line_manager else ""
        employer = f" · {lr.employer}" if lr.employer else ""
        c = overview.coverage.counts
        self.learner_heading.setText(
            f"<span style='font-size:large'><b>{lr.name}</b></span> · {lr.registration}"
            f"{employer}{lm}<br>{c.met} of {c.total} criteria met · {c.evidenced} more evidenced")
        self.units_model.set_units(overview.coverage.units, overview.signoffs)
        self.has_units_changed.emit(self.selected_unit_id() is not None)
        self.fit_units_table()
        self.visits_model.set_visits(overview.visits)
        if not overview.coverage.units:
            self.banner.show_message("Not enrolled on any unit yet: use Enrol on unit… "
                                     "(Ctrl+Shift+E).", "info")
        elif self.banner.kind == "info":
            self.banner.dismiss()

    def fit_units_table(self) -> None:
        # As tall as its rows (the visits list below takes the rest), between 2 and 8 rows.
        rows = min(max(self.units_model.rowCount(), 2), 8)
        table = self.units_table
        table.setFixedHeight(table.horizontalHeader().height()
                             + rows * table.verticalHeader().defaultSectionSize()
                             + 2 * table.frameWidth() + 2)

    # -- reading what the user chose ---------------------------------------------------------
    def unit(self, unit_id: int) -> UnitCoverage | None:
        """The learner's enrolled unit with this id, if any."""
        return next((u for u in self.units_model.units() if u.unit_id == unit_id), None)

    def selected_unit_id(self) -> int | None:
        """The unit selected in the table, else the only unit; None when the user must choose."""
        index = self.units_table.currentIndex()
        if index.isValid():
            return int(index.data(UNIT_ID_ROLE))
        units = self.units_model.units()
        return units[0].unit_id if len(units) == 1 else None

    def _visit_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.visit_activated.emit(int(index.data(VISIT_ID_ROLE)))

    def _unit_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() == SIGNOFF_COLUMN:
            self.signoff_cell_activated.emit(int(index.data(UNIT_ID_ROLE)))
