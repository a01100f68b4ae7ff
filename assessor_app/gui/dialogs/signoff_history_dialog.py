"""Every sign-off of one learner's unit, newest first, with its Evidence Record Sheet.

Audits need the superseded and void versions as well as the standing one, so all are listed and
each ERS can be shown, saved and verified:

* a sign-off with a filed document shows the PAdES-signed PDF exactly as filed (Verify checks it);
* one without (never completed, or filing failed) is rendered from its own snapshot as an unsigned
  copy, which the layout marks VOID / NOT COMPLETED on every page.

Reading, rendering and verifying run on pool threads; the dialog only shows the results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor_app.ers.filing import attachment_images, read_ers_document
from assessor_app.ers.layout import UNFINISHED_MARK, VOID_MARK, render_ers
from assessor_app.ers.pdf_signing import VerifyResult, verify_pdf
from assessor_app.ers.queries import ers_view, signoff_history
from assessor_app.gui.dialogs.dialog_parts import record_table
from assessor_app.gui.models.base import RowTableModel
from assessor_app.gui.models.overview_models import day, signed_date, signoff_status
from assessor_app.gui.support import theme
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner, show_error
from assessor_app.gui.support.workers import run_in_background
from assessor_app.gui.widgets.pdf_preview import PdfPreview
from assessor_app.signoff.rules import ROLE_LABEL
from assessor_app.signoff.service import SignOffSummary
from assessor_app.store import Store
from assessor_app.store.models import ErsDocument

_Index = QModelIndex | QPersistentModelIndex
SIGNOFF_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# Short status words for the history table (the learner page uses the longer ones).
HISTORY_LABELS = {"signed": "✔ Signed", "partial": "◑ Partial", "in_progress": "✎ In progress",
                  "void": "⚠ Void", "superseded": "⤺ Superseded",
                  "not_completed": "✖ Not completed"}


@dataclass(frozen=True)
class HistoryRow:
    summary: SignOffSummary
    document: ErsDocument | None  # the filed, signed PDF, if there is one


@dataclass(frozen=True)
class ErsPdf:
    signoff_id: int
    data: bytes
    filed: bool  # True: the signed PDF as filed; False: an unsigned copy rendered now
    filename: str  # suggested file name (no learner name)


def load_history(store: Store, learner_id: int, unit_id: int) -> list[HistoryRow]:
    """Pool thread: the unit's sign-offs for the learner, newest first, with filed documents."""
    return [HistoryRow(s, doc) for s, doc in signoff_history(store, learner_id, unit_id)]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def copy_filename(summary: SignOffSummary) -> str:
    kind = signoff_status(summary).kind.replace("_", "-")
    return (f"ERS_{_slug(summary.unit_reference)}_signoff-{summary.id}_{kind}"
            f"_unsigned-copy.pdf")


def load_ers_pdf(store: Store, row: HistoryRow) -> ErsPdf:
    """Pool thread: the filed PDF's bytes (hash-checked), else a copy rendered from the snapshot."""
    s = row.summary
    if row.document is not None:
        return ErsPdf(s.id, read_ers_document(store, row.document), True, row.document.filename)
    return ErsPdf(s.id, render_ers(ers_view(store, s.id), attachment_images(store)), False,
                  copy_filename(s))


def signer_names(s: SignOffSummary) -> str:
    """Names in signing order (learner, line manager, assessor): short enough for a cell."""
    return ", ".join(g.printed_name for g in s.signatures) or "—"


def signers_text(s: SignOffSummary) -> str:
    parts = []
    for g in s.signatures:
        title = f" ({g.job_title})" if g.job_title else ""
        parts.append(f"{ROLE_LABEL.get(g.role, g.role)}: {g.printed_name}{title}")
    return " · ".join(parts) or "—"


