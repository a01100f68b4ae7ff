"""The assessor's own passphrase: chosen at set-up, changed later, and the one that opens backups.

One passphrase protects three things: the data key's passphrase wrap (`<db>.keys`), the signing
key (`keys/assessor.p12`) and the sync key (`keys/sync-ed25519.pem`). Changing it rewrites all
three, crash-safely:

1. the signing keys, re-encrypted with the new passphrase, are written (fsynced) into
   `keys/.pending/`, with the salt of the new data-key wrap beside them;
2. the key file is replaced atomically (temporary file, fsync, rename): this is the commit;
3. the pending files are renamed over the old ones, and the keyring's copy is updated.

A crash before 2 leaves the old state (the pending folder is thrown away on the next open); a
crash after 2 leaves the new one (`finish_pending` finds the key file's salt equal to the pending
salt and completes step 3). The data key itself never changes, so the database, the files and
the keyring's own wrap of the data key are untouched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

from assessor_app.secrets import SecretStoreUnavailable, get_secret, set_secret
from assessor_app.signoff.keys import (
    ED25519_NAME,
    P12_NAME,
    PASSPHRASE_SECRET,
    KeyStoreError,
    WrongPassphrase,
    _cn,
    _load_or_create_ed25519,
    _load_p12,
    _save_p12,
    _write_private,
    keys_dir,
)
from assessor_app.vault import errors as vault_errors
from assessor_app.vault.filecrypt import fsync_dir
from assessor_app.vault.keys import (
    KeyFile,
    key_file_path,
    read_key_file,
    unwrap_with_passphrase,
    wrap_with_passphrase,
    write_key_file,
)

if TYPE_CHECKING:
    from assessor_app.store import Store

MIN_LENGTH = 10
NEW_PASSPHRASE_ENV = "ASSESSOR_APP_NEW_PASSPHRASE"
PENDING = ".pending"
SALT_NAME = "for-salt"


class PassphraseRejected(KeyStoreError):
    """The new passphrase is too weak or its confirmation differs; the message says why."""


def passphrase_problem(new: str, confirm: str | None = None) -> str | None:
    """Why `new` cannot be the passphrase (None when it can)."""
    if len(new) < MIN_LENGTH:
        return (f"Choose a passphrase of at least {MIN_LENGTH} characters (a few words you "
                "will remember work well).")
    if len(set(new)) < 4:
        return "That passphrase repeats too few characters; choose a few words you will remember."
    if confirm is not None and confirm != new:
        return "The two passphrases differ; type the same passphrase twice."
    return None


def _key_file(store: Store) -> tuple[Path, KeyFile]:
    path = key_file_path(store.db_path)
    kf = read_key_file(path)
    if kf is None:
        raise KeyStoreError("This data folder has no key file, so it has no passphrase to change.")
    return path, kf


def passphrase_chosen(store: Store) -> bool:
    """True once the assessor chose the passphrase (set-up, a change, or a restore with it)."""
    kf = read_key_file(key_file_path(store.db_path))
    return kf is not None and kf.chosen


def current_passphrase() -> str | None:
    """The passphrase this computer already knows (environment, else keyring), for set-up."""
    from assessor_app.vault.unlock import known_passphrase

    return known_passphrase()


def finish_pending(store: Store) -> None:
    """Complete (the key file already has the new salt) or discard an interrupted change."""
    folder = keys_dir(store)
    pending = folder / PENDING
    if not pending.is_dir():
        return
    kf = read_key_file(key_file_path(store.db_path))
    salt_file = pending / SALT_NAME
    committed = (kf is not None and salt_file.is_file()
                 and salt_file.read_text().strip() == kf.passphrase.get("salt"))
    if committed:
        for name in (P12_NAME, ED25519_NAME):
            if (pending / name).exists():
                os.replace(pending / name, folder / name)
        fsync_dir(folder)
    shutil.rmtree(pending, ignore_errors=True)


def _stage_signing_keys(folder: Path, pending: Path, old: str, new: str) -> None:
    """Re-encrypt the existing signing keys with `new` into `pending` (old ones untouched)."""
    if (folder / P12_NAME).exists():
        key, cert, others = _load_p12(folder, old)
        _save_p12(pending, _cn(cert), key, cert, others, new)
    if (folder / ED25519_NAME).exists():
        sync_key = _load_or_create_ed25519(folder, old)
        _write_private(pending / ED25519_NAME, sync_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(new.encode())))


def change_passphrase(store: Store, old: str, new: str, confirm: str | None = None) -> None:
    """Make `new` the passphrase of the data key and the signing keys; `old` must open them.
    `PassphraseRejected` for a weak new one, `WrongPassphrase` when `old` is wrong; nothing is
    changed then."""
    if problem := passphrase_problem(new, confirm):
        raise PassphraseRejected(problem)
    finish_pending(store)
    path, kf = _key_file(store)
    try:
        key = unwrap_with_passphrase(kf.key_id, kf.passphrase, old)
    except vault_errors.WrongPassphrase as exc:
        raise WrongPassphrase("The current passphrase is wrong; nothing was changed.") from exc
    folder = keys_dir(store)
    pending = folder / PENDING
    shutil.rmtree(pending, ignore_errors=True)
    pending.mkdir(parents=True, mode=0o700)
    try:
        _stage_signing_keys(folder, pending, old, new)
    except KeyStoreError:
        shutil.rmtree(pending, ignore_errors=True)
        raise
    entry = wrap_with_passphrase(key, new)
    _write_private(pending / SALT_NAME, str(entry["salt"]).encode())
    fsync_dir(pending)
    write_key_file(path, KeyFile(kf.key_id, entry, kf.keyring, True))  # the commit point
    finish_pending(store)
    _update_keyring(new)


def _update_keyring(new: str) -> None:
    """Keep the keyring's copy in step, so signing keeps working without typing."""
    try:
        if get_secret(PASSPHRASE_SECRET) is not None or _keyring_works():
            set_secret(PASSPHRASE_SECRET, new)
    except SecretStoreUnavailable:
        pass


def _keyring_works() -> bool:
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)
