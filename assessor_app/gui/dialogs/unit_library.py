"""The unit library: every unit in the database with its full specification, and importing more.

Reading and importing run on pool threads. An import either succeeds for every chosen file or
changes nothing (the importer's rule); its errors name the file and line, and are shown as such.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.dialogs.dialog_parts import record_table
from assessor_app.gui.models.unit_tree_model import (
    SEARCH_ROLE,
    SORT_ROLE,
    LibraryUnit,
    SpecFilterProxy,
    UnitListModel,
    UnitTreeModel,
    library_unit,
)
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.workers import run_in_background
from assessor_app.gui.widgets.spec_guidance import SpecGuidancePanel
from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import (
    CREATED,
    NEW_VERSION,
    PUBLICATION_UPDATED,
    ImportResult,
    import_paths,
)
from assessor_app.specs.queries import library_trees
from assessor_app.store import Store

SPEC_FILES = "Unit specifications (*.txt *.yaml *.yml);;All files (*)"
_ACTION_WORDS = {CREATED: "added as a new unit", NEW_VERSION: "updated: new version",
                 PUBLICATION_UPDATED: "publication details updated",
                 "unchanged": "already up to date"}


class _RoomyDelegate(QStyledItemDelegate):
    """A little air between the tree's rows, so long lists of criteria stay easy to scan."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)


class SpecImportError(Exception):
    """An import the importer refused, worded for the assessor (`messages.friendly_error`)."""

    def __init__(self, error: SpecError) -> None:
        where = Path(error.source).name
        if error.line is not None:
            where += f", line {error.line}"
        self.user_message = (
            f"Could not import {where}: {error.message}. Nothing was imported. Check that the "
            "file is a unit specification from OCR or City & Guilds saved as text (.txt), or a "
            "unit .yaml file.")
        super().__init__(self.user_message)


def load_library(store: Store) -> list[LibraryUnit]:
    """Pool thread: every unit's latest version, with its tree."""
    return [library_unit(t) for t in library_trees(store)]


def import_specs(store: Store, paths: list[Path]) -> list[ImportResult]:
    """Pool thread (write pool): import the chosen files, all or nothing."""
    try:
        return import_paths(store, paths)
    except SpecError as exc:
        raise SpecImportError(exc) from exc


def describe_results(results: list[ImportResult]) -> str:
    parts = []
    for r in results:
        what = _ACTION_WORDS.get(r.action, r.action)
        if r.action == NEW_VERSION:
            what += f" {r.version}"
        bodies = ", ".join(r.awarding_bodies)
        parts.append(f"{r.reference} ({bodies}) {what}")
    return "Imported " + "; ".join(parts) + "." if parts else "Nothing to import."


