"""The assessor's signing identity for sealing an erasure at once, when it opens without asking."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from assessor_app.vault.unlock import PASSPHRASE_ENV

if TYPE_CHECKING:
    from assessor_app.signoff.keys import AssessorIdentity
    from assessor_app.store import Store


def unlocked_identity(store: Store) -> AssessorIdentity | None:
    """The assessor's keys when they exist and open without asking (keyring, the passphrase in
    the environment or the one typed at start), else None: no key is created and nobody is asked,
    so the erasure is then sealed at the next ERS filing or bundle export."""
    from assessor_app.signoff.keys import (
        P12_NAME,
        KeyStoreError,
        keys_dir,
        load_or_create_identity,
    )

    if not (keys_dir(store) / P12_NAME).exists():
        return None
    try:
        passphrase = os.environ.get(PASSPHRASE_ENV) or getattr(store, "typed_passphrase", None)
        return load_or_create_identity(store, passphrase=passphrase)
    except KeyStoreError:
        return None
