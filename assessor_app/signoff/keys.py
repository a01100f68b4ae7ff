"""The assessor's signing identity: an X.509 key for PAdES-signing ERS PDFs and an Ed25519 key for
detached signatures over sync-bundle manifests.

Storage (all under `store.files_dir / "keys"`, nothing in plaintext):

- `assessor.p12`  PKCS#12 with the certificate and its private key (ECDSA P-256; a self-signed
  certificate with the assessor's name as CN is created on first use, or an imported .p12 is
  re-encrypted here), encrypted with the key passphrase.
- `sync-ed25519.pem`  PKCS#8 PEM of the Ed25519 private key, encrypted with the same passphrase.

The passphrase is the assessor's own, chosen at set-up and changed with
`signoff.passphrase.change_passphrase` (until then a random one, 32 bytes URL-safe); it is kept in
the OS keyring under `assessor-app / assessor-key-passphrase` via `assessor_app.secrets`. With no keyring
(`SecretStoreUnavailable`, or the keyring backend simply being absent) the caller must pass an
explicit `passphrase=`; we never write it to a file.

API::

    identity = load_or_create_identity(store, "Alex Morgan")        # or passphrase="..."
    identity.name, identity.certificate, identity.certificate_sha256
    identity.pades_signer()              -> pyhanko SimpleSigner for ers.pdf_signing
    identity.sign_detached(data)         -> 64-byte Ed25519 signature
    identity.sync_public_key_bytes       -> 32 raw bytes (share these in bundle manifests)
    verify_detached(public_key_bytes, data, signature) -> bool   (never raises on a bad signature)
    import_p12(store, p12_bytes, p12_password, passphrase=None)  -> AssessorIdentity
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import secrets as pysecrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from assessor_app.secrets import SecretStoreUnavailable, get_secret, set_secret
from assessor_app.store.files import atomic_write_bytes
from assessor_app.store.locks import process_lock

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

    from assessor_app.store import Store
from assessor_app.store.settings import get_setting

PASSPHRASE_SECRET = "assessor-key-passphrase"
P12_NAME = "assessor.p12"
ED25519_NAME = "sync-ed25519.pem"
OWN_KEYS_HISTORY = "own-keys.json"
OWN_PUBLIC_FILE = "public.json"  # the public halves, so trust checks need no passphrase
CERT_YEARS = 10


class KeyStoreError(Exception):
    """Base for key problems with a user-facing message."""


class PassphraseUnavailable(KeyStoreError):
    """No keyring holds the passphrase and none was given."""


class WrongPassphrase(KeyStoreError):
    """The stored keys could not be decrypted with the passphrase."""


@dataclass(frozen=True)
class AssessorIdentity:
    name: str
    certificate: x509.Certificate
    private_key: Any  # the certificate's private key (EC or RSA), a cryptography key object
    sync_key: Ed25519PrivateKey
    other_certificates: tuple[x509.Certificate, ...] = ()

    @property
    def certificate_sha256(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def sync_public_key_bytes(self) -> bytes:
        return self.sync_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                       serialization.PublicFormat.Raw)

    def sign_detached(self, data: bytes) -> bytes:
        """Ed25519 signature over `data` (e.g. a bundle manifest's exact bytes)."""
        return self.sync_key.sign(data)

    def pades_signer(self) -> SimpleSigner:
        from pyhanko.sign.signers import SimpleSigner

        data = pkcs12.serialize_key_and_certificates(
            None, self.private_key, self.certificate, list(self.other_certificates) or None,
            serialization.NoEncryption())
        return SimpleSigner.load_pkcs12_data(data, other_certs=[])


def verify_detached(public_key_bytes: bytes, data: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `data` by that public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key_bytes).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def keys_dir(store_or_dir: Store | Path) -> Path:
    if isinstance(store_or_dir, Path):
        return store_or_dir
    return store_or_dir.files_dir / "keys"


def _passphrase(explicit: str | None, *, create: bool, chosen: bool = False) -> str:
    """The passphrase given, else the keyring's, else the environment's (scripts, CI); with
    none, a new random one kept in the keyring for a new key (`create`) unless the assessor
    already chose theirs (`chosen`)."""
    if explicit:
        return explicit
    from assessor_app.vault.unlock import PASSPHRASE_ENV

    try:
        stored = get_secret(PASSPHRASE_SECRET)
    except SecretStoreUnavailable as exc:
        if env := os.environ.get(PASSPHRASE_ENV):
            return env
        raise PassphraseUnavailable(
            f"{exc} The signing key's passphrase cannot be read; enter it to continue.") from exc
    if stored:
        return stored
    if env := os.environ.get(PASSPHRASE_ENV):
        return env
    if _no_keyring():
        raise PassphraseUnavailable(
            "No secure password store (keyring) is available on this computer, so the signing "
            "key's passphrase cannot be kept for you. Enter a passphrase to continue; it is "
            "never written to disk.")
    if not create:
        raise PassphraseUnavailable(
            "The signing key exists but its passphrase is not in this computer's keyring. "
            "Enter the passphrase to continue.")
    if chosen:
        raise PassphraseUnavailable(
            "This computer's keyring does not hold your passphrase. Enter it (the one that "
            "opens your data) to create your signing key.")
    new = pysecrets.token_urlsafe(32)
    try:
        set_secret(PASSPHRASE_SECRET, new)
    except SecretStoreUnavailable as exc:
        raise PassphraseUnavailable(
            f"{exc} Choose a passphrase for your signing key and enter it each time.") from exc
    if get_secret(PASSPHRASE_SECRET) != new:  # the 'fail' backend reads back None
        raise PassphraseUnavailable(
            "No secure password store is available on this computer, so the signing key's "
            "passphrase cannot be kept. Choose a passphrase and enter it each time.")
    return new


def _chosen_for_data(store_or_dir: Store | Path) -> dict[str, Any] | None:
    """The data key's passphrase wrap and id, once the assessor chose the passphrase (None
    before, or for a bare keys folder): a new signing key must then be protected by it."""
    if isinstance(store_or_dir, Path):
        return None
    from assessor_app.vault.keys import key_file_path, read_key_file

    kf = read_key_file(key_file_path(store_or_dir.db_path))
    return {"key_id": kf.key_id, "entry": kf.passphrase} if kf is not None and kf.chosen \
        else None


def _check_one_passphrase(chosen: dict[str, Any] | None, secret: str) -> None:
    """One passphrase for the assessor: a new signing key is refused a passphrase other than
    the one that opens the data (which backups need too)."""
    if chosen is None:
        return
    from assessor_app.vault import errors as vault_errors
    from assessor_app.vault.keys import unwrap_with_passphrase

    try:
        unwrap_with_passphrase(chosen["key_id"], chosen["entry"], secret)
    except vault_errors.WrongPassphrase as exc:
        raise WrongPassphrase("That is not your passphrase: your signing key is protected by "
                              "the same passphrase that opens your data. Enter that one.") \
            from exc


def _no_keyring() -> bool:
    import keyring
    from keyring.backends import fail

    return isinstance(keyring.get_keyring(), fail.Keyring)


def _self_signed(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME,
                                            "Assessor companion")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    atomic_write_bytes(path, data, mode=0o600)  # never readable by others, not even briefly


def _save_p12(folder: Path, name: str, key: Any, cert: x509.Certificate,
              others: list[x509.Certificate], passphrase: str) -> None:
    enc = serialization.BestAvailableEncryption(passphrase.encode())
    data = pkcs12.serialize_key_and_certificates(name.encode(), key, cert, others or None, enc)
    _write_private(folder / P12_NAME, data)


def _load_p12(folder: Path, passphrase: str) -> tuple[Any, x509.Certificate,
                                                      list[x509.Certificate]]:
    try:
        key, cert, others = pkcs12.load_key_and_certificates(
            (folder / P12_NAME).read_bytes(), passphrase.encode())
    except ValueError as exc:
        raise WrongPassphrase("The signing key could not be unlocked with that passphrase.") \
            from exc
    if key is None or cert is None:
        raise KeyStoreError("The stored signing key file holds no key or certificate.")
    return key, cert, list(others)


def _load_or_create_ed25519(folder: Path, passphrase: str) -> Ed25519PrivateKey:
    path = folder / ED25519_NAME
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), passphrase.encode())
        except ValueError as exc:
            raise WrongPassphrase("The sync signing key could not be unlocked with that "
                                  "passphrase.") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyStoreError("The stored sync key is not an Ed25519 key.")
        return key
    key = Ed25519PrivateKey.generate()
    _write_private(path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode())))
    return key


