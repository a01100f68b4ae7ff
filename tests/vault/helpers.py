"""A data folder as the previous (plaintext) version left it: the demo, plus a learner with a
distinctive name, evidence sentence and photo, and a few more attachments."""

from __future__ import annotations

import hashlib
import os
from contextlib import closing
from pathlib import Path

from sqlalchemy import text

from assessor_app.demo.builder import build_demo
from assessor_app.evidence import add_learner, attach_file, create_evidence
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.store import Store, open_store
from assessor_app.vault.dbfile import connect

PASSPHRASE = "plaintext era passphrase"
NAME = "Zebedee Quillfeather-Marchbanks"
SENTENCE = "Zebedee restocked the chilled aisle while narrating the fire drill in verse"
REG = "ZQM-424242"


def photo_bytes(seed: int, size: int = 40_000) -> bytes:
    out = bytearray()
    block = hashlib.sha256(f"photo {seed}".encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return b"\xff\xd8\xff\xe0PHOTO" + bytes(out[:size])


def add_distinctive_learner(store: Store, tmp: Path, extra_photos: int = 0) -> list[bytes]:
    """The learner the grep tests look for; returns the photos' bytes."""
    learner = add_learner(store, NAME, REG)
    item = create_evidence(store, learner.id, "observation", title="Shop floor", text=SENTENCE)
    photos = [photo_bytes(i) for i in range(1 + extra_photos)]
    for i, data in enumerate(photos):
        src = tmp / f"photo-{i}.jpg"
        src.write_bytes(data)
        attach_file(store, item.evidence_id, src)
        src.unlink()
    return photos


def make_plaintext_folder(db_path: Path, extra_photos: int = 0) -> Store:
    """Build it with encryption off (as the old version did); returns the (open) store."""
    store = open_store(db_path, encrypt=False)
    build_demo(store, lambda s: load_or_create_identity(s, passphrase=PASSPHRASE))
    add_distinctive_learner(store, db_path.parent, extra_photos)
    return store


def row_counts(store: Store) -> dict[str, int]:
    with store.read_session() as s:
        names = [r[0] for r in s.exec(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))]
        return {n: s.exec(text(f'SELECT count(*) FROM "{n}"')).one()[0] for n in names}


def integrity_ok(db_path: Path, store: Store) -> bool:
    with closing(connect(db_path, store.key)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def all_file_bytes(*roots: Path) -> list[tuple[Path, bytes]]:
    found = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                p = Path(dirpath) / f
                found.append((p, p.read_bytes()))
    return found
