"""Crash-safe writes and hashing shared by the blob store, ERS filing, keys and bundles."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest

from assessor_app.store.files import atomic_write_bytes, atomic_writer, sha256_bytes, sha256_file


def test_a_failed_write_keeps_the_old_bytes_and_leaves_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "ers.pdf"
    target.write_bytes(b"old and whole")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("power cut")
    assert target.read_bytes() == b"old and whole"
    assert sorted(p.name for p in folder.iterdir()) == ["ers.pdf"]


def test_disk_full_at_flush_leaves_nothing_under_the_name(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    folder = tmp_path / "out"
    with pytest.raises(OSError):
        atomic_write_bytes(folder / "bundle.zip", b"x" * 10)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_private_files_are_never_readable_by_others(tmp_path: Path) -> None:
    seen: list[int] = []
    target = tmp_path / "key.pem"
    with atomic_writer(target, mode=0o600) as fh:
        seen.append(stat.S_IMODE(os.fstat(fh.fileno()).st_mode))  # before any byte is written
        fh.write(b"secret")
    assert seen == [0o600]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    atomic_write_bytes(tmp_path / "public.pdf", b"pdf")
    assert stat.S_IMODE((tmp_path / "public.pdf").stat().st_mode) == 0o644


def test_hashes_agree_with_hashlib(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one read chunk
    path = tmp_path / "blob"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_file(path) == sha256_bytes(data) == expected
