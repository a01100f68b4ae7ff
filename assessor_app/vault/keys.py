"""The data key and its wrapped copies in the key file beside the database.

The data key is 32 random bytes. It is never written anywhere in the clear: the key file
(``<db>.keys``, JSON, mode 0600) holds it only wrapped (AES-256-GCM) twice:

- by a random 32-byte secret kept in the OS keyring (fast, no typing), and
- by a key derived from the assessor's passphrase with scrypt (works on any computer, e.g. after
  the keyring is gone or when restoring a backup on a new laptop).

Either one opens it. The wrap binds the key id as associated data, so a wrapped key cannot be
moved between key files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from assessor_app.vault.errors import VaultError, WrongPassphrase
from assessor_app.vault.filecrypt import FileCipher, private_atomic_writer

FORMAT = "assessor-app-keys"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


@dataclass(frozen=True)
class DataKey:
    key_id: str
    raw: bytes

    def derive(self, purpose: str) -> bytes:
        """An independent 256-bit key for one purpose (files, backup names, manifests)."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=f"assessor-app {purpose} v1".encode()).derive(self.raw)

    @property
    def sqlcipher_pragma(self) -> str:
        return f"PRAGMA key = \"x'{self.raw.hex()}'\""

    def file_cipher(self) -> FileCipher:
        return FileCipher(self.derive("files"))

    def __repr__(self) -> str:  # never print the key
        return f"DataKey(key_id={self.key_id!r})"


def new_data_key() -> DataKey:
    return DataKey(secrets.token_hex(8), secrets.token_bytes(32))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _aad(key_id: str) -> bytes:
    return f"{FORMAT} {key_id}".encode()


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap_with_secret(key: DataKey, secret: bytes) -> dict[str, str]:
    nonce = secrets.token_bytes(12)
    return {"nonce": _b64(nonce),
            "wrapped": _b64(AESGCM(secret).encrypt(nonce, key.raw, _aad(key.key_id)))}


def unwrap_with_secret(key_id: str, entry: dict[str, Any], secret: bytes) -> DataKey | None:
    try:
        raw = AESGCM(secret).decrypt(base64.b64decode(entry["nonce"]),
                                     base64.b64decode(entry["wrapped"]), _aad(key_id))
    except (InvalidTag, KeyError, ValueError):
        return None
    return DataKey(key_id, raw)


def wrap_with_passphrase(key: DataKey, passphrase: str) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    wrapped = wrap_with_secret(key, _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
    return {"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt),
            **wrapped}


def unwrap_with_passphrase(key_id: str, entry: dict[str, Any], passphrase: str) -> DataKey:
    """`WrongPassphrase` when the passphrase does not open it."""
    try:
        secret = _scrypt(passphrase, base64.b64decode(entry["salt"]), int(entry["n"]),
                         int(entry["r"]), int(entry["p"]))
    except (KeyError, ValueError) as exc:
        raise VaultError("The key file is damaged (its passphrase entry is unreadable).") from exc
    key = unwrap_with_secret(key_id, entry, secret)
    if key is None:
        raise WrongPassphrase("That passphrase does not open this data. Check it and try again.")
    return key


@dataclass
class KeyFile:
    """The parsed key file: the key id and the wrapped copies (never the key itself)."""

    key_id: str
    passphrase: dict[str, Any]
    keyring: dict[str, Any] | None

    @property
    def keyring_secret_name(self) -> str:
        return f"data-key:{self.key_id}"

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "version": 1, "key_id": self.key_id,
                "passphrase": self.passphrase, "keyring": self.keyring}
        return json.dumps(data, indent=1, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        try:
            obj = json.loads(data)
            if obj.get("format") != FORMAT or obj.get("version") != 1:
                raise ValueError("not a key file of this app")
            return cls(str(obj["key_id"]), dict(obj["passphrase"]), obj.get("keyring"))
        except (ValueError, KeyError, TypeError) as exc:
            raise VaultError("The key file beside the database is damaged or not from this app "
                             f"({exc.__class__.__name__}).") from exc

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()[:16]


def key_file_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


def read_key_file(path: Path) -> KeyFile | None:
    try:
        return KeyFile.from_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


def write_key_file(path: Path, kf: KeyFile) -> None:
    with private_atomic_writer(path) as fh:
        fh.write(kf.to_bytes())