class SignOffHistoryModel(RowTableModel):
    """One `HistoryRow` per sign-off, newest first."""

    HEADERS = ("Status", "Signed", "Signed by", "Started", "Void reason / note", "Content hash",
               "ERS")

    def row(self, index: _Index) -> HistoryRow | None:
        return self._rows[index.row()] if index.isValid() else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        r: HistoryRow = self._rows[index.row()]
        s = r.summary
        if role == SIGNOFF_ID_ROLE:
            return s.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        status = signoff_status(s)
        col = index.column()
        if col == 0:
            return HISTORY_LABELS.get(status.kind, status.text)
        if col == 1:
            return day(signed_date(s)) if s.completed_at else "—"
        if col == 2:
            return signer_names(s)
        if col == 3:
            return day(s.created_at)
        if col == 4:
            if s.status == "void":
                return f"{day(s.voided_at)}: {s.void_reason}"
            return f"Partial: {s.partial_reason}" if s.partial else ""
        if col == 5:
            return s.content_hash[:12]
        if col == 6:
            return "Filed (signed PDF)" if r.document else "Not filed"
        return None

    @staticmethod
    def _tooltip(r: HistoryRow) -> str:
        s = r.summary
        lines = [f"Sign-off {s.id}: {signoff_status(s).detail}", f"Signed by: {signers_text(s)}",
                 f"Content hash: {s.content_hash}"]
        if r.document is not None:
            lines.append(f"Filed as {r.document.filename} (SHA-256 {r.document.sha256[:16]}…)")
        else:
            lines.append("No filed PDF: Open ERS shows an unsigned copy made from the snapshot.")
        return "\n".join(lines)


