"""`audit verify`: the trail checked on its own terms and against everything it describes.

1. The hash chain is unbroken (`audit.verify_chain`).
2. Every sealed entry carries a valid Ed25519 signature by a key this laptop trusts (the
   assessor's own, or one in the centre's list), and no entry before the last sealed one lost its
   signature: a rewritten or recomputed chain fails here.
3. Every head recorded outside the database (ERS PDFs, `audit/heads.jsonl`) is signed and
   matches the chain at its sequence number: deleting the newest entries fails here.
4. Every record the trail describes agrees with it: each signature (name, date, strokes),
   sign-off state (started, signed, void), judgement and filed ERS has its entry, and no entry
   names a record that is gone, unless an erasure entry (`learner.erase`, itself in the
   verified chain) records that record as erased with its learner. (Which evidence a sign-off
   covered is bound by its content hash, checked through the signed ERS, not here.)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from sqlmodel import Session, col, select

from assessor_app.signoff.audit_seal import AuditHead, entry_payload, recorded_heads
from assessor_app.signoff.keys import verify_detached
from assessor_app.signoff.trust import REVOKED, signer_trust
from assessor_app.store.audit import ERASURE_ACTION, REDACTED, ChainReport, verify_chain
from assessor_app.store.models import AuditEntry, ErsDocument, Judgement, Signature, SignOff

STATE_OF_ACTION = {"signoff.start": "in_progress", "signoff.complete": "signed",
                   "signoff.void": "void"}


class _Broken(Exception):
    pass


def verify_audit(session: Session, *, files_dir: Path | None = None,
                 keys_folder: Path | None = None,
                 heads: Iterable[tuple[str, AuditHead]] | None = None) -> ChainReport:
    """Run every check; the report names the first problem found. `files_dir` supplies the
    heads recorded beside the database and in filed ERS PDFs; `keys_folder` the own key."""
    report = verify_chain(session)
    if not report.ok:
        return report
    entries = list(session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all())
    if heads is None:
        heads = recorded_heads(files_dir) if files_dir is not None else []
    try:
        _check_signatures(session, entries, keys_folder)
        _check_heads(entries, list(heads))
        erased = _erased(entries)
        _check_signoffs(session, entries, erased.get("signoff", {}))
        _check_judgements(session, entries, erased.get("judgement", {}))
        _check_documents(session, entries, erased.get("ers_document", {}))
    except _Broken as problem:
        return ChainReport(False, report.entries, str(problem))
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        # A value of the wrong type in a row: the file is damaged or was edited by hand.
        return ChainReport(False, report.entries, "a record the trail describes holds a value "
                           f"of the wrong kind ({exc.__class__.__name__}): the database is "
                           "damaged or was edited outside the app")
    return report


def _iso_date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _check_signatures(session: Session, entries: list[AuditEntry],
                      keys_folder: Path | None) -> None:
    last_signed = max((e.seq for e in entries if e.signature), default=0)
    verdicts: dict[str, bool] = {}
    for e in entries:
        if not e.signature:
            if e.seq < last_signed:
                raise _Broken(f"entry {e.seq} lost its signature (entries up to {last_signed} "
                              "were sealed): the trail was rewritten")
            continue
        try:
            key = base64.b64decode(e.signer_key, validate=True)
            sig = base64.b64decode(e.signature, validate=True)
        except (binascii.Error, ValueError):
            key, sig = b"", b""
        if len(key) != 32 or not verify_detached(key, entry_payload(e.seq, e.entry_hash), sig):
            raise _Broken(f"entry {e.seq} does not match its signature: it was rewritten after "
                          "it was sealed (or the chain was recomputed)")
        if e.signer_key not in verdicts:
            # Revoked fails; a key merely unknown here (a restored laptop, a colleague's copy)
            # still proves the entries unchanged since sealing: the heads in the filed ERSs,
            # PAdES-signed, pin the trail whoever's key it was.
            verdicts[e.signer_key] = signer_trust(session, key, keys_folder).status != REVOKED
        if not verdicts[e.signer_key]:
            raise _Broken(f"entry {e.seq} is signed by a key that has been revoked")


def _check_heads(entries: list[AuditEntry], heads: list[tuple[str, AuditHead]]) -> None:
    by_seq = {e.seq: e for e in entries}
    for where, head in heads:
        if not head.signature_ok():
            continue  # an unsigned or forged head vouches for nothing
        entry = by_seq.get(head.seq)
        if entry is None:
            raise _Broken(f"entry {head.seq}, recorded as the newest in {where}, is missing: "
                          "entries were deleted from the end of the trail")
        if entry.entry_hash != head.entry_hash:
            raise _Broken(f"entry {head.seq} differs from the one recorded in {where}: the "
                          "chain was recomputed")


def _details(e: AuditEntry) -> dict:
    try:
        data = json.loads(e.details_json)
    except (ValueError, TypeError):  # damaged: not JSON, or not even text
        return {}
    return data if isinstance(data, dict) else {}


def _erased(entries: list[AuditEntry]) -> dict[str, dict[int, int]]:
    """Record ids that erasure entries say were erased with their learner, by table, each with
    the erasure entry's seq: only entries before it are excused (ids can be reused after)."""
    out: dict[str, dict[int, int]] = {}
    for e in entries:
        if e.action != ERASURE_ACTION or e.details_json == REDACTED:
            continue
        erased = _details(e).get("erased")
        for table, ids in erased.items() if isinstance(erased, dict) else ():
            for i in ids if isinstance(ids, list) else ():
                if isinstance(i, int):
                    out.setdefault(table, {})[i] = e.seq
    return out


