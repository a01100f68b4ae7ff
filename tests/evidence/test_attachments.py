"""Attachments live once in the content-addressed store; bad files are refused by name."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from assessor_app.evidence import (
    AttachmentError,
    attach_file,
    attachment_path,
    create_evidence,
    get_evidence,
    read_attachment,
)
from assessor_app.evidence.blobstore import blob_store


def _blobs(store) -> list[Path]:
    root = store.files_dir / "blobs"
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp")


def test_same_file_twice_is_stored_once(store, world, tmp_path: Path) -> None:
    data = b"%PDF-1.4 a risk assessment the learner wrote\n" * 1000
    first = tmp_path / "risk.pdf"
    first.write_bytes(data)
    copy = tmp_path / "copy of risk.pdf"
    copy.write_bytes(data)
    a = create_evidence(store, world.learner.id, "product", attachments=[first])
    b = create_evidence(store, world.learner.id, "product")
    attach_file(store, b.evidence_id, copy)
    again = attach_file(store, b.evidence_id, first)  # same content on the same item: no-op
    assert again.is_noop

    sha = hashlib.sha256(data).hexdigest()
    assert _blobs(store) == [store.files_dir / "blobs" / sha[:2] / sha]
    rows_a = get_evidence(store, a.evidence_id).attachments
    rows_b = get_evidence(store, b.evidence_id).attachments
    assert [(r.sha256, r.filename, r.size, r.mime) for r in rows_a] == [
        (sha, "risk.pdf", len(data), "application/pdf")]
    assert [(r.sha256, r.filename) for r in rows_b] == [(sha, "copy of risk.pdf")]
    assert read_attachment(store, rows_b[0]) == data
    assert data not in attachment_path(store, rows_b[0]).read_bytes()  # encrypted at rest
    assert not list((store.files_dir / "blobs" / "tmp").iterdir())  # no temp file left


def test_vanished_file_is_named_and_nothing_written(store, world, tmp_path: Path) -> None:
    gone = tmp_path / "photo-of-display.jpg"
    with pytest.raises(AttachmentError, match="photo-of-display.jpg"):
        create_evidence(store, world.learner.id, "product", text="The display",
                        criteria=["K/503/8194:1.1"], attachments=[gone])
    with store.session() as s:
        assert s.execute(text("select count(*) from evidence_item")).scalar_one() == 0
    item = create_evidence(store, world.learner.id, "product", text="Keep")
    with pytest.raises(AttachmentError, match="photo-of-display.jpg"):
        attach_file(store, item.evidence_id, gone)
    with pytest.raises(AttachmentError, match="not a file"):
        attach_file(store, item.evidence_id, tmp_path)
    detail = get_evidence(store, item.evidence_id)
    assert detail.attachments == [] and detail.item.text == "Keep"
    assert _blobs(store) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_unreadable_file_is_named(store, world) -> None:
    """/proc/self/mem is a regular file whose first bytes cannot be read (EIO), even as root."""
    item = create_evidence(store, world.learner.id, "product")
    with pytest.raises(AttachmentError, match=r"'mem' could not be read"):
        attach_file(store, item.evidence_id, "/proc/self/mem")
    assert get_evidence(store, item.evidence_id).attachments == []
    assert _blobs(store) == []
    assert not list((store.files_dir / "blobs" / "tmp").iterdir())


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs file permissions that apply (not root)")
def test_file_without_read_permission(store, world, tmp_path: Path) -> None:
    locked = tmp_path / "locked.jpg"
    locked.write_bytes(b"x")
    locked.chmod(0)
    item = create_evidence(store, world.learner.id, "product")
    with pytest.raises(AttachmentError, match="locked.jpg"):
        attach_file(store, item.evidence_id, locked)


def test_blob_written_whole_under_its_hash(store, tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)  # several read chunks
    src.write_bytes(data)
    blob = blob_store(store).put_file(src)
    assert blob.sha256 == hashlib.sha256(data).hexdigest() and blob.size == len(data)
    assert blob_store(store).read_bytes(blob.sha256) == data
