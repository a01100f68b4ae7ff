"""An explicit unlock, granted for one block of changes.

Records a valid sign-off covers are locked: the sign-off area refuses a change to them with
`RecordLocked`. A change the assessor has chosen to make anyway runs inside `unlocking(reason)`;
the sign-offs it voids then record that reason (and who gave it) in their audit entries. The
grant lives in a context variable, so it covers exactly the `with` block, in this thread only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from assessor_app.evidence.errors import InvalidInput
from assessor_app.evidence.limits import check_short


@dataclass(frozen=True)
class Unlock:
    reason: str
    actor: str = "assessor"


_grant: ContextVar[Unlock | None] = ContextVar("assessor_app_unlock", default=None)


def check_reason(reason: str) -> str:
    """The reason stripped; `InvalidInput` when blank (a void must always say why)."""
    reason = check_short("reason for unlocking", reason or "").strip()
    if not reason:
        raise InvalidInput("Say why you are unlocking a signed record (for example \"learner "
                           "name misspelt\"); the reason is kept with the voided sign-off.")
    return reason


@contextmanager
def unlocking(reason: str, actor: str = "assessor") -> Iterator[Unlock]:
    """Allow changes to signed records inside the block, voiding what they change."""
    grant = Unlock(check_reason(reason), actor.strip() or "assessor")
    token = _grant.set(grant)
    try:
        yield grant
    finally:
        _grant.reset(token)


def current_unlock() -> Unlock | None:
    return _grant.get()
