"""Trusted assessor keys: `bundle verify|import` and `ers verify` say whether the signer is
trusted, unknown or revoked; a bundle from an unknown signer is refused unless accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.signoff.keys import keys_dir
from assessor_app.signoff.trust import LIST_FORMAT, own_public
from assessor_app.store import Store, open_store
from assessor_app.store.models import ImportedBundle, TrustedKey
from assessor_app.sync.bundle_export import export_bundle
from assessor_app.sync.bundle_signing import signer_for_store
from tests.sync.helpers import file_ers


@pytest.fixture
def colleague_bundle(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A bundle another assessor (another laptop, another key) exported."""
    other = open_store(tmp_path / "colleague" / "db.sqlite3")
    file_ers(other, "colleague's unit")
    out = tmp_path / "colleague.zip"
    signer = signer_for_store(other)
    export_bundle(other, out, signer)
    own = own_public(keys_dir(other))
    other.close()
    return out, own


def _key_list(tmp_path: Path, entries: list[dict[str, str]]) -> Path:
    path = tmp_path / "centre-keys.json"
    path.write_text(json.dumps({"format": LIST_FORMAT, "centre": "Northgate", "keys": entries}))
    return path


def _imported(store: Store) -> int:
    with store.read_session() as s:
        return len(s.exec(select(ImportedBundle)).all())


def test_an_unknown_signer_is_said_and_refused(store: Store, db_path: Path, colleague_bundle,  # noqa: ANN001
                                               capsys: pytest.CaptureFixture) -> None:
    bundle, _ = colleague_bundle
    assert main(["bundle", "verify", str(bundle), "--db", str(db_path)]) == 0
    assert "signer UNKNOWN" in capsys.readouterr().out
    assert main(["bundle", "import", str(bundle), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "not in this laptop's list" in err and "--trust-signer" in err
    assert _imported(store) == 0
    assert list(store.files_dir.glob("imported/*")) == []
    # explicitly accepted: imported, and the key pinned for next time
    assert main(["bundle", "import", str(bundle), "--trust-signer", "--db", str(db_path)]) == 0
    assert _imported(store) == 1
    capsys.readouterr()
    assert main(["bundle", "verify", str(bundle), "--db", str(db_path)]) == 0
    assert "signer trusted (" in capsys.readouterr().out
    with store.read_session() as s:
        assert [k.source for k in s.exec(select(TrustedKey)).all()] == ["pinned"]


def test_the_centres_list_trusts_and_revokes(store: Store, db_path: Path, tmp_path: Path,
                                             colleague_bundle,  # noqa: ANN001
                                             capsys: pytest.CaptureFixture) -> None:
    bundle, key = colleague_bundle
    entry = {"name": "Jo Colleague", "public_key": key["public_key"], "status": "trusted"}
    assert main(["keys", "import", str(_key_list(tmp_path, [entry])), "--db", str(db_path)]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["bundle", "verify", str(bundle), "--db", str(db_path)]) == 0
    assert "signer trusted (Jo Colleague" in capsys.readouterr().out
    revoked = {**entry, "status": "revoked"}
    assert main(["keys", "import", str(_key_list(tmp_path, [revoked])), "--db", str(db_path)]) == 0
    assert main(["bundle", "verify", str(bundle), "--db", str(db_path)]) == 1
    assert "signer REVOKED (Jo Colleague" in capsys.readouterr().out
    assert main(["bundle", "import", str(bundle), "--trust-signer", "--db", str(db_path)]) == 1
    assert "revoked" in capsys.readouterr().err
    assert _imported(store) == 0
    # a later list cannot quietly restore a revoked key
    assert main(["keys", "import", str(_key_list(tmp_path, [entry])), "--db", str(db_path)]) == 0
    assert main(["bundle", "verify", str(bundle), "--db", str(db_path)]) == 1


@pytest.mark.parametrize("bad", [
    b"\xff\xfe not utf-8",
    b'{"format": "something else", "keys": []}',
    json.dumps({"format": LIST_FORMAT, "keys": [{"name": "X", "public_key": "AAAA"}]}).encode(),
    json.dumps({"format": LIST_FORMAT, "keys": [{"name": "", "public_key": "A" * 43 + "="}]})
    .encode(),
    json.dumps({"format": LIST_FORMAT, "keys": [{"name": "X\x00", "public_key": "A" * 43 + "="}]})
    .encode(),
    b"[" * 100_000,
])
def test_a_bad_key_list_changes_nothing(bad: bytes, store: Store, db_path: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "keys.json"
    path.write_bytes(bad)
    assert main(["keys", "import", str(path), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "Nothing was changed" in err and "Traceback" not in err
    with store.read_session() as s:
        assert s.exec(select(TrustedKey)).all() == []


def test_ers_verify_names_the_signers_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ASSESSOR_APP_KEY_PASSPHRASE", "ers trust")
    mine, theirs = tmp_path / "mine.sqlite3", tmp_path / "theirs.sqlite3"
    assert main(["demo", "--db", str(mine)]) == 0
    pdf = tmp_path / "ers.pdf"
    assert main(["ers", "render", "DEMO-0001", "H/601/1232", "-o", str(pdf), "--db", str(mine)]) == 0
    capsys.readouterr()
    assert main(["ers", "verify", str(pdf), "--db", str(mine)]) == 0
    assert "signer trusted (your own key" in capsys.readouterr().out
    assert main(["ers", "verify", str(pdf), "--db", str(theirs)]) == 0
    assert "signer UNKNOWN" in capsys.readouterr().out
    store = open_store(mine)
    own = own_public(keys_dir(store))
    store.close()
    entry = {"name": "Alex Morgan", "public_key": own["public_key"],
             "certificate_sha256": own["certificate_sha256"], "status": "trusted"}
    assert main(["keys", "import", str(_key_list(tmp_path, [entry])), "--db", str(theirs)]) == 0
    capsys.readouterr()
    assert main(["ers", "verify", str(pdf), "--db", str(theirs)]) == 0
    assert "signer trusted (Alex Morgan" in capsys.readouterr().out
    assert main(["keys", "revoke", own["public_key"], "--db", str(theirs)]) == 0
    assert main(["ers", "verify", str(pdf), "--db", str(theirs)]) == 1
    assert "REVOKED" in capsys.readouterr().out
