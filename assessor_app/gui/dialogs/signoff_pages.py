"""The pages of the sign-off dialog: one job per page, big controls, plain words.

Pages only collect input and show it; the dialog asks the sign-off core whether it is acceptable
(every rule lives in `assessor_app.signoff`).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from assessor_app.gui.support import theme
from assessor_app.gui.widgets.signature_pad import SignatureField
from assessor_app.signoff.content import Gaps
from assessor_app.signoff.rules import UNIT_INCOMPLETE, describe_gaps
from assessor_app.specs.requirements import group_keys
from assessor_app.store.models import EvidenceKind
from assessor_app.workflow.signoff import SignerInput

JUDGEMENT_WORDS = {"met": ("●", "Met"), "not_yet": ("◐", "Not yet met"),
                   "none": ("○", "No judgement yet")}


def human_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _short_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%b %Y}"


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


def _para(text: str, *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


def _declaration_box(text: str) -> QLabel:
    """The words being agreed to, set apart so they read as the thing that matters."""
    label = QLabel(f"“{text}”")
    label.setWordWrap(True)
    label.setObjectName("declaration")
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setMargin(12)
    label.setAutoFillBackground(True)
    pal = label.palette()
    pal.setColor(pal.ColorRole.Window, theme.state_fill(pal, "info"))
    pal.setColor(pal.ColorRole.WindowText, pal.color(pal.ColorRole.Text))
    label.setPalette(pal)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


def _big_line_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(40)
    edit.setClearButtonEnabled(True)
    return edit


def _date_edit(initial: date) -> QDateEdit:
    edit = QDateEdit(QDate(initial.year, initial.month, initial.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMMM yyyy")
    edit.setMinimumHeight(40)
    edit.setMinimumWidth(200)
    return edit


def _qdate_to_date(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class Page(QWidget):
    """Base: a title for the step indicator, the Next button's words, and what gets focus."""

    title = ""
    next_text = "Next"
    changed = Signal()

    def focus_first(self) -> None:
        self.focusNextChild()


# -- 1. what is being signed -------------------------------------------------------------------


class LoadingPage(Page):
    """The check step while the record is read in the background (it grows with the unit)."""

    title = "Check"
    next_text = "Hand to the learner"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addWidget(_heading("Check what is being signed"))
        lay.addStretch(1)
        self.message = _para("Loading the learner's record for this unit…")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAccessibleName("Loading")
        lay.addWidget(self.message)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(240)
        lay.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(2)

    def focus_first(self) -> None:
        self.setFocus()


def content_html(content: dict[str, Any]) -> str:
    """The record in plain HTML for a QTextBrowser: criteria and judgements, requirements,
    evidence. Symbols and words both carry the state, so it reads in greyscale too."""
    e = html.escape
    unit = content["unit"]
    learner = content["learner"]
    parts = [
        f"<p><b>{e(learner['name'])}</b> ({e(learner['registration'])})"
        + (f" · {e(learner['employer'])}" if learner.get("employer") else "")
        + f"<br><b>{e(unit['reference'])}</b> {e(unit['title'])}"
        + (f" · Level {unit['level']}" if unit.get("level") else "")
        + (f" · {unit['credit']} credits" if unit.get("credit") else "") + "</p>",
        "<h3>Assessment criteria</h3>",
        "<table cellspacing='0' cellpadding='4' width='100%' border='1' "
        "style='border-collapse: collapse; border-color: palette(mid)'>",
        "<tr><th align='left'>No.</th><th align='left'>The learner can…</th>"
        "<th align='left'>Judgement</th><th align='left'>Evidence</th></tr>",
    ]
    for outcome in content["outcomes"]:
        parts.append(f"<tr><td colspan='4'><b>{e(outcome['number'])} "
                     f"{e(outcome['text'])}</b></td></tr>")
        for c in outcome["criteria"]:
            symbol, word = JUDGEMENT_WORDS.get(c["judgement"], ("?", c["judgement"]))
            when = f" {_short_date(c['met_on'])}" if c.get("met_on") else ""
            parts.append(
                f"<tr><td>{e(c['number'])}</td><td>{e(c['text'])}</td>"
                f"<td>{symbol} {word}{when}</td><td>{e(', '.join(c['evidence']))}</td></tr>")
    parts.append("</table>")
    if content["requirements"]:
        reqs = content["requirements"]
        leaves = [r for r in reqs if not r.get("group")]
        ticked = sum(1 for r in leaves if r["ticked"])
        parts.append(f"<h3>Evidence requirements ({ticked} of {len(leaves)} ticked)</h3><ul>")
        # A group heading ("4 … with:") has no box; its lettered items are listed under it.
        parents = group_keys((r["key"], bool(r.get("group"))) for r in reqs)
        in_group = False
        for r, parent in zip(reqs, parents, strict=True):
            if in_group and parent is None:
                parts.append("</ul></li>")
                in_group = False
            if r.get("group"):
                parts.append(f"<li><b>{e(r['key'])}. {e(r['text'])}</b><ul>")
                in_group = True
                continue
            mark = "☑" if r["ticked"] else "☐ <b>not ticked</b>"
            refs = f" — {e(', '.join(r['evidence']))}" if r["evidence"] else ""
            parts.append(f"<li>{mark} {e(r['key'])}. {e(r['text'])}{refs}</li>")
        if in_group:
            parts.append("</ul></li>")
        parts.append("</ul>")
    parts.append("<h3>Evidence</h3>")
    if content["evidence"]:
        parts.append("<ul>")
        for ev in content["evidence"]:
            kind = EvidenceKind.label_of(ev["kind"])
            title = f": {e(ev['title'])}" if ev.get("title") else ""
            parts.append(f"<li><b>{e(ev['ref'])}</b> {e(kind)}, {_short_date(ev['date'])}"
                         f"{title}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No evidence is linked to this unit.</p>")
    return "".join(parts)


