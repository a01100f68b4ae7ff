"""What can go wrong opening or reading encrypted data, each with a message for the assessor."""

from __future__ import annotations


class VaultError(RuntimeError):
    """Encrypted data cannot be opened or used; the message says why and what to do."""


class VaultLocked(VaultError):
    """No key is available: the keyring does not hold it and no passphrase was given."""


class WrongPassphrase(VaultError):
    """The passphrase given does not open the data key."""


class FileTampered(VaultError, ValueError):
    """An encrypted file was changed, cut short or swapped: its authentication failed."""
