"""Encryption at rest: the data key (wrapped by the OS keyring and by the assessor's passphrase),
SQLCipher connections for the database and AES-256-GCM for every file kept beside it.

The names load on first use (PEP 562), so `vault.errors` costs no `cryptography` import."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessor_app.vault.errors import FileTampered, VaultError, VaultLocked, WrongPassphrase
    from assessor_app.vault.filecrypt import FileCipher
    from assessor_app.vault.keys import DataKey

_EXPORTS = {"DataKey": "keys", "FileCipher": "filecrypt", "FileTampered": "errors",
            "VaultError": "errors", "VaultLocked": "errors", "WrongPassphrase": "errors"}
__all__ = ["DataKey", "FileCipher", "FileTampered", "VaultError", "VaultLocked",
           "WrongPassphrase"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
