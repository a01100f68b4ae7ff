"""The GUI's demo lives in its own database beside the real one and leaves the real one alone."""

from __future__ import annotations

from pathlib import Path

from assessor_app.demo.location import demo_db_path, is_demo_db, prepare_demo_store
from assessor_app.evidence.learners import list_learners
from assessor_app.setup.profile import AssessorProfile, load_profile, save_profile
from assessor_app.store import open_store


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
