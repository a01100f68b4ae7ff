"""Which assessors' keys this laptop trusts: the centre's published list, keys pinned on first
contact, and the assessor's own keys.

A key inside a bundle or a PDF proves only that whoever holds that key signed it; the trust list
says whether that someone is one of the centre's assessors. Each signer is reported as

- ``trusted``: the assessor's own key, or in the list with status trusted;
- ``revoked``: in the list, marked revoked (by the centre, or here) — never accepted;
- ``unknown``: not in the list. A bundle from an unknown signer is imported only when the user
  explicitly accepts it (``--trust-signer``), which pins the key for next time.

The centre publishes its list as JSON::

    {"format": "assessor-app-trusted-keys/1",
     "centre": "Northgate Training Centre",
     "keys": [{"name": "Alex Morgan", "public_key": "<base64 Ed25519>",
               "certificate_sha256": "<hex, optional>", "status": "trusted" | "revoked"}]}
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from assessor_app.signoff.keys import OWN_KEYS_HISTORY, OWN_PUBLIC_FILE, public_fingerprint
from assessor_app.store.models import TrustedKey
from assessor_app.store.models._common import utcnow

LIST_FORMAT = "assessor-app-trusted-keys/1"
TRUSTED, UNKNOWN, REVOKED = "trusted", "unknown", "revoked"
MAX_LIST_BYTES = 1024 * 1024
MAX_NAME = 80
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class TrustListError(ValueError):
    """The centre's key list cannot be used; the message names the problem."""


@dataclass(frozen=True)
class SignerTrust:
    status: str  # trusted | unknown | revoked
    name: str = ""  # as the list (or the own key) names them
    own: bool = False

    def describe(self, fingerprint: str) -> str:
        if self.own:
            return f"signer trusted (your own key {fingerprint})"
        if self.status == TRUSTED:
            return f"signer trusted ({self.name}, key {fingerprint})"
        if self.status == REVOKED:
            return f"signer REVOKED ({self.name}, key {fingerprint}): do not rely on this file"
        return (f"signer UNKNOWN (key {fingerprint} is not in this laptop's list of the centre's "
                "assessors)")


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


# -- own keys --------------------------------------------------------------------------------


