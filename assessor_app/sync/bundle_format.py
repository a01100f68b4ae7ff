"""The sync-bundle zip format, shared by export, verify and import.

    manifest.json          every file's path, size, SHA-256; learners/units; app + schema version
    manifest.sig           base64 Ed25519 signature over the exact bytes of manifest.json
    public_key.txt         "ed25519 <base64 raw public key>"
    ers/<sha256>.pdf       signed ERS PDFs
    evidence/<learner id>/<evidence id>.json
    judgements/<learner id>.json
    attachments/<sha256>   attachment bytes (original names only inside the evidence JSON)

Names inside the zip never carry learners' names: only database ids and hashes.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

FORMAT = "assessor-app-sync-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.txt"
RESERVED = (MANIFEST, SIGNATURE, PUBLIC_KEY)

MAX_ENTRY_BYTES = 512 * 1024 * 1024  # one file (a long video attachment at most)
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 100_000
MAX_COMPRESSION_RATIO = 200  # beyond this a member is treated as a zip bomb

_ALLOWED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def unsafe_path_reason(name: str) -> str:
    """Why `name` may not be written under a folder ("" when it is a plain relative path)."""
    if not name:
        return "empty name"
    if "\\" in name or "\x00" in name:
        return "backslash or NUL in name"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    parts = name.split("/")
    if any(p in ("..",) for p in parts):
        return "path goes up with '..'"
    if any(p in ("", ".") for p in parts):
        return "empty or '.' path component"
    if any(not _ALLOWED.match(p) for p in parts):
        return "unexpected characters in name"
    if len(parts) > 4 or len(name) > 255:
        return "path too deep or too long"
    return ""


def as_relative(name: str) -> PurePosixPath:
    reason = unsafe_path_reason(name)
    if reason:
        raise ValueError(f"{name!r}: {reason}")
    return PurePosixPath(name)
