"""The sign-off rules as small pure functions, each raising a `SignOffRuleError` in plain English.

- Order: learner (declaration + signature), then line manager, then assessor.
- OCR (seed 004, Retail assessment principles 4.2.1): the line manager signs and dates each unit
  ERS on or before the assessor's date. No date may be in the future.
- The assessor cannot claim completion while a criterion is not met or an evidence requirement is
  unticked (group headings such as "4 … with:" are not items; their lettered items are); a
  recorded reason turns the sign-off into a partial ERS instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assessor_app.signoff.content import Gaps
from assessor_app.signoff.errors import (
    IncompleteUnitError,
    SignatureDateError,
    SignatureOrderError,
    SignOffRuleError,
    TrivialSignatureError,
)
from assessor_app.signoff.signature_quality import quality_problem, same_hand
from assessor_app.signoff.strokes import SignatureStrokes, parse_strokes
from assessor_app.signoff.summary import ROLES, next_role  # noqa: F401 - imported from here too

ROLE_LABEL = {"learner": "Learner", "line_manager": "Line manager", "assessor": "Assessor"}


def human_date(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def check_order(signed_roles: Sequence[str], role: str) -> None:
    if role not in ROLES:
        raise SignatureOrderError(f"Unknown signer role {role!r}.")
    if role in signed_roles:
        raise SignatureOrderError(f"The {ROLE_LABEL[role].lower()} has already signed this "
                                  "sign-off.")
    expected = next_role(signed_roles)
    if role != expected:
        assert expected is not None
        raise SignatureOrderError(
            f"The {ROLE_LABEL[expected].lower()} must sign before the "
            f"{ROLE_LABEL[role].lower()}. The order is learner, line manager, then assessor.")


def check_not_future(signed_on: date, today: date, role: str) -> None:
    if signed_on > today:
        raise SignatureDateError(
            f"The {ROLE_LABEL[role].lower()}'s date ({human_date(signed_on)}) is in the future. "
            f"Use today's date ({human_date(today)}) or an earlier one.")


def check_line_manager_before_assessor(line_manager_date: date, assessor_date: date) -> None:
    if line_manager_date > assessor_date:
        raise SignatureDateError(
            f"The line manager dated their signature {human_date(line_manager_date)}, after your "
            f"date of {human_date(assessor_date)}. The awarding body requires the line manager "
            "to sign on or before the assessor. Date your signature "
            f"{human_date(line_manager_date)} or later.")


def check_not_before_evidence(assessor_date: date, latest_evidence: date | None) -> None:
    if latest_evidence is not None and assessor_date < latest_evidence:
        raise SignatureDateError(
            f"Your date ({human_date(assessor_date)}) is before the latest evidence on this "
            f"record ({human_date(latest_evidence)}). Date your signature on or after it.")


#: The words for a unit with gaps, wherever it is said (the refusal here, the dialog's warning).
UNIT_INCOMPLETE = "This unit is not complete"


def describe_gaps(gaps: Gaps) -> str:
    """What is missing, e.g. "criteria not yet met: 1.2; evidence requirements not ticked: 2"."""
    parts = []
    if gaps.unmet_criteria:
        parts.append("criteria not yet met: " + ", ".join(gaps.unmet_criteria))
    if gaps.unticked_requirements:
        parts.append("evidence requirements not ticked: "
                     + ", ".join(gaps.unticked_requirements))
    return "; ".join(parts)


def check_completion(gaps: Gaps, partial_reason: str) -> None:
    """Refuse a completion claim with gaps unless the assessor recorded why (partial ERS)."""
    if gaps.complete or partial_reason.strip():
        return
    raise IncompleteUnitError(
        f"{UNIT_INCOMPLETE} ({describe_gaps(gaps)}). Record a reason to sign it off "
        "as a partial ERS, which is marked as not a completion claim, or finish the evidence "
        "first.", list(gaps.unmet_criteria), list(gaps.unticked_requirements))


MAX_NAME_CHARS = 80  # fits the ERS signature box on one or two lines
MAX_JOB_TITLE_CHARS = 80


def check_printed_name(printed_name: str, role: str) -> None:
    if not printed_name.strip():
        raise SignatureOrderError(f"Enter the {ROLE_LABEL[role].lower()}'s name in capitals "
                                  "before signing.")
    _check_short_text(printed_name, f"the {ROLE_LABEL[role].lower()}'s name", MAX_NAME_CHARS)


def check_job_title(job_title: str, role: str) -> None:
    """Only the line manager gives one, and it must fit the ERS like a name does."""
    if role == "line_manager" and not job_title.strip():
        raise SignOffRuleError("Enter the line manager's job title before they sign.")
    _check_short_text(job_title, "the job title", MAX_JOB_TITLE_CHARS)


def _check_short_text(text: str, what: str, limit: int) -> None:
    if len(text.strip()) > limit:
        raise SignOffRuleError(f"Shorten {what} to at most {limit} characters (it has "
                               f"{len(text.strip())}); it must fit on the ERS.")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text.strip()):
        raise SignOffRuleError(f"Remove the control characters (line breaks, tabs) from {what}.")


def check_strokes(strokes_json: str) -> SignatureStrokes:
    """Parse the drawn signature and refuse an empty or trivially short one."""
    try:
        strokes = parse_strokes(strokes_json)
    except ValueError as exc:
        raise TrivialSignatureError(f"The signature could not be read: {exc}") from exc
    problem = quality_problem(strokes)
    if problem:
        raise TrivialSignatureError(f"{problem} Please sign with your usual signature across "
                                    "the box.")
    return strokes


def check_own_signature(strokes: SignatureStrokes, others: Sequence[tuple[str, str]],
                        role: str) -> None:
    """Refuse a signature that copies another signer's on the same sign-off. `others` holds
    (role, stroke JSON) of those who signed already."""
    for other_role, other_json in others:
        if same_hand(strokes, parse_strokes(other_json)):
            raise TrivialSignatureError(
                f"This signature is the same as the {ROLE_LABEL[other_role].lower()}'s. The "
                f"{ROLE_LABEL[role].lower()} must sign with their own signature.")


def check_not_before_enrolment(signed_on: date, enrolled_on: date | None, role: str) -> None:
    if enrolled_on is not None and signed_on < enrolled_on:
        raise SignatureDateError(
            f"The {ROLE_LABEL[role].lower()}'s date ({human_date(signed_on)}) is before the "
            f"learner was enrolled on this unit ({human_date(enrolled_on)}). Use a date on or "
            "after the enrolment.")
