"""One passphrase for the assessor: once they chose it (it wraps the data key), a new signing
key is protected by that same passphrase, never by another one typed by mistake nor by a random
one the keyring would make up."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor_app.secrets import SERVICE
from assessor_app.signoff.keys import (
    PASSPHRASE_SECRET,
    PassphraseUnavailable,
    WrongPassphrase,
    import_p12,
    keys_dir,
    load_or_create_identity,
)
from assessor_app.store import open_store

CHOSEN = "the passphrase a script gave"


def test_a_new_key_takes_the_passphrase_that_opens_the_data(tmp_path: Path,
                                                             memory_keyring) -> None:  # noqa: ANN001
    # made by a script (passphrase in the environment): the keyring wraps the data key but
    # does not hold the passphrase
    store = open_store(tmp_path / "assessor.sqlite3", passphrase=CHOSEN)
    assert memory_keyring.get_password(SERVICE, PASSPHRASE_SECRET) is None
    with pytest.raises(PassphraseUnavailable, match="does not hold your passphrase"):
        load_or_create_identity(store, "Jo Carter")
    assert memory_keyring.get_password(SERVICE, PASSPHRASE_SECRET) is None  # none made up
    with pytest.raises(WrongPassphrase, match="same passphrase that opens your data"):
        load_or_create_identity(store, "Jo Carter", passphrase="a different one entirely")
    assert not (keys_dir(store) / "assessor.p12").exists()
    identity = load_or_create_identity(store, "Jo Carter", passphrase=CHOSEN)
    assert load_or_create_identity(store, passphrase=CHOSEN).certificate_sha256 \
        == identity.certificate_sha256
    store.close()


def test_an_imported_key_takes_it_too(tmp_path: Path) -> None:
    from tests.setup.test_setup_cli import _p12

    p12 = _p12(tmp_path / "centre.p12", b"centre secret").read_bytes()
    store = open_store(tmp_path / "assessor.sqlite3", passphrase=CHOSEN)
    with pytest.raises(WrongPassphrase, match="same passphrase that opens your data"):
        import_p12(store, p12, "centre secret", passphrase="not the one")
    assert import_p12(store, p12, "centre secret", passphrase=CHOSEN).name
    assert load_or_create_identity(store, passphrase=CHOSEN).name.endswith("(centre issued)")
    store.close()


def test_before_the_assessor_chose_one_the_keyring_passphrase_is_shared(
        tmp_path: Path, memory_keyring) -> None:  # noqa: ANN001
    store = open_store(tmp_path / "assessor.sqlite3")  # a random passphrase, in the keyring
    made = memory_keyring.get_password(SERVICE, PASSPHRASE_SECRET)
    assert made
    load_or_create_identity(store, "Jo Carter")
    assert load_or_create_identity(store, passphrase=made).name == "Jo Carter"
    store.close()
