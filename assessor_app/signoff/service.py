"""Sign-off service: start a sign-off, collect the three signatures in order, complete it.

The calls, in the caller's session (the GUI and the demo go through
`assessor_app.workflow.signoff`, which rehearses and files them)::

    gaps = unit_gaps(session, learner_id, unit_version_id)      # show what is missing, if anything
    so = start_signoff(session, learner_id, unit_version_id, partial_reason=reason_or_empty)
    add_signature(session, so.id, "learner", printed_name=..., signed_on=..., strokes_json=...,
                  declaration_accepted=True)
    add_signature(session, so.id, "line_manager", printed_name=..., job_title=..., ...)
    add_signature(session, so.id, "assessor", printed_name=..., ...)   # completes the sign-off
    # then ers.filing.file_ers_in(session, store, so.id, identity) files and queues the PDF

Every signature is bound to the content hash computed at start; if the record changes in between
(a judgement, an edit), signing is refused with `ContentChangedError` and the sign-off must be
started again. Editing evidence after signing voids the sign-off (see `voiding.py`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.signoff.canonical import canonical_json, content_hash
from assessor_app.signoff.content import (
    Gaps,
    build_ers_content,
    content_gaps,
    covered_evidence,
)
from assessor_app.signoff.errors import (
    ContentChangedError,
    SignOffRuleError,
    SignOffStateError,
)
from assessor_app.signoff.rules import (
    ROLE_LABEL,
    ROLES,
    check_completion,
    check_job_title,
    check_line_manager_before_assessor,
    check_not_before_enrolment,
    check_not_before_evidence,
    check_not_future,
    check_order,
    check_own_signature,
    check_printed_name,
    check_strokes,
    next_role,
)
from assessor_app.signoff.summary import (  # noqa: F401 - IN_PROGRESS etc. imported from here too
    IN_PROGRESS,
    SIGNED,
    VOID,
    SignatureInfo,
    SignOffSummary,
    standing,
)
from assessor_app.store.audit import append_audit
from assessor_app.store.models import (
    Enrolment,
    Signature,
    SignOff,
    SignOffEvidence,
    Unit,
    UnitVersion,
)
from assessor_app.store.models._common import utcnow


def unit_gaps(session: Session, learner_id: int, unit_version_id: int) -> Gaps:
    """Unmet criteria and unticked requirements right now (for the dialog's first page)."""
    return content_gaps(build_ers_content(session, learner_id, unit_version_id))


def _get(session: Session, signoff_id: int) -> SignOff:
    so = session.get(SignOff, signoff_id)
    if so is None:
        raise SignOffStateError(f"Sign-off {signoff_id} does not exist.")
    return so


def signatures_of(session: Session, signoff_id: int) -> list[Signature]:
    rows = session.exec(select(Signature).where(Signature.signoff_id == signoff_id)
                        .order_by(col(Signature.id))).all()
    return sorted(rows, key=lambda s: ROLES.index(s.role) if s.role in ROLES else 99)


def signoff_content(so: SignOff) -> dict[str, Any]:
    """The signed snapshot (what the ERS of this sign-off shows, even after voiding)."""
    return json.loads(so.content_json)


def start_signoff(session: Session, learner_id: int, unit_version_id: int, *,
                  partial_reason: str = "", actor: str = "assessor") -> SignOff:
    """Snapshot the unit's content and open a sign-off for it.

    Raises `IncompleteUnitError` when there are gaps and no `partial_reason`; with a reason the
    sign-off is partial (the reason and gaps are part of the signed content). An unfinished
    earlier sign-off for the same learner and unit is voided; a signed one with exactly this
    content is refused as a duplicate."""
    content = build_ers_content(session, learner_id, unit_version_id,
                                partial_reason=partial_reason)
    gaps = content_gaps(content)
    check_completion(gaps, partial_reason)
    digest = content_hash(content)
    earlier = session.exec(select(SignOff).where(
        SignOff.learner_id == learner_id, SignOff.unit_version_id == unit_version_id,
        col(SignOff.status).in_((IN_PROGRESS, SIGNED)))).all()
    for old in earlier:
        if old.status == SIGNED and old.content_hash == digest:
            raise SignOffStateError(
                f"This unit is already signed off with exactly this content (sign-off {old.id}). "
                "Open that ERS instead of signing again.")
    so = SignOff(learner_id=learner_id, unit_version_id=unit_version_id, content_hash=digest,
                 content_json=canonical_json(content), partial=content["partial"] is not None,
                 partial_reason=partial_reason.strip() if content["partial"] else "",
                 status=IN_PROGRESS)
    session.add(so)
    session.flush()
    for old in earlier:
        if old.status == IN_PROGRESS:
            _void(session, old, f"replaced by sign-off {so.id} before it was completed", actor)
    for evidence_id, revision in covered_evidence(content):
        session.add(SignOffEvidence(signoff_id=so.id, evidence_id=evidence_id,  # type: ignore[arg-type]
                                    evidence_revision=revision))
    append_audit(session, actor=actor, action="signoff.start", subject=f"signoff:{so.id}",
                 content_hash=digest,
                 details={"learner_id": learner_id, "unit_version_id": unit_version_id,
                          "partial": so.partial, "partial_reason": so.partial_reason,
                          "unmet_criteria": gaps.unmet_criteria,
                          "unticked_requirements": gaps.unticked_requirements})
    session.flush()
    return so


def _require_current(session: Session, so: SignOff) -> None:
    """Signatures must bind to content that is still what the database holds."""
    current = build_ers_content(session, so.learner_id, so.unit_version_id,
                                partial_reason=so.partial_reason)
    if content_hash(current) != so.content_hash:
        raise ContentChangedError(
            "The learner's record for this unit changed after this sign-off started (a "
            "judgement, evidence or requirement tick). Start the sign-off again so everyone "
            "signs the current version.")


def _enrolled_on(session: Session, so: SignOff) -> date | None:
    """The day the learner was enrolled on the sign-off's unit (no signature may predate it)."""
    uv = session.get(UnitVersion, so.unit_version_id)
    row = session.exec(select(Enrolment).where(
        Enrolment.learner_id == so.learner_id, Enrolment.unit_id == uv.unit_id)).first() \
        if uv is not None else None
    return row.enrolled_at.date() if row is not None else None


def add_signature(session: Session, signoff_id: int, role: str, *, printed_name: str,
                  signed_on: date, strokes_json: str, job_title: str = "",
                  declaration_accepted: bool = False, today: date | None = None) -> Signature:
    """Record one signature. Enforces order, dates, a non-trivial signature, the learner's
    declaration and that the content is unchanged. The assessor's signature completes the
    sign-off (status `signed`)."""
    today = today or date.today()
    so = _get(session, signoff_id)
    if so.status != IN_PROGRESS:
        raise SignOffStateError(f"This sign-off is {so.status.replace('_', ' ')}; "
                                "start a new sign-off to sign again.")
    existing = signatures_of(session, signoff_id)
    check_order([s.role for s in existing], role)
    check_printed_name(printed_name, role)
    if role == "learner" and not declaration_accepted:
        raise SignOffRuleError("The learner must confirm the declaration that the evidence is "
                               "their own work before signing.")
    check_job_title(job_title, role)
    check_not_future(signed_on, today, role)
    if role == "assessor":
        lm = next(s for s in existing if s.role == "line_manager")
        check_line_manager_before_assessor(lm.signed_on, signed_on)
        dates = [date.fromisoformat(e["date"]) for e in signoff_content(so)["evidence"]]
        check_not_before_evidence(signed_on, max(dates) if dates else None)
    check_not_before_enrolment(signed_on, _enrolled_on(session, so), role)
    strokes = check_strokes(strokes_json)
    check_own_signature(strokes, [(s.role, s.strokes_json) for s in existing], role)
    _require_current(session, so)
    normalised = strokes.to_json()
    sig = Signature(signoff_id=signoff_id, role=role, printed_name=printed_name.strip(),
                    job_title=job_title.strip(), signed_on=signed_on, strokes_json=normalised,
                    content_hash=so.content_hash)
    session.add(sig)
    session.flush()
    append_audit(session, actor=role, action=f"signoff.sign.{role}", subject=f"signoff:{so.id}",
                 content_hash=so.content_hash,
                 details={"signature_id": sig.id, "printed_name": sig.printed_name,
                          "job_title": sig.job_title, "signed_on": signed_on.isoformat(),
                          "strokes_sha256": hashlib.sha256(normalised.encode()).hexdigest()})
    if role == "assessor":
        complete_signoff(session, signoff_id)
    return sig


def complete_signoff(session: Session, signoff_id: int, actor: str = "assessor") -> SignOff:
    """Mark a fully signed sign-off as signed; an older signed sign-off of the same unit becomes
    void (superseded) but stays stored and renderable."""
    so = _get(session, signoff_id)
    if so.status == SIGNED:
        return so
    if so.status != IN_PROGRESS:
        raise SignOffStateError(f"This sign-off is {so.status}; it cannot be completed.")
    roles = [s.role for s in signatures_of(session, signoff_id)]
    missing = next_role(roles)
    if missing is not None:
        raise SignOffStateError(f"The {ROLE_LABEL[missing].lower()} has not signed yet.")
    so.status = SIGNED
    so.completed_at = utcnow()
    session.add(so)
    older = session.exec(select(SignOff).where(
        SignOff.learner_id == so.learner_id, SignOff.unit_version_id == so.unit_version_id,
        SignOff.status == SIGNED, SignOff.id != so.id)).all()
    for old in older:
        _void(session, old, f"superseded by sign-off {so.id}", actor)
    append_audit(session, actor=actor, action="signoff.complete", subject=f"signoff:{so.id}",
                 content_hash=so.content_hash, details={"partial": so.partial})
    session.flush()
    return so


def _void(session: Session, so: SignOff, reason: str, actor: str) -> None:
    so.status = VOID
    so.voided_at = utcnow()
    so.void_reason = reason
    session.add(so)
    append_audit(session, actor=actor, action="signoff.void", subject=f"signoff:{so.id}",
                 content_hash=so.content_hash, details={"reason": reason})


def abandon_signoff(session: Session, signoff_id: int, reason: str = "abandoned",
                    actor: str = "assessor") -> SignOff:
    """Void an unfinished sign-off (the dialog was cancelled). Signed ones cannot be abandoned."""
    so = _get(session, signoff_id)
    if so.status != IN_PROGRESS:
        raise SignOffStateError(f"Only an unfinished sign-off can be abandoned (this one is "
                                f"{so.status}).")
    _void(session, so, reason, actor)
    session.flush()
    return so


def summarise(session: Session, so: SignOff) -> SignOffSummary:
    uv = session.get(UnitVersion, so.unit_version_id)
    unit = session.get(Unit, uv.unit_id) if uv else None
    sigs = signatures_of(session, so.id)  # type: ignore[arg-type]
    return SignOffSummary(
        id=so.id, learner_id=so.learner_id, unit_version_id=so.unit_version_id,  # type: ignore[arg-type]
        unit_reference=unit.reference if unit else "", unit_title=uv.title if uv else "",
        status=so.status, partial=so.partial, partial_reason=so.partial_reason,
        content_hash=so.content_hash, created_at=so.created_at, completed_at=so.completed_at,
        voided_at=so.voided_at, void_reason=so.void_reason,
        signatures=tuple(SignatureInfo(s.role, s.printed_name, s.job_title, s.signed_on)
                         for s in sigs),
        next_role=next_role([s.role for s in sigs]) if so.status == IN_PROGRESS else None,
    )


def list_signoffs(session: Session, learner_id: int | None = None,
                  unit_id: int | None = None) -> list[SignOffSummary]:
    """All sign-offs (void ones included), newest first, optionally for a learner and/or unit."""
    q = select(SignOff)
    if learner_id is not None:
        q = q.where(SignOff.learner_id == learner_id)
    if unit_id is not None:
        q = q.join(UnitVersion, col(UnitVersion.id) == SignOff.unit_version_id).where(
            UnitVersion.unit_id == unit_id)
    rows = session.exec(q.order_by(col(SignOff.id).desc())).all()
    return [summarise(session, so) for so in rows]


def latest_signed(session: Session, learner_id: int, unit_id: int) -> SignOff | None:
    return session.exec(
        select(SignOff).join(UnitVersion, col(UnitVersion.id) == SignOff.unit_version_id)
        .where(SignOff.learner_id == learner_id, UnitVersion.unit_id == unit_id,
               SignOff.status == SIGNED)
        .order_by(col(SignOff.id).desc())).first()


def unit_signoff_states(session: Session, learner_id: int) -> dict[int, SignOffSummary]:
    """For the learner page: the sign-off that says where each unit stands, keyed by unit id
    (units with no sign-off are absent).

    That is the newest sign-off that was completed (signed, or signed and later voided) or is
    still being signed; a sign-off voided before it was completed (abandoned, replaced) never
    stood, so it is skipped. A standing signed sign-off outranks a newer unfinished one: until
    the new one is completed the old signatures still hold."""
    rows = session.exec(
        select(SignOff, UnitVersion.unit_id)
        .join(UnitVersion, col(UnitVersion.id) == SignOff.unit_version_id)
        .where(SignOff.learner_id == learner_id)
        .order_by(col(SignOff.id).desc())).all()
    chosen = standing([(so, unit_id, so.status, so.completed_at) for so, unit_id in rows])
    return {unit_id: summarise(session, so) for unit_id, so in chosen.items()}