class ReviewPage(Page):
    """For the assessor: what exactly will be signed; gaps and the partial-ERS reason."""

    title = "Check"
    next_text = "Hand to the learner"

    def __init__(self, content: dict[str, Any], gaps: Gaps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gaps = gaps
        lay = QVBoxLayout(self)
        lay.addWidget(_heading("Check what is being signed"))
        lay.addWidget(_para("Assessor: read this through. Everyone who signs is agreeing to "
                            "exactly this record."))
        self.record = QTextBrowser()
        self.record.setOpenLinks(False)
        self.record.setHtml(content_html(content))
        self.record.setAccessibleName("The record being signed")
        lay.addWidget(self.record, 1)

        self.reason = QPlainTextEdit()
        self.gap_box: QGroupBox | None = None
        if not gaps.complete:
            box = QGroupBox()
            self.gap_box = box
            inner = QVBoxLayout(box)
            title = _para(f"⚠  {UNIT_INCOMPLETE}")
            bold = QFont(title.font())
            bold.setBold(True)
            title.setFont(bold)
            inner.addWidget(title)
            inner.addWidget(_para(f"Missing — {describe_gaps(gaps)}."))
            inner.addWidget(_para("You can still sign it off as a partial ERS (it will say it is "
                                  "not a completion claim). Write why:"))
            self.reason.setPlaceholderText("For example: learner leaving the company; "
                                           "remaining criteria to be assessed at the new employer")
            self.reason.setMaximumHeight(80)
            self.reason.setAccessibleName("Reason for a partial ERS")
            self.reason.setTabChangesFocus(True)
            self.reason.textChanged.connect(self.changed)
            inner.addWidget(self.reason)
            lay.addWidget(box)
            self.next_text = "Sign as partial — hand to the learner"

    def partial_reason(self) -> str:
        return self.reason.toPlainText().strip() if self.gap_box else ""

    def focus_first(self) -> None:
        (self.reason if self.gap_box else self.record).setFocus()


# -- 2–4. the signers ----------------------------------------------------------------------------


class SignerPage(Page):
    """Shared layout: heading, what to do, the declaration, a few fields, the signature."""

    role = ""

    def __init__(self, heading: str, intro: str, declaration: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(_heading(heading))
        self.intro = _para(intro, rich=True)
        self.outer.addWidget(self.intro)
        self.declaration = _declaration_box(declaration)
        self.outer.addWidget(self.declaration)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.outer.addLayout(self.form)
        self.signature = SignatureField()
        self.signature.changed.connect(self.changed)
        self.outer.addWidget(self.signature, 1)

    def strokes_json(self) -> str:
        return self.signature.pad.to_json()

    def collect(self) -> SignerInput:  # pragma: no cover - overridden
        raise NotImplementedError


class LearnerPage(SignerPage):
    title = "Learner"
    role = "learner"

    def __init__(self, content: dict[str, Any], today: date,
                 parent: QWidget | None = None) -> None:
        learner = content["learner"]["name"]
        unit = content["unit"]
        n = len(content["evidence"])
        refs = ", ".join(ev["ref"] for ev in content["evidence"][:8])
        more = "…" if n > 8 else ""
        super().__init__(
            f"{html.escape(learner)}: your declaration",
            f"This is the record of your unit <b>{html.escape(unit['title'])}</b> "
            f"({html.escape(unit['reference'])}), with {n} piece{'s' if n != 1 else ''} of "
            f"evidence ({html.escape(refs)}{more}). Read the sentence below, tick the box and "
            "sign.",
            content["declarations"]["learner"], parent)
        self.today = today
        self.agree = QCheckBox("Yes, the evidence is my own work")
        self.agree.setObjectName("bigCheck")
        self.agree.setMinimumHeight(44)
        self.agree.setStyleSheet("QCheckBox#bigCheck::indicator { width: 28px; height: 28px; }")
        self._bold_agree()
        self.agree.toggled.connect(self.changed)
        self.outer.insertWidget(3, self.agree)
        self.name = _big_line_edit("Your full name")
        self.name.setText(content["learner"]["name"])
        self.name.textChanged.connect(self.changed)
        self.form.addRow("Your name", self.name)
        self.form.addRow("Date", QLabel(human_date(today)))

    def _bold_agree(self) -> None:
        # A widget with a style sheet stops inheriting its parent's font, so copy it over.
        font = QFont(self.font())
        font.setBold(True)
        self.agree.setFont(font)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._bold_agree()

    def collect(self) -> SignerInput:
        return SignerInput("learner", self.name.text(), self.today, self.strokes_json(),
                           declaration_accepted=self.agree.isChecked())

    def focus_first(self) -> None:
        self.agree.setFocus()


class LineManagerPage(SignerPage):
    title = "Line manager"
    role = "line_manager"

    def __init__(self, content: dict[str, Any], today: date,
                 parent: QWidget | None = None) -> None:
        learner = html.escape(content["learner"]["name"])
        super().__init__(
            "Line manager: please confirm and sign",
            f"You are confirming that you were involved in {learner}'s assessment and that "
            f"{learner} works to this standard. It takes about a minute: check your name, "
            "job title and date, then sign in the box.",
            content["declarations"]["line_manager"], parent)
        self.name = _big_line_edit("Your full name")
        self.name.setText(content["learner"].get("line_manager", ""))
        self.job_title = _big_line_edit("For example: Store manager")
        self.date = _date_edit(today)
        for w in (self.name, self.job_title):
            w.textChanged.connect(self.changed)
        self.date.dateChanged.connect(self.changed)
        self.form.addRow("Your name", self.name)
        self.form.addRow("Your job title", self.job_title)
        self.form.addRow("Date", self.date)

    def collect(self) -> SignerInput:
        return SignerInput("line_manager", self.name.text(), _qdate_to_date(self.date.date()),
                           self.strokes_json(), job_title=self.job_title.text())

    def focus_first(self) -> None:
        (self.job_title if self.name.text() else self.name).setFocus()


class AssessorPage(SignerPage):
    title = "Assessor"
    role = "assessor"
    next_text = "Sign and create the ERS"

    def __init__(self, content: dict[str, Any], today: date, assessor_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            "Assessor: sign off",
            "Check the date (on or after the line manager's) and sign. The signed Evidence "
            "Record Sheet is created next for a last look before it is filed.",
            content["declarations"]["assessor"], parent)
        self.name = _big_line_edit("Your full name")
        self.name.setText(assessor_name)
        self.date = _date_edit(today)
        self.name.textChanged.connect(self.changed)
        self.date.dateChanged.connect(self.changed)
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(QLabel("Date"))
        row.addWidget(self.date, 1)
        self.form.addRow("Your name", row)

    def collect(self) -> SignerInput:
        return SignerInput("assessor", self.name.text(), _qdate_to_date(self.date.date()),
                           self.strokes_json())

    def focus_first(self) -> None:
        (self.date if self.name.text() else self.name).setFocus()


# -- 5. busy, 6. preview, 7. done ------------------------------------------------------------------


class BusyPage(Page):
    """Shown while the ERS is rendered and signed in the background."""

    title = "Last look"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        self.message = _heading("Creating the signed Evidence Record Sheet…")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.message)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the worker reports a percentage
        self.bar.setTextVisible(False)
        self.bar.setMinimumHeight(16)
        lay.addWidget(self.bar)
        self.detail = _para("This takes a few seconds.")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.detail)
        lay.addStretch(2)

    def set_progress(self, percent: int, text: str) -> None:
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 100)
        self.bar.setValue(percent)
        if text:
            self.detail.setText(text)


class DonePage(Page):
    title = "Filed"
    next_text = "Close"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        self.message = _heading("Filed")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.message)
        self.detail = _para("")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.detail)
        lay.addStretch(2)

    def show_filed(self, filename: str, queued: bool, sync_set_up: bool = True) -> None:
        """What happens next, as it is: sent by itself only when sending is set up."""
        if queued and sync_set_up:
            after = "It will be sent to the centre automatically when the laptop is online."
        elif queued:
            after = ("It is kept here, waiting: sending to the centre is not set up yet. Set it "
                     "up in File ▸ Sync settings, or give the centre a bundle (File ▸ Export "
                     "sync bundle…).")
        else:
            after = ""
        self.detail.setText(f"The signed Evidence Record Sheet is filed as {filename}. {after}")
