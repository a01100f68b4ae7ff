from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor_app.cli import main as run_cli
from assessor_app.ers.filing import ers_folder, existing_document, read_ers_document
from assessor_app.signoff.keys import load_or_create_identity
from assessor_app.signoff.voiding import void_signoffs_covering
from assessor_app.store import Store
from assessor_app.vault.unlock import change_passphrase
from tests.ers.conftest import Signed
from tests.ers.pdftext import pdf_text

REPO = Path(__file__).resolve().parents[2]


def test_render_then_verify(store: Store, signed: Signed, db_path: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "ers.pdf"
    assert run_cli(["ers", "render", "R1001", "H/601/1232", "-o", str(out),
                    "--db", str(db_path)]) == 0
    assert "Alex Morgan" in pdf_text(out.read_bytes())
    capsys.readouterr()
    assert run_cli(["ers", "verify", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("OK:") and "\n" not in line

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(out.read_bytes() + b"x")
    assert run_cli(["ers", "verify", str(tampered)]) == 1
    assert "added to the file" in capsys.readouterr().err


def test_draft_is_unsigned_and_verify_says_so(store: Store, signed: Signed, db_path: Path,
                                              tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "draft.pdf"
    assert run_cli(["ers", "render", "R1001", "H/601/1232", "--draft", "-o", str(out),
                    "--db", str(db_path)]) == 0
    assert "DRAFT" in pdf_text(out.read_bytes())
    capsys.readouterr()
    assert run_cli(["ers", "verify", str(out)]) == 1
    assert "no digital signature" in capsys.readouterr().err


def test_superseded_signoff_by_id(store: Store, signed: Signed, db_path: Path,
                                  tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with store.session() as s:
        void_signoffs_covering(s, signed.scenario.observation_id, "date corrected")
    out = tmp_path / "old.pdf"
    assert run_cli(["ers", "render", "R1001", "H/601/1232", "-o", str(out),
                    "--db", str(db_path)]) == 2
    assert "no completed sign-off" in capsys.readouterr().err
    assert run_cli(["ers", "render", "R1001", "H/601/1232", "--signoff",
                    str(signed.signoff_id), "-o", str(out), "--db", str(db_path)]) == 0
    assert "SUPERSEDED / VOID" in pdf_text(out.read_bytes())
    assert run_cli(["ers", "render", "R404", "H/601/1232", "-o", str(out),
                    "--db", str(db_path)]) == 2
    assert "R404" in capsys.readouterr().err


def test_file_and_signoff_list(store: Store, signed: Signed, db_path: Path,
                               capsys: pytest.CaptureFixture) -> None:
    assert run_cli(["ers", "file", "R1001", "H/601/1232", "--db", str(db_path)]) == 0
    assert "Filed ERS document" in capsys.readouterr().out
    assert run_cli(["signoff", "list", "R1001", "--db", str(db_path)]) == 0
    assert '"status": "signed"' in capsys.readouterr().out


def test_console_script_end_to_end(store: Store, signed: Signed, db_path: Path,
                                   tmp_path: Path) -> None:
    # a child process has no in-memory keyring: use the documented passphrase variable
    load_or_create_identity(store, "Alex Morgan", passphrase="ci passphrase")
    change_passphrase(db_path, store.key, "ci passphrase")  # one passphrase for keys and data
    env = dict(os.environ, ASSESSOR_APP_KEY_PASSPHRASE="ci passphrase",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    exe = Path(sys.executable).with_name("assessor-app")
    out = tmp_path / "e2e.pdf"
    render = subprocess.run([str(exe), "ers", "render", "R1001", "H/601/1232", "-o", str(out),
                             "--db", str(db_path)], capture_output=True, text=True, env=env,
                            cwd=REPO, timeout=120)
    assert render.returncode == 0, render.stderr
    ok = subprocess.run([str(exe), "ers", "verify", str(out)], capture_output=True, text=True,
                        env=env, timeout=120)
    assert ok.returncode == 0 and ok.stdout.startswith("OK:"), ok.stderr
    data = bytearray(out.read_bytes())
    data[data.index(b"/Producer") + 12] ^= 0x01
    out.write_bytes(bytes(data))
    bad = subprocess.run([str(exe), "ers", "verify", str(out)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert bad.returncode != 0 and "NOT VALID" in bad.stderr
    audit = subprocess.run([str(exe), "audit", "verify", "--db", str(db_path)],
                           capture_output=True, text=True, env=env, timeout=120)
    assert audit.returncode == 0 and "chain intact" in audit.stdout


def test_export_writes_the_filed_pdf_as_filed(store: Store, signed: Signed, db_path: Path,
                                              tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "filed.pdf"
    args = ["ers", "export", "R1001", "H/601/1232", "-o", str(out), "--db", str(db_path)]
    assert run_cli(args) == 2
    assert "no filed ERS yet" in capsys.readouterr().err and not out.exists()

    assert run_cli(["ers", "file", "R1001", "H/601/1232", "--db", str(db_path)]) == 0
    capsys.readouterr()
    assert run_cli(args) == 0
    assert "filed ERS of sign-off" in capsys.readouterr().out
    doc = existing_document(store, signed.signoff_id)
    assert doc is not None and out.read_bytes() == read_ers_document(store, doc)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == doc.sha256
    assert run_cli(["ers", "verify", str(out)]) == 0
    # A second export is byte-identical: nothing is re-rendered or re-signed.
    again = tmp_path / "again.pdf"
    assert run_cli([*args[:4], "-o", str(again), "--db", str(db_path)]) == 0
    assert again.read_bytes() == out.read_bytes()

    stored = ers_folder(store) / f"{doc.sha256}.pdf"
    stored.write_bytes(stored.read_bytes()[:-40])  # damaged on disk
    capsys.readouterr()
    broken = tmp_path / "broken.pdf"
    assert run_cli([*args[:4], "-o", str(broken), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot be read" in err and "\n" not in err and not broken.exists()
