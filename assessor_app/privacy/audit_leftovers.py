"""Audit entries an earlier erasure left behind.

Before audit entries could be redacted (migration 0009), erasing a learner deleted their rows
and appended a `learner.erase` entry, but their judgement, sign-off and filing entries kept
printed names and reasons (and `audit verify` then missed the deleted sign-offs). The next
erasure redacts those too. Only learners the trail itself records as erased are swept, and only
records that are really gone, so this can never hide a deletion nobody recorded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.store.audit import ERASURE_ACTION, REDACTED
from assessor_app.store.models import AuditEntry, Learner, SignOff

_LEARNER = re.compile(r"learner:(\d+)$")
_SIGNOFF = re.compile(r"signoff:(\d+)$")


@dataclass
class Leftovers:
    entries: list[AuditEntry] = field(default_factory=list)
    erased: dict[str, list[int]] = field(default_factory=dict)


def _details(e: AuditEntry) -> dict[str, Any]:
    try:
        data = json.loads(e.details_json)
    except (ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _int_list(value: object) -> list[int]:
    return [i for i in value if isinstance(i, int)] if isinstance(value, list) else []


def _ids(entries: list[AuditEntry], action: str, key: str) -> list[int]:
    return sorted({d[key] for e in entries if e.action == action
                   for d in [_details(e)] if isinstance(d.get(key), int)})


def earlier_leftovers(session: Session, entries: list[AuditEntry]) -> Leftovers:
    """Unredacted entries about learners erased earlier (`entries`: the whole trail)."""
    live = [e for e in entries if e.details_json != REDACTED]
    erased = {int(m.group(1)) for e in live if e.action == ERASURE_ACTION
              for m in [_LEARNER.match(e.subject)] if m}
    erased -= set(session.exec(select(Learner.id)).all())
    if not erased:
        return Leftovers()
    existing = set(session.exec(select(SignOff.id)).all())
    signoffs = {int(m.group(1)) for e in live if e.action == "signoff.start"
                and _details(e).get("learner_id") in erased
                for m in [_SIGNOFF.match(e.subject)] if m} - existing
    subjects = {f"signoff:{i}" for i in signoffs}
    prefixes = tuple(f"learner:{i}/" for i in erased)
    found = [e for e in live if e.action != ERASURE_ACTION
             and (e.subject in subjects or e.subject.startswith(prefixes)
                  # an unlock names the evidence item and the sign-offs it voided
                  or (e.action == "evidence.unlock"
                      and set(_int_list(_details(e).get("voided_signoffs"))) & signoffs))]
    found.sort(key=lambda e: e.seq)
    return Leftovers(found, {"signoff": sorted(signoffs),
                             "judgement": _ids(found, "judgement", "judgement_id"),
                             "ers_document": _ids(found, "ers.file", "ers_document_id")})


def whole_trail(session: Session) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all())