class UnitLibraryDialog(QDialog):
    loaded = Signal(int)  # number of units listed
    imported = Signal(list)  # references of the units an import touched
    import_failed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("unitLibraryDialog")
        self.setWindowTitle("Unit library")
        self._select_after_load: str | None = None

        self.banner = Banner()
        self.filter = QLineEdit()
        self.filter.setObjectName("unitFilter")
        self.filter.setPlaceholderText("Filter units, criteria and guidance (e.g. segmentation)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter units and criteria")
        self._filter_timer = QTimer(self, singleShot=True, interval=150)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        self.count_label = QLabel("")
        self.import_button = QPushButton("Import unit specification…")
        self.import_button.setToolTip("Add or update units from OCR / City & Guilds "
                                      "specification texts (.txt) or unit .yaml files")
        self.import_button.clicked.connect(self.choose_and_import)

        self._build_units_table()
        self._build_tree()

        top_row = QHBoxLayout()
        top_row.addWidget(self.filter, 1)
        top_row.addWidget(self.count_label)
        top_row.addSpacing(12)
        top_row.addWidget(self.import_button)
        lower = QWidget()
        lower_lay = QVBoxLayout(lower)
        lower_lay.setContentsMargins(0, 4, 0, 0)
        lower_lay.addWidget(self.unit_heading)
        self.guidance = SpecGuidancePanel()  # aim, assessment, guidance on assessment
        lower_lay.addWidget(self.guidance)
        lower_lay.addWidget(self.tree, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.units_table)
        self.split.addWidget(lower)
        self.split.setStretchFactor(1, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(top_row)
        lay.addWidget(self.split, 1)
        lay.addLayout(bottom)

        height = fit_to_screen(self, QSize(1120, 700)).height()
        self.split.setSizes([min(190, height // 3), height - min(190, height // 3)])
        self.filter.setFocus()
        self.reload()

    def _build_units_table(self) -> None:
        """The units, one a row, sortable, filtered by the box above."""
        self.units_model = UnitListModel(self)
        self.units_proxy = QSortFilterProxyModel(self)
        self.units_proxy.setSourceModel(self.units_model)
        self.units_proxy.setFilterRole(SEARCH_ROLE)
        self.units_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.units_proxy.setSortRole(SORT_ROLE)
        self.units_table = QTableView()
        self.units_table.setObjectName("unitLibraryTable")
        self.units_table.setAccessibleName("Units")
        self.units_table.setModel(self.units_proxy)
        self.units_table.setSortingEnabled(True)
        self.units_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        record_table(self.units_table, self.fontMetrics().height() + 10)
        h = self.units_table.horizontalHeader()
        fm = self.fontMetrics()
        for col, sample in ((0, "K/503/8194"), (2, "Level"), (3, "Credit"), (4, "GLH"),
                            (5, "OCR unit 52 · City & Guilds unit 238"), (6, "Version")):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            h.resizeSection(col, fm.horizontalAdvance(sample) + 30)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.units_table.selectionModel().currentRowChanged.connect(self._unit_changed)

    def _build_tree(self) -> None:
        """The chosen unit's specification as a tree, under its heading."""
        self.unit_heading = QLabel("")
        self.unit_heading.setObjectName("unitHeading")
        self.unit_heading.setWordWrap(True)
        self.unit_heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree_model = UnitTreeModel(self)
        self.tree_proxy = SpecFilterProxy(self)
        self.tree_proxy.setSourceModel(self.tree_model)
        self.tree = QTreeView()
        self.tree.setObjectName("unitSpecTree")
        self.tree.setAccessibleName("Unit specification")
        self.tree.setModel(self.tree_proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setItemDelegate(_RoomyDelegate(self.tree))
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    # -- loading -------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        self._select_after_load = select or self.current_reference()
        run_in_background(load_library, self.store, on_done=self._loaded,
                          on_error=self.banner.show_error)

    def _loaded(self, units: list[LibraryUnit]) -> None:
        self.units_model.set_units(units)
        self._update_count()
        if not units:
            self.unit_heading.setText("No units yet: import a unit specification to start.")
        wanted = self._select_after_load
        self._select_after_load = None
        if not (wanted and self.select_unit(wanted)):
            self._select_first_visible()
        self.loaded.emit(len(units))

    def current_unit(self) -> LibraryUnit | None:
        index = self.units_table.currentIndex()
        if not index.isValid():
            return None
        return self.units_model.unit(self.units_proxy.mapToSource(index).row())

    def current_reference(self) -> str | None:
        unit = self.current_unit()
        return unit.reference if unit else None

    def select_unit(self, reference: str) -> bool:
        for row in range(self.units_proxy.rowCount()):
            index = self.units_proxy.index(row, 0)
            if index.data() == reference:
                self.units_table.setCurrentIndex(index)
                return True
        return False

    def _select_first_visible(self) -> None:
        if self.units_proxy.rowCount():
            self.units_table.setCurrentIndex(self.units_proxy.index(0, 0))
        else:
            self._show_unit(None)

    def _unit_changed(self, *_: object) -> None:
        self._show_unit(self.current_unit())

    def _show_unit(self, unit: LibraryUnit | None) -> None:
        self.tree_model.set_tree(unit.tree if unit else None)
        self.guidance.set_tree(unit.tree if unit else None)
        if unit is None:
            if self.units_model.rowCount():
                self.unit_heading.setText("No unit matches the filter.")
            return
        self.unit_heading.setText(
            f"<b>{unit.reference} {unit.title}</b><br>Level {_show(unit.level)} · credit value "
            f"{_show(unit.credit_value)} · {_show(unit.glh)} guided learning hours · "
            f"{unit.publications} · version {_show(unit.version)}")
        self._expand()

    def _expand(self) -> None:
        if self.tree_proxy.text():
            self.tree.expandAll()
        else:
            self.tree.expandToDepth(1)  # outcomes and their criteria; notes stay folded

    # -- filtering -----------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        text = self.filter.text().strip()
        keep = self.current_reference()
        self.units_proxy.setFilterFixedString(text)
        self.tree_proxy.set_text(text)
        self._update_count()
        if not (keep and self.select_unit(keep)):
            self._select_first_visible()
        self._expand()

    def _update_count(self) -> None:
        shown, total = self.units_proxy.rowCount(), self.units_model.rowCount()
        self.count_label.setText(f"{total} unit{'s' if total != 1 else ''}" if shown == total
                                 else f"{shown} of {total} units")

    # -- importing -----------------------------------------------------------------------------
    def choose_and_import(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Import unit specification", folder, SPEC_FILES)
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        self.import_button.setEnabled(False)
        self.banner.show_message(f"Importing {', '.join(p.name for p in paths)}…", "info")
        run_in_background(import_specs, self.store, paths, writes=True,
                          on_done=self._imported, on_error=self._import_failed)

    def _imported(self, results: list[ImportResult]) -> None:
        self.import_button.setEnabled(True)
        self.banner.show_message(describe_results(results), "info")
        refs = [r.reference for r in results]
        self.reload(select=refs[0] if refs else None)
        self.imported.emit(refs)

    def _import_failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.banner.show_message(message, "error")
        self.import_failed.emit(message)


def _show(value: object) -> str:
    return "—" if value is None else str(value)
