"""`assessor-app setup` records the real assessor and centre; learners get a ULN and enrolments a
qualification; a new database starts with the bundled units whichever command creates it; the
demo writes no settings and its people stay out of real learners' sheets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.cli_common import PASSPHRASE_ENV
from assessor_app.setup.cli import P12_PASSWORD_ENV
from assessor_app.setup.profile import load_profile
from assessor_app.store import open_store
from assessor_app.store.models import Setting

DETAILS = ["--assessor-name", "Jo Carter", "--assessor-id", "ASR 7731", "--centre-name",
           "Riverside Skills College", "--centre-number", "58213"]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_setup_stores_the_profile_and_creates_the_key(capsys: pytest.CaptureFixture[str],
                                                      db_path: Path) -> None:
    code, out, err = cli(capsys, "setup", *DETAILS, "--create-key", "--db", str(db_path))
    assert code == 0, err
    assert "Centre number: 58213" in out and "certificate for Jo Carter" in out
    store = open_store(db_path)
    assert load_profile(store).assessor_id == "ASR 7731"
    assert (store.files_dir / "keys" / "assessor.p12").exists()
    store.close()
    # only the options given change
    code, out, _ = cli(capsys, "setup", "--centre-number", "58214", "--db", str(db_path))
    assert code == 0 and "Assessor:      Jo Carter" in out and "58214" in out


def test_setup_refuses_a_bad_centre_number(capsys: pytest.CaptureFixture[str],
                                           db_path: Path) -> None:
    code, _, err = cli(capsys, "setup", "--assessor-name", "Jo", "--centre-number", "58#13",
                       "--db", str(db_path))
    assert code == 2 and "centre number" in err


def _p12(path: Path, password: bytes) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jo Carter (centre issued)")])
    import datetime as dt
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"jo", key, cert, None, serialization.BestAvailableEncryption(password)))
    return path


def test_setup_imports_a_p12(capsys: pytest.CaptureFixture[str], db_path: Path,
                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p12 = _p12(tmp_path / "jo.p12", b"centre-secret")
    monkeypatch.setenv(P12_PASSWORD_ENV, "wrong")
    code, _, err = cli(capsys, "setup", *DETAILS, "--import-p12", str(p12), "--db", str(db_path))
    assert code == 2 and "wrong password" in err
    monkeypatch.setenv(P12_PASSWORD_ENV, "centre-secret")
    monkeypatch.setenv(PASSPHRASE_ENV, "my own passphrase")
    code, out, err = cli(capsys, "setup", "--import-p12", str(p12), "--db", str(db_path))
    assert code == 0, err
    assert "certificate for Jo Carter (centre issued)" in out


def test_uln_and_qualification(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, _, err = cli(capsys, "learner", "add", "--name", "Dana Ruiz", "--reg", "R77",
                       "--uln", "12345", "--db", str(db_path))
    assert code == 2 and "10 digits" in err
    code, _, err = cli(capsys, "learner", "add", "--name", "Dana Ruiz", "--reg", "R77",
                       "--uln", "1234 567 890", "--db", str(db_path))
    assert code == 0, err
    code, out, err = cli(capsys, "enrol", "R77", "H/601/1232", "--qualification-title",
                         "Level 3 Diploma in Customer Service", "--qualification-number",
                         "601/7021/X", "--db", str(db_path))
    assert code == 0, err
    assert "towards 601/7021/X Level 3 Diploma in Customer Service" in out
    code, out, _ = cli(capsys, "learner", "list", "--json", "--db", str(db_path))
    assert json.loads(out)[0]["uln"] == "1234567890"


def test_a_new_database_from_any_command_has_the_bundled_units(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    listed = tmp_path / "listed.sqlite3"
    code, out, _ = cli(capsys, "specs", "list", "--json", "--db", str(listed))
    refs = {u["reference"] for u in json.loads(out)}
    assert code == 0 and {"H/601/1232", "K/503/8194"} <= refs
    enrolled = tmp_path / "enrolled.sqlite3"
    assert cli(capsys, "learner", "add", "--name", "A", "--reg", "R1", "--db",
               str(enrolled))[0] == 0
    code, out, err = cli(capsys, "enrol", "R1", "K/503/8194", "--db", str(enrolled))
    assert code == 0, err


def test_demo_writes_no_settings_and_stays_out_of_real_sheets(
        capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "pass for tests")
    assert cli(capsys, "setup", *DETAILS, "--db", str(db_path))[0] == 0
    store = open_store(db_path)
    with store.session() as s:
        before = {r.key: r.value for r in s.exec(select(Setting)).all()
                  if not r.key.startswith("specs.")}
    store.close()
    code, out, err = cli(capsys, "demo", "--db", str(db_path))
    assert code == 0, err
    store = open_store(db_path)
    with store.session() as s:
        after = {r.key: r.value for r in s.exec(select(Setting)).all()
                 if not r.key.startswith("specs.")}
    store.close()
    assert after == before
    for argv in (["learner", "add", "--name", "Real Person", "--reg", "R900"],
                 ["enrol", "R900", "H/601/1232"]):
        assert cli(capsys, *argv, "--db", str(db_path))[0] == 0
    out_pdf = tmp_path / "real.pdf"
    code, _, err = cli(capsys, "ers", "render", "R900", "H/601/1232", "--draft", "-o",
                       str(out_pdf), "--db", str(db_path))
    assert code == 0, err
    from tests.ers.pdftext import pdf_text

    text = pdf_text(out_pdf.read_bytes())
    assert "Riverside Skills College" in text and "Jo Carter" in text
    for demo_person in ("Priya Shah", "Sam Lee", "Alex Morgan", "Northgate", "Corner Shop"):
        assert demo_person not in text


def _setup_entries(db_path: Path) -> list[tuple[str, str, dict]]:
    from assessor_app.store.models import AuditEntry

    store = open_store(db_path)
    with store.read_session() as s:
        rows = s.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
        found = [(r.action, r.subject + r.actor + r.details_json, json.loads(r.details_json))
                 for r in rows if r.action.startswith("setup.")]
    store.close()
    return found


def test_setup_is_in_the_audit_trail_without_personal_data(
        capsys: pytest.CaptureFixture[str], db_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSESSOR_APP_NEW_PASSPHRASE", "the passphrase Jo chose")
    code, out, err = cli(capsys, "setup", *DETAILS, "--create-key", "--db", str(db_path))
    assert code == 0, err
    store = open_store(db_path)
    from assessor_app.signoff.keys import load_or_create_identity

    cert = load_or_create_identity(store).certificate_sha256
    store.close()
    assert cli(capsys, "setup", "--centre-number", "58214", "--db", str(db_path))[0] == 0
    entries = _setup_entries(db_path)
    assert [(a, d) for a, _t, d in entries] == [
        ("setup.profile", {"fields": ["assessor_id", "assessor_name", "centre_name",
                                      "centre_number"], "first_setup": True}),
        ("setup.signing_key", {"signing_key": "created", "certificate_sha256": cert,
                               "passphrase_chosen": True}),
        ("setup.profile", {"fields": ["centre_number"], "first_setup": False}),
    ]
    for _action, recorded, _details in entries:
        for personal in ("Jo", "Carter", "ASR", "7731", "Riverside", "58213", "58214"):
            assert personal not in recorded
    assert cli(capsys, "setup", "--centre-number", "58214", "--db", str(db_path))[0] == 0
    assert len(_setup_entries(db_path)) == 3  # nothing changed: nothing recorded
    code, out, err = cli(capsys, "audit", "verify", "--db", str(db_path))
    assert code == 0, err + out
