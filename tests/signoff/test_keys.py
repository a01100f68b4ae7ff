from __future__ import annotations

import keyring
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from keyring.backends.fail import Keyring as FailKeyring

from assessor_app.signoff.keys import (
    ED25519_NAME,
    P12_NAME,
    PASSPHRASE_SECRET,
    PassphraseUnavailable,
    WrongPassphrase,
    import_p12,
    keys_dir,
    load_or_create_identity,
    verify_detached,
)
from assessor_app.store import Store
from tests.conftest import MemoryKeyring


def test_created_once_then_reused_with_passphrase_in_keyring(store: Store,
                                                             memory_keyring: MemoryKeyring) -> None:
    first = load_or_create_identity(store, "Alex Morgan")
    folder = keys_dir(store)
    assert (folder / P12_NAME).exists() and (folder / ED25519_NAME).exists()
    secret = memory_keyring.secrets[("assessor-app", PASSPHRASE_SECRET)]
    assert len(secret) >= 32
    raw = (folder / P12_NAME).read_bytes() + (folder / ED25519_NAME).read_bytes()
    assert secret.encode() not in raw and b"PRIVATE KEY-----" not in raw.replace(
        b"ENCRYPTED PRIVATE KEY", b"")
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates((folder / P12_NAME).read_bytes(), None)

    second = load_or_create_identity(store, "Somebody Else")
    assert second.name == "Alex Morgan"
    assert second.certificate_sha256 == first.certificate_sha256
    assert second.sync_public_key_bytes == first.sync_public_key_bytes


def test_detached_signatures(store: Store) -> None:
    ident = load_or_create_identity(store, "Alex Morgan")
    manifest = b'{"files":["a.pdf"]}'
    sig = ident.sign_detached(manifest)
    assert len(sig) == 64 and len(ident.sync_public_key_bytes) == 32
    assert verify_detached(ident.sync_public_key_bytes, manifest, sig)
    assert not verify_detached(ident.sync_public_key_bytes, manifest + b" ", sig)
    assert not verify_detached(ident.sync_public_key_bytes, manifest, bytes(64))
    assert not verify_detached(b"short", manifest, sig)


def test_no_keyring_needs_an_explicit_passphrase(store: Store) -> None:
    keyring.set_keyring(FailKeyring())
    with pytest.raises(PassphraseUnavailable, match="passphrase"):
        load_or_create_identity(store, "Alex Morgan")
    ident = load_or_create_identity(store, "Alex Morgan", passphrase="correct horse battery")
    again = load_or_create_identity(store, passphrase="correct horse battery")
    assert again.certificate_sha256 == ident.certificate_sha256
    with pytest.raises(WrongPassphrase):
        load_or_create_identity(store, passphrase="wrong")


def test_p12_import_replaces_the_certificate_and_keeps_the_sync_key(store: Store) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.x509.oid import NameOID

    before = load_or_create_identity(store, "Alex Morgan")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Alex Morgan (Centre CA)")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    p12 = pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(b"p12pass"))
    with pytest.raises(WrongPassphrase):
        import_p12(store, p12, "nope")
    imported = import_p12(store, p12, "p12pass")
    assert imported.name == "Alex Morgan (Centre CA)"
    assert imported.sync_public_key_bytes == before.sync_public_key_bytes
    reloaded = load_or_create_identity(store)
    assert reloaded.certificate_sha256 == imported.certificate_sha256 != before.certificate_sha256