class SignOffHistoryDialog(QDialog):
    """The sign-off history of one learner's unit, with the ERS preview below the list."""

    history_loaded = Signal(int)  # number of sign-offs
    ers_shown = Signal(int)  # sign-off id, once its PDF is in the preview
    verified = Signal(object)  # VerifyResult
    saved = Signal(str)  # path written

    def __init__(self, store: Store, learner_id: int, unit_id: int, unit_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.learner_id = learner_id
        self.unit_id = unit_id
        self.setObjectName("signoffHistoryDialog")
        self.setWindowTitle(f"Sign-offs and ERS — {unit_label}")
        self._pdf: ErsPdf | None = None  # what the preview shows
        self._wanted: int | None = None  # sign-off whose PDF is being fetched (stale guard)
        self._save_after_load = False

        heading = QLabel(f"<b>{unit_label}</b><br>Every sign-off of this unit, newest first. "
                         "Void and superseded ones are kept, with their ERS, for audit.")
        heading.setWordWrap(True)
        self.banner = Banner()
        self._build_table()
        buttons = self._build_buttons()
        self._build_preview_labels()

        top = QWidget()
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        top_lay.addWidget(heading)
        top_lay.addWidget(self.banner)
        top_lay.addWidget(self.table, 1)
        top_lay.addLayout(buttons)
        bottom = QWidget()
        bottom_lay = QVBoxLayout(bottom)
        bottom_lay.setContentsMargins(0, 4, 0, 0)
        bottom_lay.addWidget(self.shown_label)
        bottom_lay.addWidget(self.verify_label)
        bottom_lay.addWidget(self.preview, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(top)
        self.split.addWidget(bottom)
        self.split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.split)

        self._fit_to_screen()
        self._update_buttons()
        self.reload()

    def _build_table(self) -> None:
        """The sign-offs of the unit, one a row; Enter opens the ERS of the row."""
        self.model = SignOffHistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("signoffHistoryTable")
        self.table.setAccessibleName("Sign-offs of this unit")
        self.table.setModel(self.model)
        record_table(self.table, self.fontMetrics().height() + 12)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        h = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        for col, sample in ((0, "✖ Not completed"), (1, "28 Nov 2026"), (3, "28 Nov 2026"),
                            (4, "28 Nov 2026: evidence OBS-1 edited"), (5, "0123456789ab"),
                            (6, "Filed (signed PDF)")):
            h.resizeSection(col, fm.horizontalAdvance(sample) + 28)
        self.table.activated.connect(lambda _i: self.open_ers())
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

    def _build_buttons(self) -> QHBoxLayout:
        """Open, Save PDF as…, Verify and Close, in a row."""
        self.open_button = QPushButton("Open ERS")
        self.open_button.setToolTip("Show this sign-off's Evidence Record Sheet below (Enter)")
        self.open_button.clicked.connect(self.open_ers)
        self.save_button = QPushButton("Save PDF as…")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip("Save this sign-off's ERS as a PDF file (Ctrl+S)")
        self.save_button.clicked.connect(self.save_pdf)
        self.verify_button = QPushButton("Verify")
        self.verify_button.setToolTip("Check the filed PDF's digital signature and content hash")
        self.verify_button.clicked.connect(self.verify)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.save_button, self.verify_button):
            b.setMinimumHeight(32)
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        return buttons

    def _build_preview_labels(self) -> None:
        """What the preview shows and the verification result above it, then the preview."""
        self.shown_label = QLabel("")
        self.shown_label.setObjectName("ersShownLabel")
        self.shown_label.setWordWrap(True)
        self.shown_label.setAutoFillBackground(True)
        self.shown_label.setMargin(6)
        self.shown_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_label = QLabel("")
        self.verify_label.setObjectName("ersVerifyLabel")
        self.verify_label.setWordWrap(True)
        self.verify_label.setAutoFillBackground(True)
        self.verify_label.setMargin(6)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_label.hide()
        self.preview = PdfPreview()
        self.preview.failed.connect(self.banner.show_error)

    def _fit_to_screen(self) -> None:
        height = fit_to_screen(self, QSize(1180, 720)).height()
        self.split.setSizes([min(230, height // 3), height - min(230, height // 3)])

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        run_in_background(load_history, self.store, self.learner_id, self.unit_id,
                          on_done=self._history_loaded, on_error=self.banner.show_error)

    def _history_loaded(self, rows: list[HistoryRow]) -> None:
        self.model.set_rows(rows)
        if not rows:
            self.shown_label.setText("This unit has not been signed off yet: use Sign off "
                                     "unit… (Ctrl+Shift+S).")
        else:
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.setFocus()
            self.open_ers()  # the newest is what people usually came to see
        self._update_buttons()
        self.history_loaded.emit(len(rows))

    def current_row(self) -> HistoryRow | None:
        return self.model.row(self.table.currentIndex())

    def select_signoff(self, signoff_id: int) -> None:
        for i, r in enumerate(self.model.rows()):
            if r.summary.id == signoff_id:
                self.table.setCurrentIndex(self.model.index(i, 0))
                return
        raise LookupError(f"Sign-off {signoff_id} is not listed")

    def _update_buttons(self, *_: object) -> None:
        row = self.current_row()
        for b in (self.open_button, self.save_button):
            b.setEnabled(row is not None)
        self.verify_button.setEnabled(row is not None and row.document is not None)
        if row is not None and row.document is None:
            self.verify_button.setToolTip("Only a filed, signed PDF can be verified; this "
                                          "sign-off has none.")
        else:
            self.verify_button.setToolTip("Check the filed PDF's digital signature and content "
                                          "hash")

    # -- the ERS -----------------------------------------------------------------------------
    def open_ers(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if self._pdf is not None and self._pdf.signoff_id == row.summary.id:
            return
        self._fetch(row)

    def _fetch(self, row: HistoryRow) -> None:
        self._wanted = row.summary.id
        self.verify_label.hide()
        self.shown_label.setPalette(self.palette())
        what = "Reading the filed ERS…" if row.document else "Preparing an unsigned copy from " \
            "the sign-off's snapshot…"
        self.shown_label.setText(f"⏳ {what}")
        run_in_background(load_ers_pdf, self.store, row,
                          on_done=self._pdf_ready, on_error=self._pdf_failed)

    def _pdf_failed(self, message: str) -> None:
        self._save_after_load = False
        self.shown_label.setText("")
        self.banner.show_error(message)

    def _pdf_ready(self, pdf: ErsPdf) -> None:
        if pdf.signoff_id != self._wanted:
            return  # the user picked another sign-off meanwhile
        row = next((r for r in self.model.rows() if r.summary.id == pdf.signoff_id), None)
        if row is None:
            return
        self._pdf = pdf
        self.shown_label.setText(self._describe(row, pdf))
        # Void, superseded and unsigned copies get the warning strip: the PDF of a void
        # sign-off looks exactly like a standing one, so the words above it must not be missed.
        standing = pdf.filed and row.summary.status == "signed"
        self.shown_label.setPalette(self.palette() if standing else theme.banner_palette(
            self.palette(), "warning"))
        self.preview.load_bytes(pdf.data)
        self.ers_shown.emit(pdf.signoff_id)
        if self._save_after_load:
            self._save_after_load = False
            self._ask_and_save(pdf)

    @staticmethod
    def _describe(row: HistoryRow, pdf: ErsPdf) -> str:
        s = row.summary
        status = signoff_status(s)
        if not pdf.filed:
            mark = VOID_MARK if s.status == "void" else UNFINISHED_MARK
            return (f"<b>Unsigned copy</b> of sign-off {s.id}, made from its stored snapshot and "
                    f"marked “{mark}” on every page. It carries no digital signature. "
                    f"{status.detail.splitlines()[0]}")
        if status.kind in ("void", "superseded"):
            return (f"⚠ <b>{HISTORY_LABELS[status.kind][2:].upper()}</b> — sign-off {s.id}. "
                    f"Shown: the signed PDF as it was filed ({pdf.filename}); its signatures no "
                    f"longer stand. {status.detail.splitlines()[0]}")
        return (f"{HISTORY_LABELS.get(status.kind, '')}: sign-off {s.id}, the signed PDF as filed "
                f"({pdf.filename}).")

    def save_pdf(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if self._pdf is not None and self._pdf.signoff_id == row.summary.id:
            self._ask_and_save(self._pdf)
        else:  # fetch (and show) it first; the file dialog follows
            self._save_after_load = True
            self._fetch(row)

    def _ask_and_save(self, pdf: ErsPdf) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / pdf.filename) if folder else pdf.filename
        path, _filter = QFileDialog.getSaveFileName(self, "Save the ERS as a PDF", suggested,
                                                    "PDF files (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            Path(path).write_bytes(pdf.data)
        except OSError as exc:
            show_error(self, "Save PDF", exc)
            return
        kind = "signed PDF" if pdf.filed else "unsigned copy"
        self.banner.show_message(f"Saved the {kind} as {path}.", "info", timeout_ms=8000)
        self.saved.emit(path)

    def verify(self) -> None:
        row = self.current_row()
        if row is None or row.document is None:
            return
        self.verify_label.setText("⏳ Checking the signature…")
        self.verify_label.setPalette(self.palette())
        self.verify_label.show()
        signoff_id = row.summary.id

        def check(store: Store, doc: ErsDocument) -> VerifyResult:
            return verify_pdf(read_ers_document(store, doc))

        run_in_background(check, self.store, row.document,
                          on_done=lambda r: self._verified(signoff_id, r),
                          on_error=lambda m: self._verified(signoff_id, m))

    def _verified(self, signoff_id: int, result: VerifyResult | str) -> None:
        if isinstance(result, str):  # the file could not be read at all
            result = VerifyResult(False, f"NOT VALID: {result}", result)
        row = self.current_row()
        void = row is not None and row.summary.id == signoff_id and row.summary.status == "void"
        symbol = "✔" if result.ok else "✖"
        note = " The file is intact, but this sign-off is void: its signatures no longer " \
            "stand." if (result.ok and void) else ""
        summary = result.summary.rstrip(".")
        self.verify_label.setText(f"{symbol} Sign-off {signoff_id}: {summary}.{note}")
        self.verify_label.setPalette(theme.banner_palette(
            self.palette(), "met" if result.ok and not void else "warning" if result.ok
            else "error"))
        self.verify_label.show()
        self.verified.emit(result)
