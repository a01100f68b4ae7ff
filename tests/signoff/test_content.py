from __future__ import annotations

from assessor_app.signoff.canonical import canonical_json, content_hash
from assessor_app.signoff.content import build_ers_content, content_gaps
from assessor_app.store import Store
from assessor_app.store.models import Setting
from tests.signoff.factory import seed_scenario


def test_content_gathers_unit_learner_and_evidence(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        c = build_ers_content(s, sc.learner_id, sc.unit_version_id)
    assert c["centre"]["name"] == "Northgate Training Centre"
    assert c["learner"]["registration"] == "R1001"
    assert c["unit"]["reference"] == "H/601/1232"
    assert c["unit"]["publications"] == [{"awarding_body": "OCR", "unit_number": "20"}]
    numbers = [cr["number"] for o in c["outcomes"] for cr in o["criteria"]]
    assert numbers[:4] == ["1.1", "1.2", "1.3", "2.1"] and len(numbers) == 17
    refs = {e["ref"]: e for e in c["evidence"]}
    assert set(refs) == {"OBS-1", "QA-1", "WT-1"}
    assert refs["OBS-1"]["start_time"] == "10:05"
    assert refs["QA-1"]["qa"][0]["question"].startswith("How do you choose")
    assert refs["WT-1"]["witness"]["name"] == "Sam Lee"
    crit_44 = c["outcomes"][3]["criteria"][3]
    assert crit_44["evidence"] == ["QA-1"] and crit_44["judgement"] == "met"
    assert crit_44["met_on"] == "2025-11-12"
    assert content_gaps(c).complete


def test_hash_is_stable_and_sensitive(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        first = build_ers_content(s, sc.learner_id, sc.unit_version_id)
        second = build_ers_content(s, sc.learner_id, sc.unit_version_id)
        assert canonical_json(first) == canonical_json(second)
        s.merge(Setting(key="centre_name", value="Another centre"))
        s.flush()
        third = build_ers_content(s, sc.learner_id, sc.unit_version_id)
    assert content_hash(first) == content_hash(second) != content_hash(third)


def test_canonical_json_sorts_keys_without_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": "’", "c": None}]}) == \
        '{"a":[1,{"c":null,"d":"’"}],"b":1}'


def test_default_centre_name_and_gaps(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s, complete=False)
        s.delete(s.get(Setting, "centre_name"))
        s.flush()
        c = build_ers_content(s, sc.learner_id, sc.unit_version_id)
    assert c["centre"]["name"]
    gaps = content_gaps(c)
    assert gaps.unmet_criteria == ["4.4"] and gaps.unticked_requirements == ["2"]
    assert c["partial"] is None  # no reason given: not a partial snapshot