def _cn(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = attrs[0].value if attrs else ""
    return value if isinstance(value, str) else value.decode()


def _store_name(store_or_dir: Store | Path) -> str:
    if isinstance(store_or_dir, Path):
        return ""
    return get_setting(store_or_dir, "assessor_name")


def load_or_create_identity(store_or_dir: Store | Path, assessor_name: str = "", *,
                            passphrase: str | None = None) -> AssessorIdentity:
    """Load the assessor's keys, creating them on first use. The name (else the `assessor_name`
    setting, else "Assessor") becomes the certificate's CN only when the key is created."""
    folder = keys_dir(store_or_dir)
    if not isinstance(store_or_dir, Path):  # complete or discard an interrupted change
        from assessor_app.signoff.passphrase import finish_pending

        finish_pending(store_or_dir)
    if (folder / P12_NAME).exists() and (folder / ED25519_NAME).exists():
        return _load_or_create(folder, store_or_dir, assessor_name, passphrase)
    # First use: two processes at once must not each make (and half-overwrite) a key pair.
    with process_lock(folder.parent / "locks" / "keys.lock"):
        return _load_or_create(folder, store_or_dir, assessor_name, passphrase)


def _load_or_create(folder: Path, store_or_dir: Store | Path, assessor_name: str,
                    passphrase: str | None) -> AssessorIdentity:
    exists = (folder / P12_NAME).exists()
    chosen = None if exists else _chosen_for_data(store_or_dir)
    secret = _passphrase(passphrase, create=not exists, chosen=chosen is not None)
    _check_one_passphrase(chosen, secret)
    if exists:
        key, cert, others = _load_p12(folder, secret)
    else:
        name = assessor_name.strip() or _store_name(store_or_dir) or "Assessor"
        key, cert = _self_signed(name)
        others = []
        _save_p12(folder, name, key, cert, others, secret)
    sync_key = _load_or_create_ed25519(folder, secret)
    return _recorded(folder, AssessorIdentity(_cn(cert), cert, key, sync_key, tuple(others)))


def _recorded(folder: Path, identity: AssessorIdentity) -> AssessorIdentity:
    """Keep the public halves beside the keys (see `signoff.trust`): your own signatures are
    trusted without unlocking anything."""
    data = json.dumps({"name": identity.name,
                       "public_key": base64.b64encode(identity.sync_public_key_bytes).decode(),
                       "certificate_sha256": identity.certificate_sha256},
                      sort_keys=True).encode()
    path = folder / OWN_PUBLIC_FILE
    if not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
    _remember_own(folder.parent / "audit" / OWN_KEYS_HISTORY, json.loads(data))
    return identity


def _remember_own(path: Path, entry: dict[str, str]) -> None:
    """Every key this laptop's assessor has signed with, kept with the audit heads (and so in
    backups): a trail signed before a key change, or restored elsewhere, still verifies."""
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, ValueError):
        known = []
    if not isinstance(known, list):
        known = []
    if entry not in known:
        atomic_write_bytes(path, json.dumps([*known, entry], sort_keys=True).encode())


