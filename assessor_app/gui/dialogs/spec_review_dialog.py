"""Units → Import…: review a unit specification before it is imported.

The chosen file (unit text, unit .yaml, unit PDF or a handbook of many units) is read on a pool
thread with progress. Each unit found is offered separately: its source on the left (the text
the parser read; for a PDF, the unit's text with the page of the selected line), the parsed tree
on the right with the parser's findings flagged in place. Selecting an element highlights its
source line. The assessor may correct the title, an outcome's text, or a criterion's number or
text; each correction is recorded (who, when, what) with the unit version the import creates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.workers import run_in_background
from assessor_app.specs.errors import SpecError
from assessor_app.specs.importer import ImportResult, import_all, prepare
from assessor_app.specs.model import UnitSpec
from assessor_app.specs.review import Review, split_suggestion
from assessor_app.specs.review_source import ReviewUnit, read_for_review
from assessor_app.store import Store

REVIEW_FILES = ("Unit specifications (*.pdf *.txt *.yaml *.yml);;PDF (*.pdf);;"
                "Text (*.txt);;All files (*)")
KEY = Qt.ItemDataRole.UserRole
FLAG = QColor(255, 236, 179)


class ReviewImportError(Exception):
    """A reviewed unit the importer refused, worded for the assessor."""

    def __init__(self, error: SpecError) -> None:
        self.user_message = f"Could not import: {error.message}. Nothing was imported."
        super().__init__(self.user_message)


def import_reviewed(store: Store, spec: UnitSpec, source: str) -> list[ImportResult]:
    """Pool thread (write pool): import one reviewed unit, its findings accepted by review."""
    try:
        return import_all(store, [prepare(spec, source)], accept_findings=True)
    except SpecError as exc:
        raise ReviewImportError(exc) from exc


class SpecReviewDialog(QDialog):
    ready = Signal(int)  # number of units found in the file
    imported = Signal(list)  # references of the units imported

    def __init__(self, store: Store, path: Path, who: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("specReviewDialog")
        self.setWindowTitle(f"Import unit specification — {path.name}")
        self.store, self.path, self.who = store, path, who
        self.units: list[ReviewUnit] = []
        self.review: Review | None = None
        self._filling = False
        self._busy = True
        self._build()
        self.resize(1100, 700)
        self.job = run_in_background(read_for_review, path, on_done=self._loaded,
                                     on_error=self._failed, on_progress=self._progress,
                                     owner=self)

    # ---- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner()
        self.progress = QProgressBar()
        self.progress.setObjectName("reviewProgress")
        self.status = QLabel("Reading the file…")
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("reviewUnitChoice")
        self.unit_box.setAccessibleName("Unit in this file")
        self.unit_box.currentIndexChanged.connect(self._show_unit)
        self.source_view = QPlainTextEdit()
        self.source_view.setObjectName("reviewSource")
        self.source_view.setReadOnly(True)
        self.source_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.page_label = QLabel("")
        self.tree = QTreeWidget()
        self.tree.setObjectName("reviewTree")
        self.tree.setHeaderLabels(["Number", "Text"])
        self.tree.setColumnWidth(0, 110)
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(self._selected)
        self.tree.itemChanged.connect(self._edited)
        self.findings = QListWidget()
        self.findings.setObjectName("reviewFindings")
        self.findings.setAccessibleName("Findings")
        self.findings.setMaximumHeight(110)
        self.findings.currentItemChanged.connect(self._finding_selected)
        self.split_button = QPushButton("Split row…")
        self.split_button.setObjectName("reviewSplit")
        self.split_button.setToolTip("The selected criterion's text holds two criteria: make its "
                                     "end a criterion of its own")
        self.split_button.clicked.connect(self.split_current)
        self.merge_button = QPushButton("Merge into previous")
        self.merge_button.setObjectName("reviewMerge")
        self.merge_button.setToolTip("The selected criterion is the end of the one before it")
        self.merge_button.clicked.connect(self.merge_current)
        for button in (self.split_button, self.merge_button):
            button.setEnabled(False)
        self.import_button = QPushButton("Import this unit")
        self.import_button.setObjectName("reviewImport")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_unit)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(QLabel("Source"))
        left_lay.addWidget(self.source_view, 1)
        left_lay.addWidget(self.page_label)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        right_lay.addWidget(QLabel("Parsed unit (double-click a title, number or text to correct "
                                   "it)"))
        right_lay.addWidget(self.tree, 1)
        rows = QHBoxLayout()
        rows.addWidget(self.split_button)
        rows.addWidget(self.merge_button)
        rows.addStretch(1)
        right_lay.addLayout(rows)
        right_lay.addWidget(QLabel("Findings: what the parser inferred — check each"))
        right_lay.addWidget(self.findings)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.unit_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)

    @property
    def busy(self) -> bool:
        """Still reading the file or importing (tests and `settle` wait on this)."""
        return self._busy

    # ---- loading -----------------------------------------------------------------------------
    def _progress(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.status.setText(text.capitalize() + "…")

    def _failed(self, message: str) -> None:
        self._busy = False
        self.progress.setValue(0)
        self.status.setText("The file could not be read.")
        self.banner.show_message(message)

    def _loaded(self, units: list[ReviewUnit]) -> None:
        self.units = units
        self._busy = False
        self.progress.setValue(100)
        self._filling = True
        self.unit_box.clear()
        for unit in units:
            title = unit.spec.title if unit.spec is not None else "could not be read"
            self.unit_box.addItem(f"{unit.label}: {title}")
        self._filling = False
        self.unit_box.setVisible(len(units) > 1)
        self._show_unit(0)
        self.ready.emit(len(units))

    # ---- one unit ----------------------------------------------------------------------------
    @property
    def unit(self) -> ReviewUnit | None:
        i = self.unit_box.currentIndex()
        return self.units[i] if 0 <= i < len(self.units) else None

    def _show_unit(self, index: int) -> None:
        if self._filling or not 0 <= index < len(self.units):
            return
        unit = self.units[index]
        self.source_view.setPlainText(unit.text)
        self.review = Review(unit.spec, unit.source, self.who) if unit.spec is not None else None
        self._fill_tree(unit)
        self._fill_findings(unit)
        self.import_button.setEnabled(unit.spec is not None)
        if unit.error is not None:
            self.status.setText(f"{unit.label} could not be read: {unit.error.message}")
            self.highlight(unit.error.line)
        else:
            count = len(unit.spec.findings) if unit.spec is not None else 0
            self.status.setText(f"{unit.label}: {count} finding(s) to check" if count
                                else f"{unit.label}: read without findings")

    def _item(self, parent: QTreeWidget | QTreeWidgetItem, number: str, text: str,
              key: tuple[str, str], line: int | None, editable_number: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem([number, text])
        item.setData(0, KEY, key)
        item.setData(1, KEY, line)
        item.setToolTip(1, text)
        flags = item.flags() | Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)
        item.setData(0, Qt.ItemDataRole.UserRole + 1, editable_number)
        if isinstance(parent, QTreeWidget):
            parent.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def _fill_tree(self, unit: ReviewUnit) -> None:
        self._filling = True
        self.tree.clear()
        spec = unit.spec
        if spec is not None:
            flagged = {f.line: f.message for f in spec.findings}
            self._item(self.tree, "Title", spec.title or "", ("title", ""),
                       unit.line_of_text(spec.title or ""), False)
            for out in spec.outcomes:
                first = out.criteria[0].line if out.criteria else None
                o_line = unit.line_of_text(out.text) if out.text else first
                o_item = self._item(self.tree, out.number, out.text, ("outcome", out.number),
                                    o_line, False)
                for crit in out.criteria:
                    c_item = self._item(o_item, crit.number, crit.text,
                                        ("criterion", crit.number), crit.line, True)
                    if crit.line in flagged:
                        self._flag(c_item, flagged[crit.line])
                if o_line in flagged and not any(c.line == o_line for c in out.criteria):
                    self._flag(o_item, flagged[o_line])
            self.tree.expandAll()
        self._filling = False

    def _flag(self, item: QTreeWidgetItem, message: str) -> None:
        for col in (0, 1):
            item.setBackground(col, QBrush(FLAG))
            item.setToolTip(col, message)
        item.setText(0, "⚠ " + item.text(0))
        item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, f"finding: {message}")

    def _fill_findings(self, unit: ReviewUnit) -> None:
        self.findings.clear()
        for finding in unit.spec.findings if unit.spec is not None else []:
            page = unit.page_of(finding.line)
            where = f"page {page}" if page else f"line {finding.line}"
            entry = QListWidgetItem(f"{where}: {finding.message}")
            entry.setData(KEY, finding.line)
            self.findings.addItem(entry)

    # ---- selection and highlighting ----------------------------------------------------------
    def _selected(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        number = self._current_criterion()
        self.split_button.setEnabled(number is not None)
        self.merge_button.setEnabled(number is not None and item is not None
                                     and item.parent() is not None
                                     and item.parent().indexOfChild(item) > 0)
        if item is not None:
            self.highlight(item.data(1, KEY))

    def _finding_selected(self, entry: QListWidgetItem | None, _previous: object = None) -> None:
        if entry is not None:
            self.highlight(entry.data(KEY))

    def highlight(self, line: int | None) -> None:
        """Mark source line `line` (1-based) and scroll to it; show its page for a PDF."""
        if line is None or line < 1:
            self.source_view.setExtraSelections([])
            return
        block = self.source_view.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        sel = QTextEdit.ExtraSelection()
        sel.format.setBackground(FLAG)
        sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = QTextCursor(block)
        sel.cursor = cursor
        self.source_view.setExtraSelections([sel])
        self.source_view.setTextCursor(cursor)
        self.source_view.centerCursor()
        unit = self.unit
        page = unit.page_of(line) if unit is not None else None
        self.page_label.setText(f"Page {page}, line {line}" if page else f"Line {line}")

    def highlighted_line(self) -> int | None:
        sels = self.source_view.extraSelections()
        return sels[0].cursor.blockNumber() + 1 if sels else None

    # ---- editing -----------------------------------------------------------------------------
    def _edited(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or self.review is None:
            return
        kind, number = item.data(0, KEY)
        value = item.text(column).removeprefix("⚠ ").strip()
        try:
            if kind == "title" and column == 1:
                self.review.set_title(value)
            elif kind == "outcome" and column == 1:
                self.review.set_outcome_text(number, value)
            elif kind == "criterion" and column == 1:
                self.review.set_criterion_text(number, value)
            elif kind == "criterion" and column == 0:
                self.review.set_criterion_number(number, value)
            else:
                raise SpecError(self.review.source, "only the text can be changed here")
        except SpecError as exc:
            self.banner.show_message(exc.message)
        else:
            self.banner.hide()
        unit = self.unit
        if unit is not None:
            self._fill_tree(unit)  # shows what was kept (a refused change reverts)

    # ---- splitting and merging rows ----------------------------------------------------------
    def _current_criterion(self) -> str | None:
        item = self.tree.currentItem()
        key = item.data(0, KEY) if item is not None else None
        return key[1] if key and key[0] == "criterion" else None

    def split_current(self) -> None:
        """Ask which end of the selected criterion's text is a criterion of its own (a guess
        offered), then split it there."""
        number = self._current_criterion()
        if number is None or self.review is None:
            return
        text = self.review.criterion(number).text
        tail, ok = QInputDialog.getText(
            self, f"Split criterion {number}",
            f"The end of {number}'s text that is a criterion of its own:",
            text=split_suggestion(text) or text)
        if ok:
            self._change(lambda review: review.split_criterion(number, tail))

    def merge_current(self) -> None:
        number = self._current_criterion()
        if number is not None:
            self._change(lambda review: review.merge_criterion(number))

    def _change(self, change: Callable[[Review], str]) -> None:
        """Apply a row change, show the tree again and select the row it left."""
        if self.review is None or self.unit is None:
            return
        try:
            kept = change(self.review)
        except SpecError as exc:
            self.banner.show_message(exc.message)
            return
        self.banner.hide()
        self._fill_tree(self.unit)
        found = self.tree.findItems(kept, Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchEndsWith)
        rows = [i for i in found if i.data(0, KEY) == ("criterion", kept)]
        if rows:
            self.tree.setCurrentItem(rows[0])

    # ---- import ------------------------------------------------------------------------------
    def import_unit(self) -> None:
        unit = self.unit
        if unit is None or unit.spec is None:
            return
        self.import_button.setEnabled(False)
        self._busy = True
        self.status.setText("Importing…")
        run_in_background(import_reviewed, self.store, unit.spec, unit.source, writes=True,
                          on_done=self._imported, on_error=self._import_failed, owner=self)

    def _imported(self, results: list[ImportResult]) -> None:
        refs = [r.reference for r in results]
        self._busy = False
        self.status.setText("Imported " + ", ".join(f"{r.reference} (version {r.version})"
                                                    for r in results) + ".")
        self.import_button.setEnabled(True)
        self.imported.emit(refs)

    def _import_failed(self, message: str) -> None:
        self._busy = False
        self.import_button.setEnabled(True)
        self.status.setText("Not imported.")
        self.banner.show_message(message)


def choose_and_review(parent: QWidget, store: Store, who: str) -> SpecReviewDialog | None:
    """Units → Import…: ask for a file, then open its review screen (non-modal)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _filter = QFileDialog.getOpenFileName(parent, "Import unit specification", folder,
                                                REVIEW_FILES)
    if not path:
        return None
    dialog = SpecReviewDialog(store, Path(path), who, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
