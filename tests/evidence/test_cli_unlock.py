"""On the command line, a change to a signed record fails with a message naming the sign-off,
unless `--unlock "REASON"` is given; new evidence for a signed unit voids nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from assessor_app.cli import main
from assessor_app.cli_common import PASSPHRASE_ENV
from assessor_app.store import open_store
from assessor_app.store.models import AuditEntry, SignOff


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _status(db: Path) -> str:
    store = open_store(db)
    with store.session() as s:
        status = s.exec(select(SignOff.status).where(SignOff.status != "in_progress")).one()
    store.close()
    return status


def test_judge_and_tick_need_unlock_on_a_signed_unit(capsys: pytest.CaptureFixture[str],
                                                     db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "tests")
    assert cli(capsys, "demo", "--db", str(db_path))[0] == 0
    db = ["--db", str(db_path)]
    # new evidence on the signed unit is fine and voids nothing
    code, out, err = cli(capsys, "evidence", "add", "DEMO-0001", "--kind", "observation",
                         "--text", "Another good exchange", "--criteria", "H/601/1232:1.1", *db)
    assert code == 0, err
    new_id = out.strip()
    assert _status(db_path) == "signed"
    code, _, err = cli(capsys, "judge", "DEMO-0001", "H/601/1232", "2.3", "not-yet", *db)
    assert code == 2
    assert "sign-off 1 (H/601/1232" in err and '--unlock "REASON"' in err
    assert _status(db_path) == "signed"
    code, out, err = cli(capsys, "evidence", "list", "DEMO-0001", "--json", *db)
    import json
    signed_obs = next(e["id"] for e in json.loads(out) if e["ref"] == "OBS-1")
    # OBS-1 is covered by the H/601/1232 sign-off, so even another unit's tick on it is locked
    code, _, err = cli(capsys, "evidence", "tick", str(signed_obs), "L/601/1239", "1", *db)
    assert code == 2 and "sign-off 1" in err, err
    # ticking against the new, unsigned item needs no unlock
    assert cli(capsys, "enrol", "DEMO-0001", "L/601/1239", *db)[0] == 0
    code, _, err = cli(capsys, "evidence", "tick", new_id, "L/601/1239", "1", *db)
    assert code == 0, err
    assert _status(db_path) == "signed"
    code, _, err = cli(capsys, "judge", "DEMO-0001", "H/601/1232", "2.3", "not-yet",
                       "--unlock", "IQA sample: 2.3 needs a second observation", "--by",
                       "Jo Carter", *db)
    assert code == 0, err
    assert _status(db_path) == "void"
    store = open_store(db_path)
    with store.session() as s:
        so = s.exec(select(SignOff).where(SignOff.status == "void")).one()
        assert "IQA sample: 2.3 needs a second observation" in so.void_reason
        assert "Jo Carter" in so.void_reason
        void = s.exec(select(AuditEntry).where(AuditEntry.action == "signoff.void")).all()[-1]
        assert void.actor == "Jo Carter"
    store.close()


def test_unlock_needs_a_reason(capsys: pytest.CaptureFixture[str], db_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "tests")
    assert cli(capsys, "demo", "--db", str(db_path))[0] == 0
    code, _, err = cli(capsys, "judge", "DEMO-0001", "H/601/1232", "2.3", "not-yet", "--unlock",
                       "  ", "--db", str(db_path))
    assert code == 2 and "Say why you are unlocking" in err
    assert _status(db_path) == "signed"
