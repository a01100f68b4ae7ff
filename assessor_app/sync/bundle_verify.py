"""Check a sync bundle before anything trusts it: zip structure, paths, sizes, hashes, signature.

Reads the zip without extracting anything. Every problem is named; `ok` only if there are none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessor_app.store.files import CHUNK, sha256_bytes
from assessor_app.sync.bundle_format import (
    FORMAT,
    MANIFEST,
    MAX_COMPRESSION_RATIO,
    MAX_ENTRIES,
    MAX_ENTRY_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_TOTAL_BYTES,
    PUBLIC_KEY,
    RESERVED,
    SIGNATURE,
    unsafe_path_reason,
)
from assessor_app.sync.bundle_signing import fingerprint, signature_valid

# What reading a damaged or hostile zip can raise: a flipped bit in a deflated member
# (zlib.error), the encryption flag (RuntimeError), an unknown compression method
# (NotImplementedError), bad header fields (struct.error, ValueError, UnicodeDecodeError)…
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, struct.error, OSError,
                   EOFError, ValueError, RuntimeError, NotImplementedError, KeyError,
                   OverflowError)


@dataclass
class VerifyReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    manifest_bytes: bytes = b""
    public_key: bytes = b""

    @property
    def ok(self) -> bool:
        return not self.problems and self.manifest is not None

    @property
    def manifest_sha256(self) -> str:
        return sha256_bytes(self.manifest_bytes) if self.manifest_bytes else ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key) if self.public_key else ""

    @property
    def assessor(self) -> str:
        who = (self.manifest or {}).get("assessor")
        return str(who.get("name", "")) if isinstance(who, dict) else ""


def verify_bundle(
    path: Path,
    *,
    trusted_keys: set[bytes] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_entry_bytes: int = MAX_ENTRY_BYTES,
) -> VerifyReport:
    """Verify `path`. `trusted_keys`: if given, the signing key must be one of them."""
    report = VerifyReport(Path(path))
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        report.problems.append("the bundle file does not exist")
        return report
    except ZIP_READ_ERRORS as exc:
        report.problems.append(f"not a complete zip file (truncated or damaged): {_why(exc)}")
        return report
    with zf:
        try:
            infos = _check_entries(zf, report, max_entry_bytes)
            if report.problems:
                return report
            _check_manifest_and_signature(zf, report, trusted_keys)
            if report.manifest is None:
                return report
            _check_files(zf, infos, report, progress)
        except ZIP_READ_ERRORS as exc:  # anything the checks above did not name themselves
            report.problems.append(f"the bundle is damaged: {_why(exc)}")
            report.manifest = None
    return report


def _check_entries(
    zf: zipfile.ZipFile, report: VerifyReport, max_entry_bytes: int
) -> dict[str, zipfile.ZipInfo]:
    infos: dict[str, zipfile.ZipInfo] = {}
    all_infos = zf.infolist()
    if len(all_infos) > MAX_ENTRIES:
        report.problems.append(f"too many entries ({len(all_infos)})")
        return infos
    total = 0
    for info in all_infos:
        name = info.filename
        reason = unsafe_path_reason(name.rstrip("/") if info.is_dir() else name)
        if info.is_dir():
            report.problems.append(f"{name!r}: folders are not expected in a bundle")
            continue
        if reason:
            report.problems.append(f"{name!r}: unsafe path ({reason})")
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            report.problems.append(f"{name!r}: symbolic link")
            continue
        if name in infos:
            report.problems.append(f"{name!r}: appears twice in the zip")
            continue
        if info.file_size > max_entry_bytes:
            report.problems.append(f"{name!r}: oversized entry ({info.file_size} bytes)")
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            report.problems.append(f"{name!r}: suspicious compression ratio (zip bomb?)")
            continue
        total += info.file_size
        infos[name] = info
    if total > MAX_TOTAL_BYTES:
        report.problems.append(f"bundle too large when unpacked ({total} bytes)")
    for required in RESERVED:
        if required not in infos and not report.problems:
            report.problems.append(f"{required} is missing")
    return infos


def _read_limited(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than allowed")
    return data


def _check_manifest_and_signature(
    zf: zipfile.ZipFile, report: VerifyReport, trusted_keys: set[bytes] | None
) -> None:
    try:
        manifest_bytes = _read_limited(zf, MANIFEST, MAX_MANIFEST_BYTES)
        sig_text = _read_limited(zf, SIGNATURE, 1024)
        key_text = _read_limited(zf, PUBLIC_KEY, 1024)
    except ZIP_READ_ERRORS as exc:
        report.problems.append(f"manifest, signature or key unreadable: {_why(exc)}")
        return
    try:
        signature = base64.b64decode(sig_text.strip(), validate=True)
        algo, _, key_b64 = key_text.decode("ascii").strip().partition(" ")
        public_key = base64.b64decode(key_b64, validate=True)
        if algo != "ed25519" or len(public_key) != 32:
            raise ValueError("not an Ed25519 public key")
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        report.problems.append(f"signature or public key malformed: {exc}")
        return
    report.public_key = public_key
    if not signature_valid(public_key, manifest_bytes, signature):
        report.problems.append("bad signature: manifest.json was changed or signed by another key")
        return
    if trusted_keys is not None and public_key not in trusted_keys:
        report.problems.append(
            f"signed by a key that is not trusted here (fingerprint {fingerprint(public_key)})"
        )
        return
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError, huge numbers
        report.problems.append(f"manifest.json is not valid JSON: {exc}")
        return
    except RecursionError:
        report.problems.append("manifest.json is nested too deeply to be a bundle manifest")
        return
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.problems.append("manifest.json is not an assessor-app sync bundle manifest")
        return
    if _depth(manifest) > MAX_MANIFEST_DEPTH:
        report.problems.append("manifest.json is nested deeper than a bundle manifest ever is")
        return
    assessor = manifest.get("assessor")
    key_in_manifest = assessor.get("public_key", "") if isinstance(assessor, dict) else ""
    if key_in_manifest != base64.b64encode(public_key).decode():
        report.problems.append("the public key does not match the one named in the manifest")
        return
    if not isinstance(assessor, dict) or not isinstance(assessor.get("name", ""), str) \
            or len(assessor.get("name", "")) > 200:
        report.problems.append("manifest.json names the assessor in a form this app never "
                               "writes")
        return
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("size"), int)
        and isinstance(f.get("sha256"), str) for f in files
    ):
        report.problems.append("manifest.json has a malformed file list")
        return
    report.manifest = manifest
    report.manifest_bytes = manifest_bytes


def _check_files(
    zf: zipfile.ZipFile,
    infos: dict[str, zipfile.ZipInfo],
    report: VerifyReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    assert report.manifest is not None
    listed: dict[str, dict[str, Any]] = {}
    for f in report.manifest["files"]:
        p = f["path"]
        reason = unsafe_path_reason(p)
        if reason or p in RESERVED:
            report.problems.append(f"manifest lists an unsafe path {p!r} ({reason or 'reserved'})")
        elif p in listed:
            report.problems.append(f"manifest lists {p!r} twice")
        else:
            listed[p] = f
    for name in sorted(set(infos) - set(listed) - set(RESERVED)):
        report.problems.append(f"{name!r}: file not in the manifest")
    for name in sorted(set(listed) - set(infos)):
        report.problems.append(f"{name!r}: listed in the manifest but missing from the zip")
    total = len(listed)
    for n, (name, f) in enumerate(sorted(listed.items()), 1):
        info = infos.get(name)
        if info is None:
            continue
        if info.file_size != f["size"]:
            report.problems.append(
                f"{name!r}: size {info.file_size} but the manifest says {f['size']}"
            )
            continue
        try:
            digest = _hash_member(zf, name, f["size"])
        except ZIP_READ_ERRORS as exc:
            report.problems.append(f"{name!r}: damaged ({_why(exc)})")
            continue
        if digest != f["sha256"]:
            report.problems.append(f"{name!r}: SHA-256 does not match the manifest")
        if progress:
            progress(n, total)


def _hash_member(zf: zipfile.ZipFile, name: str, size: int) -> str:
    h = hashlib.sha256()
    seen = 0
    with zf.open(name) as fh:
        while chunk := fh.read(CHUNK):
            seen += len(chunk)
            if seen > size:
                raise ValueError("longer than its declared size")
            h.update(chunk)
    if seen != size:
        raise ValueError("shorter than its declared size")
    return h.hexdigest()


MAX_MANIFEST_DEPTH = 6  # manifest → files → entry → value is 3; some room, no more


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_MANIFEST_DEPTH:
            return depth
        children = item.values() if isinstance(item, dict) else item \
            if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _why(exc: BaseException) -> str:
    """A short reason for a zip problem, in words a user can pass on."""
    if isinstance(exc, zlib.error | lzma.LZMAError):
        return "compressed data is corrupt"
    if isinstance(exc, NotImplementedError):
        return "uses a compression method this app does not read"
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return "a member is encrypted"
    return str(exc) or exc.__class__.__name__
