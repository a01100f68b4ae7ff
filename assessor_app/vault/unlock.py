"""Getting the data key for a database: from the OS keyring, else from the passphrase.

The passphrase is the one that protects the signing key (`assessor-key-passphrase` in the
keyring, `ASSESSOR_APP_KEY_PASSPHRASE` for scripts and CI, or typed by the assessor). A new data
folder gets a new random data key; when the computer has no passphrase yet but does have a
keyring, a random one is made and kept there (as the signing key does), so both share it, until
the assessor chooses their own at set-up (`signoff.passphrase`), which backups then need.
"""

from __future__ import annotations

import base64
import os
import secrets as pysecrets
from pathlib import Path

from assessor_app.secrets import SecretStoreUnavailable, get_secret, set_secret
from assessor_app.vault.errors import VaultLocked
from assessor_app.vault.keys import (
    DataKey,
    KeyFile,
    key_file_path,
    new_data_key,
    read_key_file,
    unwrap_with_passphrase,
    unwrap_with_secret,
    wrap_with_passphrase,
    wrap_with_secret,
    write_key_file,
)

PASSPHRASE_ENV = "ASSESSOR_APP_KEY_PASSPHRASE"
PASSPHRASE_SECRET = "assessor-key-passphrase"  # shared with assessor_app.signoff.keys


def known_passphrase(explicit: str | None = None) -> str | None:
    """The passphrase given, else the environment's, else the keyring's; None when none."""
    if explicit:
        return explicit
    if env := os.environ.get(PASSPHRASE_ENV):
        return env
    try:
        return get_secret(PASSPHRASE_SECRET) or None
    except SecretStoreUnavailable:
        return None


def _keyring_put(name: str, value: str) -> bool:
    """Keep `value` in the keyring; False when there is no working keyring (never a file)."""
    try:
        set_secret(name, value)
        return get_secret(name) == value
    except SecretStoreUnavailable:
        return False


def remember_passphrase(passphrase: str) -> bool:
    """Keep the assessor's passphrase in this computer's keyring, where the signing key and the
    next start look for it (e.g. after restoring on a new laptop). False when there is no
    working keyring: then it is typed at each start, never written to a file."""
    return _keyring_put(PASSPHRASE_SECRET, passphrase)


def _keyring_get(name: str) -> str | None:
    try:
        return get_secret(name)
    except SecretStoreUnavailable:
        return None


def _locked_message() -> str:
    return ("The learners' data is encrypted and this computer's keyring does not hold its key. "
            "Enter your passphrase (the one that protects your signing key) to unlock it; for "
            f"scripts, set {PASSPHRASE_ENV}.")


def _keyring_wrap(key: DataKey) -> dict[str, str] | None:
    secret = pysecrets.token_bytes(32)
    if not _keyring_put(f"data-key:{key.key_id}", base64.b64encode(secret).decode()):
        return None
    return wrap_with_secret(key, secret)


def create_key(db_path: Path, passphrase: str | None = None) -> DataKey:
    """A new data key for `db_path`, wrapped by the passphrase and (if there is one) the keyring,
    and saved in the key file. `VaultLocked` when no passphrase is known and none can be kept."""
    pw = known_passphrase(passphrase)
    chosen = pw is not None  # typed or from the environment, not a random one of ours
    if pw is None:
        made = pysecrets.token_urlsafe(32)
        if not _keyring_put(PASSPHRASE_SECRET, made):
            raise VaultLocked(
                "No secure password store (keyring) is available on this computer. Choose a "
                "passphrase to protect the learners' data and enter it each time; for scripts, "
                f"set {PASSPHRASE_ENV}. It is never written to disk.")
        pw = made
    key = new_data_key()
    kf = KeyFile(key.key_id, wrap_with_passphrase(key, pw), _keyring_wrap(key), chosen)
    write_key_file(key_file_path(db_path), kf)
    return key


def unlock_key_file(kf: KeyFile, passphrase: str | None = None) -> DataKey:
    """The data key from a key file: keyring first, then the passphrase. `VaultLocked` when
    neither is available, `WrongPassphrase` when the passphrase does not open it."""
    if kf.keyring and (stored := _keyring_get(kf.keyring_secret_name)):
        try:
            key = unwrap_with_secret(kf.key_id, kf.keyring, base64.b64decode(stored))
        except ValueError:
            key = None
        if key is not None:
            return key
    pw = known_passphrase(passphrase)
    if pw is None:
        raise VaultLocked(_locked_message())
    return unwrap_with_passphrase(kf.key_id, kf.passphrase, pw)


def unlock(db_path: Path, passphrase: str | None = None) -> DataKey:
    """The data key of the database at `db_path`, creating one when it has no key file yet.
    When opened by passphrase on a computer whose keyring lacks it, the keyring copy is added."""
    path = key_file_path(db_path)
    kf = read_key_file(path)
    if kf is None:
        return create_key(db_path, passphrase)
    key = unlock_key_file(kf, passphrase)
    missing = kf.keyring is None or _keyring_get(kf.keyring_secret_name) is None
    if missing and (wrapped := _keyring_wrap(key)) is not None:
        kf.keyring = wrapped
        write_key_file(path, kf)
    return key


def check_passphrase(db_path: Path, passphrase: str) -> DataKey:
    """Open the key with the passphrase alone (the unlock screen): `WrongPassphrase` if not."""
    kf = read_key_file(key_file_path(db_path))
    if kf is None:
        raise VaultLocked("This data folder has no key file.")
    return unwrap_with_passphrase(kf.key_id, kf.passphrase, passphrase)


def change_passphrase(db_path: Path, key: DataKey, passphrase: str) -> None:
    """Wrap the data key with a new passphrase (the old passphrase no longer opens it)."""
    path = key_file_path(db_path)
    kf = read_key_file(path)
    if kf is None or kf.key_id != key.key_id:
        raise VaultLocked("This data folder's key file is missing or belongs to other data.")
    kf.passphrase = wrap_with_passphrase(key, passphrase)
    write_key_file(path, kf)


def keyring_can_unlock(db_path: Path) -> bool:
    """True when this computer's keyring alone opens the data key (the OS session's unlock)."""
    kf = read_key_file(key_file_path(db_path))
    if kf is None or not kf.keyring:
        return False
    stored = _keyring_get(kf.keyring_secret_name)
    if not stored:
        return False
    try:
        return unwrap_with_secret(kf.key_id, kf.keyring, base64.b64decode(stored)) is not None
    except ValueError:
        return False
