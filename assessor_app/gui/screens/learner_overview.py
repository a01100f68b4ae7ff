"""The learner page's right-hand side: what it shows (`Overview`, read on a pool thread by
`load_overview`), the panel with the units table, visits list and buttons, and filling it
once the read is done. The panel's widgets are set on the main window (`window.units_table`, ...),
where the actions and the tests reach them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
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
    UnitProgressModel,
    VisitsModel,
)
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.widgets.progress_delegate import ProgressDelegate
from assessor_app.signoff.queries import Overview

if TYPE_CHECKING:
    from assessor_app.gui.screens.main_window import MainWindow


def build_overview_panel(window: MainWindow) -> None:
    """The right-hand side of the learner page, as `window.overview_panel`; its parts (banner,
    heading, units table, visits list, buttons) are set on the window too."""
    window.banner = Banner()
    window.learner_heading = QLabel("Choose a learner on the left, or add one.")
    window.learner_heading.setObjectName("learnerHeading")
    window.learner_heading.setWordWrap(True)
    window.units_model = UnitProgressModel(window)
    window.units_table = QTableView()
    window.units_table.setObjectName("unitsTable")
    window.units_table.setAccessibleName("Units and progress")
    window.units_table.setModel(window.units_model)
    window.units_table.setItemDelegateForColumn(1, ProgressDelegate(window.units_table))
    window.units_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    window.units_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    window.units_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    window.units_table.verticalHeader().hide()
    window.units_table.setShowGrid(False)
    window.units_table.setWordWrap(False)
    window.units_table.setTextElideMode(Qt.TextElideMode.ElideRight)
    h = window.units_table.horizontalHeader()
    h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    h.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
    h.resizeSection(1, 330)
    h.setSectionResizeMode(SIGNOFF_COLUMN, QHeaderView.ResizeMode.Fixed)
    widest = max(window.fontMetrics().horizontalAdvance(t) for t in (
        f"{SIGNOFF_SYMBOLS['void']} Void — needs new signatures",
        f"{SIGNOFF_SYMBOLS['partial']} Partial (signed 28 Nov 2026)"))
    h.resizeSection(SIGNOFF_COLUMN, widest + 36)  # room for the bold void text
    window.units_table.doubleClicked.connect(window._unit_double_clicked)
    window.units_table.verticalHeader().setDefaultSectionSize(
        window.fontMetrics().height() + 14)
    window.visits_model = VisitsModel(window)
    window.visits_list = QListView()
    window.visits_list.setObjectName("visitsList")
    window.visits_list.setAccessibleName("Visits")
    window.visits_list.setModel(window.visits_model)
    window.visits_list.setSpacing(2)
    window.visits_list.setWordWrap(True)
    window.visits_list.activated.connect(window._open_visit_index)

    window.start_button = QPushButton("Start visit")
    window.coverage_button = QPushButton("Coverage")
    window.signoff_button = QPushButton("Sign off unit…")
    window.history_button = QPushButton("Sign-offs and ERS…")
    window.enrol_button = QPushButton("Enrol on unit…")
    buttons = QHBoxLayout()
    for b in (window.start_button, window.coverage_button, window.signoff_button,
              window.history_button):
        buttons.addWidget(b)
    buttons.addStretch(1)
    buttons.addWidget(window.enrol_button)

    window.overview_panel = QWidget()
    lay = QVBoxLayout(window.overview_panel)
    lay.setContentsMargins(8, 0, 0, 0)
    lay.addWidget(window.banner)
    lay.addWidget(window.learner_heading)
    lay.addWidget(QLabel("<b>Units</b>"))
    lay.addWidget(window.units_table)
    lay.addWidget(QLabel("<b>Visits</b> (Enter opens one)"))
    lay.addWidget(window.visits_list, 1)
    lay.addLayout(buttons)


def show_overview(window: MainWindow, learner_id: int, overview: Overview) -> None:
    """Fill the learner page from a finished load (unless another learner is chosen now)."""
    if learner_id != window.learner_id:
        return  # the user moved on while it loaded
    window.overview = overview
    lr = overview.learner
    lm = f" · LM: {lr.line_manager}" if lr.line_manager else ""
    employer = f" · {lr.employer}" if lr.employer else ""
    c = overview.coverage.counts
    window.learner_heading.setText(
        f"<span style='font-size:large'><b>{lr.name}</b></span> · {lr.registration}"
        f"{employer}{lm}<br>{c.met} of {c.total} criteria met · {c.evidenced} more evidenced")
    window.units_model.set_units(overview.coverage.units, overview.signoffs)
    window.act_history.setEnabled(bool(overview.coverage.units))
    fit_units_table(window)
    window.visits_model.set_visits(overview.visits)
    if not overview.coverage.units:
        window.banner.show_message("Not enrolled on any unit yet: use Enrol on unit… "
                                   "(Ctrl+Shift+E).", "info")
    elif window.banner.kind == "info":
        window.banner.dismiss()
    window.overview_loaded.emit(learner_id)


def fit_units_table(window: MainWindow) -> None:
    # As tall as its rows (the visits list below takes the rest), between 2 and 8 rows.
    rows = min(max(window.units_model.rowCount(), 2), 8)
    height = (window.units_table.horizontalHeader().height()
              + rows * window.units_table.verticalHeader().defaultSectionSize()
              + 2 * window.units_table.frameWidth() + 2)
    window.units_table.setFixedHeight(height)
