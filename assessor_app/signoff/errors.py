"""Errors the sign-off core raises. Every message is plain English and says what to do next, so the
GUI can show `str(exc)` as is."""

from __future__ import annotations


class SignOffError(Exception):
    """Base class for everything the sign-off core refuses."""


class SignOffRuleError(SignOffError):
    """An awarding-body or app rule refused the action; `str(exc)` is the message for the user."""


class SignatureOrderError(SignOffRuleError):
    """Someone tried to sign out of turn (learner, then line manager, then assessor)."""


class SignatureDateError(SignOffRuleError):
    """A date is in the future or breaks the line-manager-before-assessor rule."""


class TrivialSignatureError(SignOffRuleError):
    """The drawn signature is empty or too small to be a signature."""


class IncompleteUnitError(SignOffRuleError):
    """Criteria are not met or evidence requirements are unticked and no reason was recorded."""

    def __init__(self, message: str, unmet_criteria: list[str],
                 unticked_requirements: list[str]) -> None:
        super().__init__(message)
        self.unmet_criteria = unmet_criteria
        self.unticked_requirements = unticked_requirements


class ContentChangedError(SignOffRuleError):
    """The unit's record changed after the sign-off started, so signatures would not match it."""


class SignOffStateError(SignOffRuleError):
    """The sign-off is void, already signed, or otherwise not open for this action."""


class InvalidStrokesError(ValueError):
    """Signature stroke data is malformed (bad JSON, coordinates out of range, …)."""
