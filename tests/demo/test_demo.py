"""`assessor-app demo` builds a learner with one unit signed off through the real sign-off code."""

from __future__ import annotations

import io
import shlex
import sys
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import func, select

from assessor_app.cli import main
from assessor_app.ers.filing import ers_document_path, read_ers_document
from assessor_app.ers.pdf_signing import verify_pdf
from assessor_app.store import open_store
from assessor_app.store.audit import verify_chain
from assessor_app.store.models import ErsDocument, Learner, OutboxItem, Signature, SignOff


def _counts(db: Path) -> dict[str, int]:
    store = open_store(db)
    with store.session() as s:
        out = {m.__name__: s.exec(select(func.count()).select_from(m)).one()
               for m in (Learner, SignOff, Signature, ErsDocument, OutboxItem)}
    store.close()
    return out


def test_demo_signs_files_and_queues_one_unit(db_path: Path, capsys) -> None:
    assert main(["demo", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "DEMO-0001" in out and "H/601/1232" in out

    store = open_store(db_path)
    with store.session() as s:
        so = s.exec(select(SignOff)).one()
        assert so.status == "signed" and not so.partial
        roles = [sig.role for sig in s.exec(select(Signature).where(Signature.signoff_id == so.id)
                                            .order_by(Signature.id))]
        assert roles == ["learner", "line_manager", "assessor"]
        doc = s.exec(select(ErsDocument)).one()
        queued = s.exec(select(OutboxItem)).one()
        assert queued.ers_document_id == doc.id and queued.state == "queued"
        assert verify_chain(s).ok
    pdf = read_ers_document(store, doc)  # filed encrypted; the core decrypts and checks it
    assert pdf not in ers_document_path(store, doc).read_bytes()
    store.close()

    result = verify_pdf(pdf)
    assert result.ok, result.problem
    assert result.content_hash == so.content_hash
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("Priya Shah (demo)", "Sam Lee", "Alex Morgan", "H/601/1232", "4.4",
                     so.content_hash[:16]):
        assert expected in text
    # The file name sent to the centre carries no learner name.
    assert "Priya" not in queued.filename and "Shah" not in queued.filename

    # The command the demo suggests saves that very PDF.
    hint = next(line for line in out.splitlines() if line.startswith("Save a copy with:"))
    args = shlex.split(hint.split(":", 1)[1])[1:]
    copy = db_path.parent / "copy.pdf"
    assert args[-1] == "demo-ers.pdf"
    assert main([*args[:-1], str(copy)]) == 0
    assert copy.read_bytes() == pdf


def test_demo_twice_changes_nothing(db_path: Path, capsys) -> None:
    assert main(["demo", "--db", str(db_path)]) == 0
    before = _counts(db_path)
    assert main(["demo", "--db", str(db_path)]) == 0
    assert "already exists" in capsys.readouterr().out
    assert _counts(db_path) == before


def test_demo_without_passphrase_writes_nothing(db_path: Path, memory_keyring, monkeypatch,
                                                capsys) -> None:
    """With no keyring and no passphrase the demo stops before creating anything."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["demo", "--db", str(db_path)]) != 0
    assert "passphrase" in capsys.readouterr().err.lower()
    assert not db_path.exists()  # not even an empty (or unencrypted) database file


def test_demo_with_env_passphrase_and_no_keyring(tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    """Headless: no keyring, the passphrase from ASSESSOR_APP_KEY_PASSPHRASE; the filed ERS
    renders and verifies."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the memory keyring
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "correct horse battery")
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0, capsys.readouterr().err
    out_pdf = tmp_path / "ers.pdf"
    assert main(["ers", "render", "DEMO-0001", "H/601/1232", "-o", str(out_pdf),
                 "--db", str(db)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["ers", "verify", str(out_pdf)]) == 0
    assert capsys.readouterr().out.startswith("OK")