def import_p12(store_or_dir: Store | Path, p12_bytes: bytes, p12_password: str | None, *,
               passphrase: str | None = None) -> AssessorIdentity:
    """Replace the signing certificate with one from a .p12/.pfx (e.g. issued by the centre).
    The Ed25519 sync key is kept if it exists."""
    try:
        key, cert, others = pkcs12.load_key_and_certificates(
            p12_bytes, p12_password.encode() if p12_password else None)
    except ValueError as exc:
        raise WrongPassphrase("The .p12 file could not be opened: wrong password or not a "
                              "PKCS#12 file.") from exc
    if key is None or cert is None:
        raise KeyStoreError("The .p12 file has no private key and certificate.")
    folder = keys_dir(store_or_dir)
    fresh = not (folder / ED25519_NAME).exists() and not (folder / P12_NAME).exists()
    chosen = _chosen_for_data(store_or_dir) if fresh else None
    secret = _passphrase(passphrase, create=fresh, chosen=chosen is not None)
    _check_one_passphrase(chosen, secret)
    _save_p12(folder, _cn(cert), key, cert, list(others), secret)
    sync_key = _load_or_create_ed25519(folder, secret)
    return _recorded(folder, AssessorIdentity(_cn(cert), cert, key, sync_key, tuple(others)))


def public_fingerprint(public_key_bytes: bytes) -> str:
    """Short, human-comparable fingerprint of a sync public key (for settings screens)."""
    digest = hashlib.sha256(public_key_bytes).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))
