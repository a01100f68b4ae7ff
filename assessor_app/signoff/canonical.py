"""Canonical JSON and its SHA-256: the exact bytes every signature and the audit trail bind to.

Canonical form: keys sorted, no insignificant whitespace, UTF-8 without escaping, no NaN/Infinity.
Callers convert dates to ISO strings first; anything not plain JSON raises `TypeError` rather than
being stringified silently, so the same content always hashes the same way.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(obj: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of `obj`."""
    return sha256_text(canonical_json(obj))
