"""Encryption at rest: the data key (wrapped by the OS keyring and by the assessor's passphrase),
SQLCipher connections for the database and AES-256-GCM for every file kept beside it."""

from assessor_app.vault.errors import FileTampered, VaultError, VaultLocked, WrongPassphrase
from assessor_app.vault.filecrypt import FileCipher
from assessor_app.vault.keys import DataKey

__all__ = ["DataKey", "FileCipher", "FileTampered", "VaultError", "VaultLocked",
           "WrongPassphrase"]