def own_history(keys_folder: Path | None) -> list[dict[str, str]]:
    """The assessor's own public keys, current and earlier (see `keys._remember_own`)."""
    if keys_folder is None:
        return []
    found = [own_public(keys_folder)]
    try:
        data = json.loads((keys_folder.parent / "audit" / OWN_KEYS_HISTORY).read_text("utf-8"))
    except (OSError, ValueError):
        data = []
    found += [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []
    return [{k: str(v) for k, v in d.items()} for d in found if d]


def own_public(keys_folder: Path) -> dict[str, str]:
    try:
        data = json.loads((keys_folder / OWN_PUBLIC_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


# -- looking up ------------------------------------------------------------------------------


def signer_trust(session: Session, public_key: bytes, keys_folder: Path | None) -> SignerTrust:
    """Trust in an Ed25519 signing key (bundles, audit trails)."""
    row = session.exec(select(TrustedKey).where(TrustedKey.public_key == b64(public_key))).first()
    if row is not None and row.status == REVOKED:
        return SignerTrust(REVOKED, row.name)
    for own in own_history(keys_folder):
        if own.get("public_key") == b64(public_key):
            return SignerTrust(TRUSTED, own.get("name", ""), own=True)
    if row is not None:
        return SignerTrust(TRUSTED, row.name)
    return SignerTrust(UNKNOWN)


def certificate_trust(session: Session, cert_sha256: str,
                      keys_folder: Path | None) -> SignerTrust:
    """Trust in the certificate that PAdES-signed an ERS."""
    rows = session.exec(select(TrustedKey).where(
        TrustedKey.certificate_sha256 == cert_sha256.lower())).all()
    if any(r.status == REVOKED for r in rows):
        return SignerTrust(REVOKED, next(r.name for r in rows if r.status == REVOKED))
    for own in own_history(keys_folder):
        if own.get("certificate_sha256") == cert_sha256.lower():
            return SignerTrust(TRUSTED, own.get("name", ""), own=True)
    if rows:
        return SignerTrust(TRUSTED, rows[0].name)
    return SignerTrust(UNKNOWN)


def list_keys(session: Session) -> list[TrustedKey]:
    return list(session.exec(select(TrustedKey).order_by(col(TrustedKey.name))).all())


# -- changing ------------------------------------------------------------------------------


def pin_key(session: Session, public_key: bytes, name: str, cert_sha256: str = "") -> TrustedKey:
    """Trust a key on first contact (the user confirmed it). A revoked key stays revoked."""
    row = session.exec(select(TrustedKey).where(TrustedKey.public_key == b64(public_key))).first()
    if row is not None:
        return row
    row = TrustedKey(public_key=b64(public_key), name=_clean_name(name, "the signer's name"),
                     certificate_sha256=cert_sha256, status=TRUSTED, source="pinned")
    session.add(row)
    session.flush()
    return row


def revoke_key(session: Session, fingerprint_or_key: str) -> TrustedKey:
    """Mark a key revoked, found by its fingerprint (as shown) or its base64 public key."""
    wanted = fingerprint_or_key.replace(" ", "").lower()
    for row in session.exec(select(TrustedKey)).all():
        raw = base64.b64decode(row.public_key)
        if wanted in (public_fingerprint(raw).replace(" ", ""), row.public_key.lower()):
            row.status = REVOKED
            row.revoked_at = utcnow()
            session.add(row)
            return row
    raise TrustListError(f"No key with fingerprint {fingerprint_or_key!r} in the list.")


@dataclass(frozen=True)
class ListImport:
    added: int
    updated: int
    revoked: int


def import_trust_list(session: Session, data: bytes) -> ListImport:
    """Merge the centre's published list: new keys added, changed names/statuses updated. A key
    revoked here (or earlier by the centre) stays revoked: no list quietly restores it."""
    added = updated = revoked = 0
    for e in parse_trust_list(data):
        row = session.exec(select(TrustedKey).where(
            TrustedKey.public_key == e["public_key"])).first()
        status = REVOKED if row is not None and row.status == REVOKED else e["status"]
        if row is None:
            row = TrustedKey(public_key=e["public_key"], name=e["name"], status=TRUSTED)
            added += 1
        elif (row.name, row.status, row.certificate_sha256) != (
                e["name"], status, e["certificate_sha256"]):
            updated += 1
        if status == REVOKED and row.revoked_at is None:
            row.revoked_at = utcnow()
            revoked += 1
        row.name, row.status, row.certificate_sha256 = e["name"], status, e["certificate_sha256"]
        row.source = "centre"
        session.add(row)
    session.flush()
    return ListImport(added, updated, revoked)


def parse_trust_list(data: bytes) -> list[dict[str, Any]]:
    if len(data) > MAX_LIST_BYTES:
        raise TrustListError("The key list is larger than 1 MB; it is not a centre's key list.")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TrustListError(f"The key list is not valid JSON ({exc.__class__.__name__}).") \
            from exc
    if not isinstance(doc, dict) or doc.get("format") != LIST_FORMAT:
        raise TrustListError(f"The file is not a centre key list (format {LIST_FORMAT}).")
    keys = doc.get("keys")
    if not isinstance(keys, list):
        raise TrustListError("The key list has no 'keys' list.")
    out: list[dict[str, Any]] = []
    for n, k in enumerate(keys, 1):
        if not isinstance(k, dict):
            raise TrustListError(f"Key {n} in the list is not an object.")
        out.append(_entry(k, n))
    if len({e["public_key"] for e in out}) != len(out):
        raise TrustListError("The key list names the same key twice.")
    return out


def _entry(k: dict[str, Any], n: int) -> dict[str, Any]:
    try:
        raw = base64.b64decode(str(k.get("public_key", "")), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TrustListError(f"Key {n}: the public key is not base64.") from exc
    if len(raw) != 32:
        raise TrustListError(f"Key {n}: not a 32-byte Ed25519 public key.")
    status = k.get("status", TRUSTED)
    if status not in (TRUSTED, REVOKED):
        raise TrustListError(f"Key {n}: status must be 'trusted' or 'revoked'.")
    cert = str(k.get("certificate_sha256", "") or "").lower().replace(":", "")
    if cert and not _HEX64.match(cert):
        raise TrustListError(f"Key {n}: certificate_sha256 must be 64 hex digits.")
    return {"public_key": b64(raw), "name": _clean_name(k.get("name"), f"key {n}'s name"),
            "status": status, "certificate_sha256": cert}


def _clean_name(value: object, what: str) -> str:
    name = str(value or "").strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise TrustListError(f"{what.capitalize()} must be 1 to {MAX_NAME} printable "
                             "characters.")
    return name
