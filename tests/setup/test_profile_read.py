"""The window's copy of the profile is read without the ORM (`load_profile(store)`): it reads
what the session-side read does, blank and trimmed alike."""

from __future__ import annotations

from assessor_app.setup.profile import AssessorProfile, load_profile, save_profile
from assessor_app.store import Store
from assessor_app.store.models import Setting


def test_a_store_read_matches_the_session_read(store: Store) -> None:
    assert load_profile(store) == AssessorProfile()
    save_profile(store, AssessorProfile("Alex Morgan", "A-12", "North College", "12345"))
    with store.session() as s:
        s.merge(Setting(key="centre_name", value="  North College  "))  # an older, untrimmed value
    with store.read_session() as s:
        assert load_profile(store) == load_profile(s) == AssessorProfile(
            "Alex Morgan", "A-12", "North College", "12345")
