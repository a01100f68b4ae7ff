"""Errors the assessor can act on. Each message is plain English, safe to show in a dialog or on
the command line, and says what to do next. None of them carries a stack trace to the user."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base class: a refused operation. Nothing was written when one of these is raised."""


class NotFound(EvidenceError):
    """A learner, unit, criterion, visit, evidence item or row that does not exist."""


class NotEnrolled(EvidenceError):
    """A criterion of a unit the learner is not enrolled on."""


class InvalidInput(EvidenceError):
    """A value with the wrong form: an unknown kind, a bad date or time, a malformed reference."""


class TooLong(InvalidInput):
    """A text over the size limit (for example a 5 MB paste); the existing text is kept."""


class AttachmentError(EvidenceError):
    """A file to attach that is missing, not a regular file or unreadable."""


class JudgementRefused(EvidenceError):
    """A judgement that cannot be recorded, e.g. "met" with no evidence mapped to the criterion."""


class VisitStateError(EvidenceError):
    """A visit operation that does not fit the visit's status (closing a closed visit, …)."""


class NotTickable(EvidenceError):
    """An evidence requirement that is a group heading ("4 … with:"); its lettered items are
    what gets ticked."""


class RecordLocked(EvidenceError):
    """A change to a record a valid sign-off covers, made without unlocking it first. The
    message names the sign-offs it would void and says how to unlock."""

    def __init__(self, message: str, signoff_ids: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.signoff_ids = signoff_ids