def _id_of(subject: str) -> int:
    tail = subject.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def _check_signoffs(session: Session, entries: list[AuditEntry],
                    erased: dict[int, int]) -> None:
    state: dict[str, str] = {}
    started: dict[str, str] = {}
    started_at: dict[str, int] = {}
    signed: dict[int, dict] = {}
    for e in entries:
        if e.action in STATE_OF_ACTION:
            state[e.subject] = STATE_OF_ACTION[e.action]
            if e.action == "signoff.start":
                started[e.subject] = e.content_hash
                started_at[e.subject] = e.seq
        elif e.action.startswith("signoff.sign."):
            d = _details(e)
            if isinstance(d.get("signature_id"), int):
                signed[d["signature_id"]] = {**d, "content_hash": e.content_hash}
    for sig in session.exec(select(Signature).order_by(col(Signature.id))).all():
        d = signed.get(sig.id)  # type: ignore[arg-type]
        if d is None:
            raise _Broken(f"signature {sig.id} (sign-off {sig.signoff_id}) has no audit entry; "
                          "the trail was cut short or the signature was added outside the app")
        strokes = hashlib.sha256(str(sig.strokes_json).encode()).hexdigest()
        if (d.get("printed_name"), d.get("job_title"), d.get("signed_on"),
                d.get("strokes_sha256"), d.get("content_hash")) != (
                sig.printed_name, sig.job_title, _iso_date(sig.signed_on), strokes,
                sig.content_hash):
            raise _Broken(f"signature {sig.id} (sign-off {sig.signoff_id}) differs from its "
                          "audit entry (name, date, strokes or signed content)")
    rows = session.exec(select(SignOff).order_by(col(SignOff.id))).all()
    for so in rows:
        subject = f"signoff:{so.id}"
        if subject not in started:
            raise _Broken(f"sign-off {so.id} has no audit entry for its start")
        if started[subject] != so.content_hash:
            raise _Broken(f"sign-off {so.id} binds different content than its audit entry")
        if state[subject] != so.status:
            raise _Broken(f"sign-off {so.id} is '{so.status}' in the database but "
                          f"'{state[subject]}' in the audit trail")
    missing = {s for s in set(started) - {f"signoff:{so.id}" for so in rows}
               if erased.get(_id_of(s), 0) < started_at[s]}
    if missing:
        raise _Broken(f"{sorted(missing)[0].replace(':', ' ')} is in the audit trail but was "
                      "deleted from the database")


def _check_judgements(session: Session, entries: list[AuditEntry],
                      erased: dict[int, int]) -> None:
    audited: dict[int, dict] = {}
    for e in entries:
        if e.action == "judgement":
            d = _details(e)
            if isinstance(d.get("judgement_id"), int):
                audited[d["judgement_id"]] = {**d, "subject": e.subject, "_seq": e.seq}
    rows = {j.id: j for j in session.exec(select(Judgement)).all()}
    for jid, j in rows.items():
        d = audited.get(jid)  # type: ignore[arg-type]
        if d is None:
            raise _Broken(f"judgement {jid} has no audit entry (added outside the app, or the "
                          "trail was cut short)")
        try:
            evidence = json.loads(j.evidence_ids_json)
        except (ValueError, TypeError):
            evidence = None
        if (d.get("state"), d.get("evidence_ids"), d.get("subject")) != (
                j.state, evidence, f"learner:{j.learner_id}/criterion:{j.criterion_id}"):
            raise _Broken(f"judgement {jid} differs from its audit entry")
    gone = sorted(j for j in set(audited) - set(rows) if erased.get(j, 0) < audited[j]["_seq"])
    if gone:
        raise _Broken(f"judgement {gone[0]} is in the audit trail but was deleted from the "
                      "database")


def _check_documents(session: Session, entries: list[AuditEntry],
                     erased: dict[int, int]) -> None:
    filed = {(_details(e).get("ers_document_id"), e.content_hash): e.seq for e in entries
             if e.action == "ers.file" and e.details_json != REDACTED}
    docs = session.exec(select(ErsDocument)).all()
    for doc in docs:
        if (doc.id, doc.sha256) not in filed:
            raise _Broken(f"filed ERS {doc.id} has no matching audit entry")
    gone = sorted(str(key[0]) for key in set(filed) - {(d.id, d.sha256) for d in docs}
                  if not isinstance(key[0], int) or erased.get(key[0], 0) < filed[key])
    if gone:
        raise _Broken(f"filed ERS {gone[0]} is in the audit trail but was deleted from the "
                      "database")
