"""Export a signed sync bundle (zip) for a site with no network or for the IQA.

Runs in the background with a progress bar; Cancel stops it and leaves no partial file (the
core writes to a temporary name and only renames a finished bundle into place).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSize, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor_app.evidence.queries import learner_choices
from assessor_app.gui.support.fit import fit_to_screen
from assessor_app.gui.support.messages import Banner
from assessor_app.gui.support.workers import Job, Loader, run_in_background
from assessor_app.gui.support.workers_sync import BundleOutcome, export_bundle_job
from assessor_app.store import Store


def default_bundle_path(today: date | None = None) -> Path:
    """In Documents, named by date only: no learner's name in a file that leaves the laptop."""
    folder = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(folder) / f"assessor-bundle-{(today or date.today()).isoformat()}.zip"


class BundleExportDialog(QDialog):
    exported = Signal(str)  # the bundle's path

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 learner_id: int | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Export a sync bundle")
        self._job: Job | None = None
        self._passphrase: str | None = None
        self.result_outcome: BundleOutcome | None = None

        self.learner = QComboBox()
        self.learner.addItem("All learners", None)
        self._loader = Loader(self)  # the learner list grows with the caseload: read it off-thread
        self._loader.run(learner_choices, store, on_done=lambda rows: self._learners_loaded(
            rows, learner_id))
        self.use_since = QCheckBox("Only records changed since")
        today = date.today()
        self.since = QDateEdit(QDate(today.year, today.month, 1))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("d MMMM yyyy")
        self.since.setEnabled(False)
        self.use_since.toggled.connect(self.since.setEnabled)
        since_row = QHBoxLayout()
        since_row.addWidget(self.use_since)
        since_row.addWidget(self.since, 1)
        self.path = QLineEdit(str(default_bundle_path()))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Learner", self.learner)
        form.addRow("Date", since_row)
        form.addRow("Save as", path_row)

        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = Banner(self)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)

        lay = QVBoxLayout(self)
        intro = QLabel("A bundle holds the filed ERSs, evidence and judgements, signed with "
                       "your key so the centre can check nothing was changed.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.bar)
        lay.addWidget(self.status)
        lay.addWidget(self.banner)
        lay.addLayout(buttons)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        fit_to_screen(self, QSize(620, self.sizeHint().height()))

    @property
    def busy(self) -> bool:
        """Still reading the learner list."""
        return self._loader.busy

    def _learners_loaded(self, rows: list[tuple[int, str, str]], selected: int | None) -> None:
        for learner_id, name, registration in rows:
            self.learner.addItem(f"{name} ({registration})", registration)
            if learner_id == selected:
                self.learner.setCurrentIndex(self.learner.count() - 1)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the bundle as", self.path.text(),
                                                "Sync bundle (*.zip)")
        if chosen:
            self.path.setText(chosen if chosen.endswith(".zip") else chosen + ".zip")

    def is_running(self) -> bool:
        return self._job is not None

    def start_export(self) -> None:
        self.banner.dismiss()
        text = self.path.text().strip()
        if not text:
            self.banner.show_message("Choose where to save the bundle.", "error")
            return
        out = Path(text).expanduser()
        if out.is_dir():
            self.banner.show_message("That is a folder; add a file name ending in .zip.", "error")
            return
        since = None
        if self.use_since.isChecked():
            d = self.since.date()
            since = date(d.year(), d.month(), d.day())
        self.bar.setValue(0)
        self.bar.show()
        self.status.setText("Starting…")
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self._job = run_in_background(
            export_bundle_job, self.store, out, learner_registration=self.learner.currentData(),
            since=since, passphrase=self._passphrase, on_done=self._finished,
            on_error=self._failed, on_progress=self._progress)

    def _progress(self, percent: int, text: str) -> None:
        self.bar.setValue(percent)
        self.status.setText(text)

    def _finished(self, outcome: BundleOutcome) -> None:
        self._job = None
        self.export_button.setEnabled(True)
        self.result_outcome = outcome
        if outcome.needs_passphrase:
            self.bar.hide()
            text, ok = QInputDialog.getText(self, "Signing key passphrase",
                                            outcome.needs_passphrase, QLineEdit.EchoMode.Password)
            if ok and text:
                self._passphrase = text
                self.start_export()
            else:
                self.status.setText("Not exported: the bundle must be signed with your key.")
            return
        if outcome.cancelled:
            self._stopped()
            return
        if outcome.error:
            self._failed(outcome.error)
            return
        assert outcome.path is not None
        self.bar.setValue(100)
        mb = outcome.size / 1_000_000
        self.status.setText(f"Exported {outcome.files} files ({mb:.1f} MB) to {outcome.path}. "
                            f"Key fingerprint: {outcome.fingerprint}")
        self.cancel_button.setText("Close")
        self.exported.emit(str(outcome.path))

    def _failed(self, message: str) -> None:
        self._job = None
        self.export_button.setEnabled(True)
        self.bar.hide()
        self.status.setText("")
        self.banner.show_message(message, "error")

    def _stopped(self) -> None:
        self.export_button.setEnabled(True)
        self.bar.hide()
        self.status.setText("Export cancelled; no bundle was written.")

    def cancel_or_close(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
            self._stopped()
            return
        self.reject()

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().done(result)
