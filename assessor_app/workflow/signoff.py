"""The sign-off workflow: plan → rehearse → file once.

A `SignOffPlan` is everything the signers have entered so far (partial reason, the content hash
they saw, each signature). Nothing is written until the plan is filed:

- `rehearse` replays the plan through the sign-off core inside a savepoint and rolls the
  savepoint back, so every rule (order, dates, trivial signatures, gaps without a reason) is the
  core's and a refused step leaves nothing behind. `check_plan` turns the core's refusals into an
  answer; `prepare_signed_pdf` renders and PAdES-signs the ERS from a rehearsal for the last look.
- `file_plan` replays the plan for real and, in the same transaction, files the ERS: sign-off
  rows, the signed PDF's record, its audit entry and its outbox item commit together or not at
  all. It is the one function that files and queues; the GUI's dialog and the demo both call it.

No Qt here: the dialog only gathers names, dates and strokes and calls these functions from its
background workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session

from assessor_app.ers.filing import attachment_images, file_ers_in
from assessor_app.ers.layout import render_ers
from assessor_app.ers.pdf_signing import sign_ers_pdf
from assessor_app.ers.view import view_for_signoff
from assessor_app.signoff.content import Gaps, build_ers_content, content_gaps
from assessor_app.signoff.errors import ContentChangedError, SignOffError
from assessor_app.signoff.keys import (
    AssessorIdentity,
    KeyStoreError,
    PassphraseUnavailable,
    WrongPassphrase,
    load_or_create_identity,
)
from assessor_app.signoff.service import add_signature, start_signoff
from assessor_app.store import Store
from assessor_app.store.models import SignOff

T = TypeVar("T")

CONTENT_CHANGED = (
    "The learner's record for this unit changed while this sign-off was open (a judgement, "
    "evidence or requirement tick). Close this window and start the sign-off again so everyone "
    "signs the current version.")


@dataclass(frozen=True)
class SignerInput:
    """What one signer entered: role (learner, line_manager, assessor), name, date, strokes."""

    role: str
    printed_name: str
    signed_on: date
    strokes_json: str
    job_title: str = ""
    declaration_accepted: bool = False


@dataclass
class SignOffPlan:
    """Everything collected so far; replayed through the core on every step."""

    learner_id: int
    unit_version_id: int
    partial_reason: str = ""
    expected_hash: str = ""  # the content the signers saw; set when the check page is passed
    signers: list[SignerInput] = field(default_factory=list)

    def with_signers(self, signers: list[SignerInput]) -> SignOffPlan:
        return replace(self, signers=list(signers))


def apply_plan(session: Session, plan: SignOffPlan, today: date) -> SignOff:
    """Start the sign-off and add each collected signature, in order, through the core."""
    so = start_signoff(session, plan.learner_id, plan.unit_version_id,
                       partial_reason=plan.partial_reason)
    if plan.expected_hash and so.content_hash != plan.expected_hash:
        raise ContentChangedError(CONTENT_CHANGED)
    assert so.id is not None
    for s in plan.signers:
        add_signature(session, so.id, s.role, printed_name=s.printed_name,  # type: ignore[arg-type]
                      signed_on=s.signed_on, strokes_json=s.strokes_json,
                      job_title=s.job_title, declaration_accepted=s.declaration_accepted,
                      today=today)
    return so


def rehearse(store: Store, plan: SignOffPlan, today: date,
             then: Callable[[Session, SignOff], T] | None = None) -> T | str:
    """Replay the plan inside a savepoint, call `then(session, signoff)` for a result (default:
    the content hash) and roll the savepoint back. Raises the core's `SignOffError`s unchanged."""
    with store.session() as session:
        savepoint = session.begin_nested()
        try:
            so = apply_plan(session, plan, today)
            return then(session, so) if then is not None else so.content_hash
        finally:
            savepoint.rollback()  # a rehearsal never writes, whatever happened above


@dataclass(frozen=True)
class Checked:
    """A rehearsal's answer: the content hash, or the core's message why the step is refused."""

    content_hash: str = ""
    problem: str = ""


def check_plan(store: Store, plan: SignOffPlan, today: date) -> Checked:
    """Rehearse the plan. The core's refusals come back as a result, not an error, because they
    are answers for the user, not failures."""
    try:
        return Checked(content_hash=str(rehearse(store, plan, today)))
    except SignOffError as exc:
        return Checked(problem=str(exc))


def load_content(store: Store, learner_id: int,
                 unit_version_id: int) -> tuple[dict[str, Any], Gaps]:
    """The record being signed and what is missing from it."""
    with store.read_session() as session:
        content = build_ers_content(session, learner_id, unit_version_id)
    return content, content_gaps(content)


@dataclass(frozen=True)
class Prepared:
    """The last-look PDF, or why it could not be made."""

    pdf: bytes = b""
    needs_passphrase: str = ""  # a message asking for the signing key's passphrase
    error: str = ""


@dataclass(frozen=True)
class Filed:
    signoff_id: int
    filename: str
    ers_document_id: int
    queued: bool


def prepare_signed_pdf(store: Store, plan: SignOffPlan, today: date, assessor_name: str,
                       passphrase: str | None = None,
                       progress: Callable[[int, str], None] | None = None) -> Prepared:
    """Rehearse the plan, render the ERS from it and PAdES-sign it (nothing is kept)."""
    say = progress or (lambda _p, _t: None)
    say(10, "Checking the signatures…")
    try:
        identity = load_or_create_identity(store, assessor_name, passphrase=passphrase)
    except (PassphraseUnavailable, WrongPassphrase) as exc:
        return Prepared(needs_passphrase=str(exc))
    except KeyStoreError as exc:
        return Prepared(error=str(exc))
    view, content_json = rehearse(store, plan, today,
                                  lambda s, so: (view_for_signoff(s, so.id), so.content_json))
    say(40, "Laying out the Evidence Record Sheet…")
    pdf = render_ers(view, attachment_images(store))
    say(75, "Signing the PDF…")
    signed = sign_ers_pdf(pdf, identity, content_hash=view.content_hash,
                          content_json=content_json)
    say(100, "Ready for a last look.")
    return Prepared(pdf=signed)


def file_plan(store: Store, plan: SignOffPlan, today: date,
              identity: AssessorIdentity) -> Filed:
    """Record the sign-off for real and file its ERS, in one transaction: the sign-off and its
    signatures, the PAdES-signed PDF's `ErsDocument`, the audit entries and the outbox item
    commit together (the outbox item by sync's listener on `ErsFiled`). The filed PDF is
    rendered from the finished sign-off: the same content and signatures as the last look, now
    with the sign-off's final number and completion time."""
    with store.session() as session:
        so = apply_plan(session, plan, today)
        assert so.id is not None
        doc = file_ers_in(session, store, so.id, identity)
        assert doc.id is not None
        return Filed(so.id, doc.filename, doc.id, queued=True)


def file_plan_as(store: Store, plan: SignOffPlan, today: date, assessor_name: str,
                 passphrase: str | None = None) -> Filed:
    """`file_plan` with the assessor's keys loaded by name (the dialog's background job)."""
    identity = load_or_create_identity(store, assessor_name, passphrase=passphrase)
    return file_plan(store, plan, today, identity)
