"""Encryption at rest: the data key (wrapped by the OS keyring and by the assessor's passphrase),
SQLCipher connections for the database and AES-256-GCM for every file kept beside it.

The names load on first use (PEP 562), so `vault.errors` costs no `cryptography` import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor_app.lazy import lazy_exports

if TYPE_CHECKING:
    from assessor_app.vault.errors import FileTampered, VaultError, VaultLocked, WrongPassphrase
    from assessor_app.vault.filecrypt import FileCipher
    from assessor_app.vault.keys import DataKey

__getattr__, __all__ = lazy_exports(__name__, {
    "keys": ("DataKey",), "filecrypt": ("FileCipher",),
    "errors": ("FileTampered", "VaultError", "VaultLocked", "WrongPassphrase")})
