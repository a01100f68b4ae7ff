"""Thin adapter between bundles and the assessor's Ed25519 key (`assessor_app.signoff.keys`).

Bundles only need: a display name, the raw public key, and a detached signature over the exact
manifest bytes. Anything with those three (see `BundleSigner`) can sign a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assessor_app.signoff.keys import (
    AssessorIdentity,
    load_or_create_identity,
    public_fingerprint,
    verify_detached,
)
from assessor_app.store import Store


class BundleSigner(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def public_key(self) -> bytes: ...  # 32 raw Ed25519 bytes

    def sign(self, data: bytes) -> bytes: ...  # 64-byte Ed25519 signature


@dataclass(frozen=True)
class IdentitySigner:
    identity: AssessorIdentity

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def public_key(self) -> bytes:
        return self.identity.sync_public_key_bytes

    def sign(self, data: bytes) -> bytes:
        return self.identity.sign_detached(data)


def signer_for_store(store: Store, *, passphrase: str | None = None) -> IdentitySigner:
    """The assessor's own key (created on first use). Raises signoff.keys.KeyStoreError."""
    return IdentitySigner(load_or_create_identity(store, passphrase=passphrase))


def signature_valid(public_key: bytes, data: bytes, signature: bytes) -> bool:
    return verify_detached(public_key, data, signature)


def fingerprint(public_key: bytes) -> str:
    return public_fingerprint(public_key)
