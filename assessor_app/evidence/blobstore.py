"""Content-addressed file store: each file is kept once, named by its SHA-256.

Layout: ``<files_dir>/blobs/ab/abcdef…`` (the first two hex digits fan the files out). A blob is
written to a temporary file in the same folder tree, flushed to disk and then renamed into place
with `os.replace`, so a crash leaves either the whole blob or no blob, never half of one. Blobs are
immutable and never deleted here: sign-offs and rendered documents may still refer to them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assessor_app.evidence.errors import AttachmentError
from assessor_app.store import Store
from assessor_app.store.files import CHUNK, fsync_dir


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def read_bytes(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def put_file(self, source: Path) -> Blob:
        """Copy `source` in (once per content). Raises `AttachmentError` naming the file if it is
        missing, not a regular file or unreadable; nothing is left behind in that case."""
        source = Path(source)
        if not source.exists():
            raise AttachmentError(f"The file {source.name!r} is not there any more ({source}). "
                                  "Check the path, or attach it again from where it is now.")
        if not source.is_file():
            raise AttachmentError(f"{source.name!r} is not a file ({source}); attach a photo or "
                                  "document, not a folder.")
        staging = self.root / "tmp"
        staging.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=staging, prefix="incoming-")
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            try:
                with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
                        size += len(chunk)
                    dst.flush()
                    os.fsync(dst.fileno())
            except OSError as exc:
                raise AttachmentError(
                    f"The file {source.name!r} could not be read ({exc.strerror or exc}). "
                    "Check it is not open elsewhere or on a disconnected drive, then try again."
                ) from exc
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.is_file():
                return Blob(sha, size)  # already stored: the same content is kept once
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            fsync_dir(final.parent)
            return Blob(sha, size)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def blob_store(store: Store) -> BlobStore:
    return BlobStore(store.files_dir / "blobs")
