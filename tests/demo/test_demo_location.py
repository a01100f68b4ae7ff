"""The GUI's demo lives in its own database beside the real one and leaves the real one alone."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from assessor_app.demo.location import demo_db_path, is_demo_db, prepare_demo_store
from assessor_app.evidence.learners import list_learners
from assessor_app.setup.profile import AssessorProfile, load_profile, save_profile
from assessor_app.store import open_store
from assessor_app.store.engine import StoreLocked


def test_demo_database_is_separate(db_path: Path) -> None:
    real = open_store(db_path)
    save_profile(real, AssessorProfile("Jo Carter", "A1", "Riverside", "58213"))
    real.close()
    demo_path = demo_db_path(db_path)
    assert demo_path != db_path and is_demo_db(demo_path) and demo_db_path(demo_path) == demo_path
    result = prepare_demo_store(demo_path)
    assert result is not None and result.signoff_id is not None
    real = open_store(db_path)
    assert list_learners(real) == []
    assert load_profile(real) == AssessorProfile("Jo Carter", "A1", "Riverside", "58213")
    real.close()
    demo = open_store(demo_path)
    assert [s.learner.registration for s in list_learners(demo)] == ["DEMO-0001"]
    assert load_profile(demo).centre_name == ""  # the demo wrote no settings there either
    demo.close()


def test_demo_opens_with_the_typed_passphrase_when_there_is_no_keyring(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No keyring (headless Linux): the passphrase typed at start opens the demo's database too,
    and the demo is signed with a key it protects; without it the demo cannot be opened."""
    monkeypatch.delenv("ASSESSOR_APP_KEY_PASSPHRASE", raising=False)
    keyring.set_keyring(FailKeyring())
    demo_path = demo_db_path(db_path)
    with pytest.raises(StoreLocked):
        prepare_demo_store(demo_path)
    result = prepare_demo_store(demo_path, passphrase="typed at the start 123")
    assert result is not None and result.signoff_id is not None
    demo = open_store(demo_path, passphrase="typed at the start 123")
    assert [s.learner.registration for s in list_learners(demo)] == ["DEMO-0001"]
    demo.close()
