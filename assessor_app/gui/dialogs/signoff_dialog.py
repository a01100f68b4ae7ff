"""Sign-off of one learner's unit: check, learner, line manager, assessor, last look, file.

Nothing is written until "File". The workflow is the core's (`assessor_app.workflow.signoff`):
each "Next" rehearses the sign-off so far, so every rule is the core's and its message is shown
inline, and "Back" can change anything without leaving half-signed records behind. The last look
is the core's rehearsed, PAdES-signed ERS; "File" calls the core once to sign, file and queue.
This dialog only gathers names, dates and strokes.

Both the record shown on the check page and every replay grow with the unit, so they run in the
background too: the dialog opens on a "Loading…" page, and "Next" shows a busy state until the
core has answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.dialogs.signoff_pages import (
    AssessorPage,
    BusyPage,
    DonePage,
    LearnerPage,
    LineManagerPage,
    LoadingPage,
    Page,
    ReviewPage,
    SignerPage,
)
from assessor_app.gui.support.fit import fit_to_screen, scrolling
from assessor_app.gui.support.messages import Banner, friendly_error
from assessor_app.gui.support.workers import Job, Loader, run_in_background
from assessor_app.gui.widgets.pdf_preview import PdfPreview
from assessor_app.signoff.content import Gaps
from assessor_app.signoff.errors import SignOffError
from assessor_app.store import Store
from assessor_app.sync.queries import read_sync_settings
from assessor_app.workflow.signoff import (
    Checked,
    Filed,
    Prepared,
    SignOffPlan,
    check_plan,
    file_plan_as,
    load_content,
    prepare_signed_pdf,
)

log = logging.getLogger(__name__)


# -- the dialog --------------------------------------------------------------------------------


def _read_record(store: Store, learner_id: int, unit_version_id: int,
                 with_profile: bool) -> tuple[dict[str, Any], Gaps, str]:
    """Worker: the record to sign and, when asked, the assessor's name from the profile."""
    content, gaps = load_content(store, learner_id, unit_version_id)
    if not with_profile:
        return content, gaps, ""
    from assessor_app.setup.profile import load_profile

    return content, gaps, load_profile(store).assessor_name


STEPS = ("Check", "Learner", "Line manager", "Assessor", "Last look")


