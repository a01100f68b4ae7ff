"""The backup's layout and its authenticated manifest.

    backup.keys                the data key wrapped by the passphrase only (scrypt), JSON
    objects/ab/<name>          encrypted objects: the database snapshot (SQLCipher, data key) and
                               every stored file exactly as kept on disk (AES-256-GCM, file key);
                               the signing keys and audit files, kept on disk as they are, sealed
                               with the file key first (manifest entry `"sealed": true`);
                               <name> is an HMAC of the content hash, so the server learns nothing
                               about the content (not even which photo it is)
    manifests/<time>-<id>.bin  AES-256-GCM sealed JSON listing one run's objects and their hashes

An object is uploaded once and referenced by every later manifest that still needs it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assessor_app.vault.errors import FileTampered
from assessor_app.vault.keys import DataKey

FORMAT = "assessor-app-backup"
KEYS = "backup.keys"
MANIFESTS = "manifests"
OBJECTS = "objects"


def object_name(key: DataKey, kind: str, content_sha256: str) -> str:
    digest = hmac.new(key.derive("backup names"), f"{kind}:{content_sha256}".encode(),
                      hashlib.sha256).hexdigest()
    return f"{OBJECTS}/{digest[:2]}/{digest}"


def seal_manifest(key: DataKey, manifest: dict[str, Any]) -> bytes:
    nonce = secrets.token_bytes(12)
    body = json.dumps(manifest, sort_keys=True).encode()
    return nonce + AESGCM(key.derive("backup manifest")).encrypt(
        nonce, body, f"{FORMAT} {key.key_id}".encode())


def open_manifest(key: DataKey, sealed: bytes) -> dict[str, Any]:
    try:
        body = AESGCM(key.derive("backup manifest")).decrypt(
            sealed[:12], sealed[12:], f"{FORMAT} {key.key_id}".encode())
    except (InvalidTag, ValueError) as exc:
        raise FileTampered("A backup manifest was changed or cut short (it failed its "
                           "integrity check); that backup cannot be trusted.") from exc
    manifest = json.loads(body)
    if manifest.get("format") != FORMAT or manifest.get("key_id") != key.key_id:
        raise FileTampered("A backup manifest does not belong to this backup.")
    return manifest
