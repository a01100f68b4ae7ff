"""Who is assessing and for which centre: kept as settings in the database, so they travel with
it and reach every ERS header.

    profile = load_profile(store)                 # AssessorProfile (blank fields when not set)
    save_profile(store, AssessorProfile(...))     # validated; raises ProfileError
    profile.missing                               # plain-English names of what is still blank

The demo never calls `save_profile`: its people live only in its own records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from assessor_app.store.engine import Store
from assessor_app.store.raw import setting_values

if TYPE_CHECKING:  # read from a store without the ORM: the window's copy is read at start-up
    from sqlmodel import Session

#: profile field -> setting key (the keys older versions already used are kept)
SETTING_KEYS = {"assessor_name": "assessor_name", "assessor_id": "assessor_id",
                "centre_name": "centre_name", "centre_number": "centre_number"}
LABELS = {"assessor_name": "your name", "assessor_id": "your assessor registration/ID",
          "centre_name": "the centre's name", "centre_number": "the centre number"}
MAX_LENGTH = 120
_CENTRE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /-]*$")


class ProfileError(ValueError):
    """A field the user typed cannot be used; the message says which and why."""


@dataclass(frozen=True)
class AssessorProfile:
    assessor_name: str = ""
    assessor_id: str = ""
    centre_name: str = ""
    centre_number: str = ""

    @property
    def missing(self) -> list[str]:
        return [LABELS[f.name] for f in fields(self) if not getattr(self, f.name).strip()]

    @property
    def complete(self) -> bool:
        return not self.missing


def load_profile(db: Store | Session) -> AssessorProfile:
    """The profile from a store (one read-only snapshot, no ORM) or in an open session."""
    if isinstance(db, Store):
        stored = setting_values(db, SETTING_KEYS.values())
        return AssessorProfile(**{name: stored.get(key, "").strip()
                                  for name, key in SETTING_KEYS.items()})
    from assessor_app.store.settings import get_setting

    return AssessorProfile(**{name: get_setting(db, key) for name, key in SETTING_KEYS.items()})


def check_profile(profile: AssessorProfile) -> AssessorProfile:
    """The profile with whitespace trimmed; `ProfileError` for a value that cannot be right."""
    clean = {f.name: " ".join(str(getattr(profile, f.name)).split()) for f in fields(profile)}
    for name, value in clean.items():
        if len(value) > MAX_LENGTH:
            raise ProfileError(f"{LABELS[name].capitalize()} is longer than {MAX_LENGTH} "
                               "characters; shorten it.")
    if not clean["assessor_name"]:
        raise ProfileError("Enter your name: it goes on every ERS you sign.")
    number = clean["centre_number"]
    if number and not _CENTRE_NUMBER.match(number):
        raise ProfileError("The centre number may hold only letters, digits, spaces, / and - "
                           f"({number!r} does not look like one).")
    return AssessorProfile(**clean)


def save_profile(store: Store, profile: AssessorProfile) -> AssessorProfile:
    """Check and store every field (a blank one is stored blank, so it can be cleared). The
    names of the fields that changed go into the audit trail in the same transaction."""
    from assessor_app.setup.trail import record_profile_change
    from assessor_app.store.models import Setting

    clean = check_profile(profile)
    with store.session() as session:
        old = load_profile(session)
        for name, key in SETTING_KEYS.items():
            session.merge(Setting(key=key, value=getattr(clean, name)))
        changed = [f.name for f in fields(clean) if getattr(clean, f.name) != getattr(old, f.name)]
        record_profile_change(session, changed, first=not old.assessor_name)
    return clean