class SignOffDialog(QDialog):
    """Modal sign-off for one learner × unit version. Emits `filed(signoff_id)` when done."""

    filed = Signal(int)

    def __init__(self, store: Store, learner_id: int, unit_version_id: int, *,
                 assessor_name: str = "", today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        # Not given: the assessor set up for this database (never a demo name), read with the
        # record on the worker, else this laptop's setting.
        self.assessor_name = assessor_name
        self.plan = SignOffPlan(learner_id, unit_version_id)
        # No keyring: the passphrase typed at start also opens the signing key; asked only if not
        self._passphrase: str | None = store.typed_passphrase
        self._job: Job | None = None
        self._filed: Filed | None = None
        self.pdf_bytes = b""
        self.discard_box: QMessageBox | None = None

        self.content: dict[str, Any] | None = None
        self._loader = Loader(self)
        self._check: Job | None = None  # the replay behind the "Next" being answered
        self.setWindowTitle("Sign off unit")
        self.setModal(True)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)

        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.steps.setAccessibleName("Sign-off steps")
        self.stack = QStackedWidget()
        self.loading = LoadingPage()
        self.busy_page = BusyPage()
        self.preview_page = Page()
        self.preview_page.title = "Last look"
        self.preview_page.next_text = "File"
        self.preview_page.focus_first = lambda: self.preview.view.setFocus()  # type: ignore[method-assign]
        self.preview = PdfPreview(self.preview_page)
        pv = QVBoxLayout(self.preview_page)
        self.preview_hint = QLabel("Last look: scroll through the signed Evidence Record Sheet. "
                                   "File it, or go Back to change something.")
        self.preview_hint.setWordWrap(True)
        pv.addWidget(self.preview_hint)
        pv.addWidget(self.preview, 1)
        self.done_page = DonePage()
        for page in (self.loading, self.busy_page, self.preview_page, self.done_page):
            self._add_page(page)

        self.banner = Banner(self)
        footer = self._build_footer()

        lay = QVBoxLayout(self)
        lay.addWidget(self.steps)
        lay.addWidget(scrolling(self.stack), 1)  # the footer's buttons stay on screen
        lay.addWidget(self.banner)
        lay.addLayout(footer)

        self.cancel_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.preview.failed.connect(self.show_problem)
        fit_to_screen(self, QSize(1040, 720))
        self._show(self.loading)
        self._loader.run(_read_record, store, learner_id, unit_version_id, not assessor_name,
                         on_done=self._content_loaded, on_error=self._content_failed)

    def _build_footer(self) -> QHBoxLayout:
        """Cancel, Back and a big Next, with a small sign that Next was heard."""
        self.cancel_button = QPushButton("Cancel")
        self.back_button = QPushButton("Back")
        self.next_button = QPushButton("Next")
        for b in (self.cancel_button, self.back_button, self.next_button):
            b.setMinimumHeight(52)
            b.setMinimumWidth(140)
        self.next_button.setDefault(True)
        big = QFont(self.next_button.font())
        big.setBold(True)
        self.next_button.setFont(big)
        self.next_button.setMinimumWidth(260)
        # A small sign that "Next" was heard while the core checks the step.
        self.checking = QProgressBar()
        self.checking.setRange(0, 0)
        self.checking.setTextVisible(False)
        self.checking.setMaximumWidth(120)
        self.checking.setAccessibleName("Checking")
        self.checking.hide()
        footer = QHBoxLayout()
        footer.addWidget(self.cancel_button)
        footer.addStretch(1)
        footer.addWidget(self.checking)
        footer.addWidget(self.back_button)
        footer.addWidget(self.next_button)
        return footer

    @property
    def busy(self) -> bool:
        """True while the record is loading or a "Next" is being checked by the core."""
        return self._loader.busy or self._check is not None

    def _add_page(self, page: Page) -> None:
        self.stack.addWidget(page)
        page.changed.connect(self.banner_clear)

    def _content_loaded(self, loaded: tuple[dict[str, Any], Gaps, str]) -> None:
        content, gaps, profile_name = loaded
        if not self.assessor_name:
            from assessor_app.gui.support.settings import AppSettings

            self.assessor_name = profile_name or AppSettings().assessor_name
        self.content = content
        self.setWindowTitle(f"Sign off {content['unit']['reference']} — "
                            f"{content['learner']['name']}")
        self.review = ReviewPage(content, gaps)
        self.learner = LearnerPage(content, self.today)
        self.line_manager = LineManagerPage(content, self.today)
        self.assessor = AssessorPage(content, self.today, self.assessor_name)
        for page in (self.review, self.learner, self.line_manager, self.assessor):
            self._add_page(page)
        self._show(self.review)

    def _content_failed(self, message: str) -> None:
        self.loading.message.setText("The record could not be read.")
        self.loading.bar.hide()
        self.show_problem(message)

    # -- navigation ----------------------------------------------------------------------------

    def current(self) -> Page:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def _show(self, page: Page) -> None:
        self.banner_clear()
        self.stack.setCurrentWidget(page)
        index = 0 if page is self.loading else self._signing_pages().get(page, 4)
        self.steps.setText(" &nbsp;›&nbsp; ".join(
            f"<b><u>{i + 1}. {name}</u></b>" if i == index else f"{i + 1}. {name}"
            for i, name in enumerate(STEPS)))
        self.next_button.setText(page.next_text)
        waiting = page is self.busy_page or page is self.loading
        filed = page is self.done_page
        self.next_button.setEnabled(not waiting)
        self.back_button.setVisible(not filed)
        self.back_button.setEnabled(not waiting and self._signing_pages().get(page) != 0)
        self.cancel_button.setVisible(not filed)
        page.focus_first()

    def _signing_pages(self) -> dict[Page, int]:
        if self.content is None:
            return {}
        return {self.review: 0, self.learner: 1, self.line_manager: 2, self.assessor: 3}

    def go_back(self) -> None:
        page = self.current()
        if self.busy or self.content is None:
            return
        order: list[Page] = [self.review, self.learner, self.line_manager, self.assessor]
        if page is self.preview_page:
            self.preview.clear()
            self._show(self.assessor)
        elif page in order and page is not self.review:
            # The page we return to is open for changes again: un-record its signer (and anyone
            # after) so the plan only holds signatures from pages already passed.
            dest = order[order.index(page) - 1]
            if isinstance(dest, SignerPage):
                self._drop_signers_from(dest)
            else:
                self.plan.signers = []
            self._show(dest)

    def go_next(self) -> None:
        page = self.current()
        if self.busy or page is self.loading or page is self.busy_page:
            return  # one check at a time: a second press waits for the first answer
        try:
            if page is self.review:
                self._pass_review()
            elif isinstance(page, SignerPage):
                self._pass_signer(page)
            elif page is self.preview_page:
                self._start_filing()
            elif page is self.done_page:
                self.accept()
        except SignOffError as exc:
            self.show_problem(str(exc))
        except Exception as exc:  # noqa: BLE001 - the user gets a sentence, the log the trace
            log.exception("sign-off step failed")
            self.show_problem(friendly_error(exc))

    def _pass_review(self) -> None:
        self.plan.partial_reason = self.review.partial_reason()
        self.plan.expected_hash = ""
        self.plan.signers = []

        def passed(content_hash: str) -> None:
            self.plan.expected_hash = content_hash
            self._show(self.learner)

        self._check_step(SignOffPlan(**{**self.plan.__dict__, "signers": []}), passed)

    def _drop_signers_from(self, page: SignerPage) -> None:
        roles = ["learner", "line_manager", "assessor"]
        keep = roles[: roles.index(page.role)]
        self.plan.signers = [s for s in self.plan.signers if s.role in keep]

    def _pass_signer(self, page: SignerPage) -> None:
        self._drop_signers_from(page)
        entry = page.collect()
        trial = SignOffPlan(**{**self.plan.__dict__, "signers": [*self.plan.signers, entry]})
        if page is self.assessor:
            self.plan = trial
            self._start_prepare()
            return

        def passed(_content_hash: str) -> None:
            self.plan = trial
            self._show(self.line_manager if page is self.learner else self.assessor)

        self._check_step(trial, passed)  # the core's message is shown if anything is off

    # -- background steps ----------------------------------------------------------------------

    def _check_step(self, plan: SignOffPlan, passed: Callable[[str], None]) -> None:
        """Replay `plan` in the background with the page held still (busy cursor, Next and Back
        off, the page's fields frozen so what is checked is what is shown); then `passed(hash)`,
        or the core's message under the page, which stays."""
        page = self.current()
        focus = self.focusWidget()
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        page.setEnabled(False)
        self.checking.show()
        self.setCursor(Qt.CursorShape.BusyCursor)

        def settle() -> None:
            self._check = None
            self.unsetCursor()
            self.checking.hide()
            page.setEnabled(True)
            self.next_button.setEnabled(True)
            self.back_button.setEnabled(page is not self.review)
            if focus is not None and focus.isVisible():
                focus.setFocus()

        def done(result: Checked) -> None:
            settle()
            if result.problem:
                self.show_problem(result.problem)
            else:
                passed(result.content_hash)

        def failed(message: str) -> None:
            settle()
            self.show_problem(message)

        # A replay is a write transaction (rolled back): it joins the single writer's queue.
        self._check = run_in_background(check_plan, self.store, plan, self.today, on_done=done,
                                        on_error=failed, owner=self, writes=True)

    def _start_prepare(self) -> None:
        # The assessor's signature is replayed first, so its rule errors come back before any
        # rendering and are shown on the assessor's page.
        self._check_step(self.plan, lambda _hash: self._render_signed_pdf())

    def _render_signed_pdf(self) -> None:
        self._show(self.busy_page)
        self.busy_page.message.setText("Creating the signed Evidence Record Sheet…")
        self._job = run_in_background(
            prepare_signed_pdf, self.store, self.plan, self.today, self.assessor.name.text(),
            self._passphrase, on_done=self._prepared, on_error=self._background_failed,
            on_progress=self.busy_page.set_progress, owner=self)

    def _prepared(self, result: Prepared) -> None:
        self._job = None
        if result.needs_passphrase:
            self._show(self.assessor)
            if self._ask_passphrase(result.needs_passphrase):
                self._start_prepare()
            return
        if result.error:
            self._background_failed(result.error)
            return
        self.pdf_bytes = result.pdf
        self.preview.load_bytes(result.pdf)
        self._show(self.preview_page)

    def _ask_passphrase(self, why: str) -> bool:
        text, ok = QInputDialog.getText(self, "Signing key passphrase", why,
                                        QLineEdit.EchoMode.Password)
        if ok and text:
            self._passphrase = text
            return True
        self.show_problem("The ERS cannot be signed without the signing key's passphrase.")
        return False

    def _start_filing(self) -> None:
        self._show(self.busy_page)
        self.busy_page.message.setText("Filing the signed Evidence Record Sheet…")
        self.busy_page.bar.setRange(0, 0)
        self._job = run_in_background(
            _file_and_check_sync, self.store, self.plan, self.today, self.assessor.name.text(),
            self._passphrase, on_done=self._was_filed, on_error=self._filing_failed, writes=True,
            owner=self)

    def _was_filed(self, outcome: tuple[Filed, bool]) -> None:
        result, sync_set_up = outcome
        self._job = None
        self._filed = result
        self.done_page.show_filed(result.filename, result.queued, sync_set_up)
        self._show(self.done_page)
        self.filed.emit(result.signoff_id)

    def _background_failed(self, message: str) -> None:
        self._job = None
        self._show(self.assessor)
        self.show_problem(message)

    def _filing_failed(self, message: str) -> None:
        self._job = None
        self._show(self.preview_page)
        self.show_problem(message)

    # -- messages and leaving ------------------------------------------------------------------

    def show_problem(self, message: str) -> None:
        self.banner.show_message(message, "error")

    def banner_clear(self) -> None:
        if self.banner.isVisible():
            self.banner.dismiss()

    def problem_text(self) -> str:
        return self.banner.text() if self.banner.isVisible() else ""

    def _has_input(self) -> bool:
        if self.content is None:
            return False  # still loading (or the record could not be read): nothing entered
        return self.current() is not self.review or bool(self.review.partial_reason())

    def reject(self) -> None:
        """Esc, Cancel or the close button: ask before throwing away what was collected."""
        if self._filed is not None or not self._has_input():
            self._cancel_job()
            super().reject()
            return
        if self.current() is self.busy_page and self._job is not None and self.plan.signers \
                and self.busy_page.message.text().startswith("Filing"):
            return  # filing is quick and must not be interrupted half-way
        box = QMessageBox(QMessageBox.Icon.Question, "Discard this sign-off?",
                          "Discard this sign-off? Nothing has been filed yet; the signatures "
                          "collected so far will be lost.", QMessageBox.StandardButton.NoButton,
                          self)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep signing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.discard_box = box

        def answered() -> None:
            self.discard_box = None
            if box.clickedButton() is discard:
                self._cancel_job()
                # Close after the box has finished its own click handling.
                QTimer.singleShot(0, lambda: QDialog.reject(self))

        box.finished.connect(answered)
        box.open()

    def _cancel_job(self) -> None:
        self._loader.cancel()
        for job in (self._job, self._check):
            if job is not None:
                job.cancel()
        self._job = None
        self._check = None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Return in a text box on a signer page should not skip past the signature.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                isinstance(self.current(), SignerPage) and self.current().signature.pad.is_empty():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._filed is not None or not self._has_input():
            self._cancel_job()
            event.accept()
            return
        event.ignore()
        self.reject()


def _file_and_check_sync(store: Store, plan: SignOffPlan, today: date, assessor_name: str,
                         passphrase: str | None) -> tuple[Filed, bool]:
    """Pool thread: file the ERS, and say whether sync is set up (the last page tells the
    assessor where the PDF goes next)."""
    filed = file_plan_as(store, plan, today, assessor_name, passphrase)
    return filed, read_sync_settings(store) is not None
