"""Content-addressed file store: each file is kept once, named by its SHA-256, encrypted.

Layout: ``<files_dir>/blobs/ab/abcdef…`` (the first two hex digits fan the files out). Each blob
is AES-256-GCM encrypted with the data folder's file key (`assessor_app.vault.filecrypt`), so a
changed byte is refused on reading (`FileTampered`), and the plaintext is checked against its
name too. A blob is written to a temporary file in the same folder tree, flushed to disk and
renamed into place with `os.replace`, so a crash leaves either the whole blob or no blob. Blobs
are immutable and only deleted by erasing a learner (`remove`), never otherwise: sign-offs and
rendered documents may still refer to them.
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
from assessor_app.store.files import fsync_dir
from assessor_app.vault.errors import FileTampered
from assessor_app.vault.filecrypt import FileCipher, HashingReader, store_stream


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path, cipher: FileCipher | None = None) -> None:
        self.root = root
        self.cipher = cipher  # None only for a plaintext database (the benchmarks' baseline)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def read_bytes(self, sha256: str) -> bytes:
        """The plaintext of a blob; `FileTampered` when it was changed on disk."""
        path = self.path_for(sha256)
        data = (self.cipher.read_file(path, "attachment") if self.cipher is not None
                else path.read_bytes())
        if hashlib.sha256(data).hexdigest() != sha256:
            raise FileTampered("A stored attachment does not match its recorded content (it "
                               "was changed on disk), so it was not used.")
        return data

    def remove(self, sha256: str) -> None:
        """Delete a blob (erasing a learner); overwritten first so its bytes do not linger."""
        from assessor_app.vault.encrypt_existing import shred

        shred(self.path_for(sha256))

    def all_hashes(self) -> list[str]:
        return sorted(p.name for p in self.root.glob("??/*") if len(p.name) == 64)

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
        try:
            with open(source, "rb") as src:
                return self._put_stream(src)
        except OSError as exc:
            raise AttachmentError(
                f"The file {source.name!r} could not be read ({exc.strerror or exc}). "
                "Check it is not open elsewhere or on a disconnected drive, then try again."
            ) from exc

    def put_bytes(self, data: bytes) -> Blob:
        import io

        return self._put_stream(io.BytesIO(data))

    def _put_stream(self, src: object) -> Blob:
        staging = self.root / "tmp"
        staging.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp_name = tempfile.mkstemp(dir=staging, prefix="incoming-")
        tmp = Path(tmp_name)
        try:
            reader = HashingReader(src)  # type: ignore[arg-type]
            with os.fdopen(fd, "wb") as dst:
                store_stream(reader, dst, self.cipher)
                dst.flush()
                os.fsync(dst.fileno())
            sha = reader.digest.hexdigest()
            final = self.path_for(sha)
            if final.is_file():
                return Blob(sha, reader.size)  # already stored: the same content is kept once
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(tmp, final)
            fsync_dir(final.parent)
            return Blob(sha, reader.size)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def blob_store(store: Store) -> BlobStore:
    return BlobStore(store.files_dir / "blobs",
                     store.key.file_cipher() if store.key is not None else None)
