"""What set-up changed, in the hash-chained audit trail, without personal data: which profile
fields changed (never their values) and how the signing key came to be (created or imported,
with the certificate's fingerprint), and whether the assessor chose their passphrase then.

The profile goes on every ERS header and the key signs every ERS, so an external quality
assurer can see when and how both were set, and that the trail holds nothing to erase later.
"""

from __future__ import annotations

from sqlmodel import Session

from assessor_app.store import Store
from assessor_app.store.audit import append_audit

PROFILE_ACTION = "setup.profile"
KEY_ACTION = "setup.signing_key"
SUBJECT = "assessor"
KEY_HOWS = ("created", "imported", "kept")


def record_profile_change(session: Session, fields: list[str], *, first: bool) -> None:
    """In the caller's transaction: the names of the profile fields that changed."""
    if fields:
        append_audit(session, actor="assessor", action=PROFILE_ACTION, subject=SUBJECT,
                     details={"fields": sorted(fields), "first_setup": first})


def record_key_setup(store: Store, *, how: str, certificate_sha256: str,
                     passphrase_chosen: bool) -> None:
    """The signing key was created, imported or kept at set-up (`how`)."""
    if how not in KEY_HOWS:
        raise ValueError(f"how must be one of {KEY_HOWS}")
    with store.session() as session:
        append_audit(session, actor="assessor", action=KEY_ACTION, subject=SUBJECT,
                     details={"signing_key": how,
                              "certificate_sha256": certificate_sha256.lower(),
                              "passphrase_chosen": passphrase_chosen})
