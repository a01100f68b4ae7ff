"""Group headings ("4 … with:", "6 … feedback that is:") are never gaps: ticking the 12 leaves of
L/601/1239 lets a complete sign-off start, and the ERS shows each heading once with its items
under it."""

from __future__ import annotations

import pytest

from assessor_app.ers.layout import PARTIAL_MARK, render_ers
from assessor_app.ers.view import draft_view, view_for_signoff
from assessor_app.signoff.content import build_ers_content, content_gaps
from assessor_app.signoff.errors import IncompleteUnitError
from assessor_app.signoff.service import start_signoff, unit_gaps
from assessor_app.store import Store
from tests.ers.pdftext import pdf_text
from tests.evidence.groups_scenario import LEAVES, judge_all_met, l601_learner, tick

HEADING_4 = "You must provide evidence that you can build and maintain relationships with:"
HEADING_6 = "You must provide evidence that you have collected feedback that is:"


def test_ticking_all_twelve_leaves_allows_a_complete_signoff(store: Store) -> None:
    sc = l601_learner(store)
    judge_all_met(store, sc)
    tick(store, sc, LEAVES[:-1])  # all but 6d
    with store.session() as s:
        gaps = unit_gaps(s, sc.learner_id, sc.unit_version_id)
        assert gaps.unmet_criteria == [] and gaps.unticked_requirements == ["6d"]
        with pytest.raises(IncompleteUnitError) as err:
            start_signoff(s, sc.learner_id, sc.unit_version_id)
    assert err.value.unticked_requirements == ["6d"]
    assert "evidence requirements not ticked: 6d)" in str(err.value)

    tick(store, sc, ["6d"])
    with store.session() as s:
        assert unit_gaps(s, sc.learner_id, sc.unit_version_id).complete
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        assert not so.partial and so.partial_reason == ""
        signoff_id = so.id
    with store.session() as s:
        view = view_for_signoff(s, signoff_id)  # type: ignore[arg-type]
    groups = [r for r in view.content["requirements"] if r.get("group")]
    assert [(r["key"], r["ticked"], r["evidence"]) for r in groups] == \
        [("4", False, []), ("6", False, [])]
    assert content_gaps(view.content).complete
    assert PARTIAL_MARK not in pdf_text(render_ers(view))


def test_unticked_groups_are_never_gaps(store: Store) -> None:
    sc = l601_learner(store)
    with store.session() as s:
        content = build_ers_content(s, sc.learner_id, sc.unit_version_id,
                                    partial_reason="Still collecting evidence.")
    assert content_gaps(content).unticked_requirements == LEAVES
    assert content["partial"]["unticked_requirements"] == LEAVES
    # A snapshot from before groups existed (no "group" key) still counts every row.
    legacy = {**content, "requirements": [{k: v for k, v in r.items() if k != "group"}
                                          for r in content["requirements"]]}
    assert "4" in content_gaps(legacy).unticked_requirements


def test_ers_shows_each_group_heading_once_with_its_items(store: Store) -> None:
    sc = l601_learner(store)
    tick(store, sc, ["4a", "6b"])
    with store.session() as s:
        pdf = render_ers(draft_view(s, sc.learner_id, sc.unit_version_id))
    text = pdf_text(pdf)
    start = text.index("Evidence requirements Req")
    checklist = text[start:text.index("Evidence index", start)]
    assert checklist.count(HEADING_4) == 1 and checklist.count(HEADING_6) == 1
    # the heading comes first, its items follow in order, then the next stand-alone requirement
    order = [checklist.index(s) for s in (
        HEADING_4, "4a potential or new customers", "4b existing customers",
        "4c customers with particular needs", "4d customers who have experienced problems",
        "5 Your communication", HEADING_6, "6a qualitative", "6b quantitative")]
    assert order == sorted(order)
    # one Met box per leaf: the headings have none
    assert checklist.count("✓ Yes") == 2
    assert checklist.count("☐ No") == len(LEAVES) - 2


def test_partial_ers_lists_only_leaves_as_not_ticked(store: Store) -> None:
    sc = l601_learner(store)
    judge_all_met(store, sc)
    tick(store, sc, [k for k in LEAVES if k not in ("4c", "6a")])
    with store.session() as s:
        so = start_signoff(s, sc.learner_id, sc.unit_version_id,
                           partial_reason="Learner moving store; 4c and 6a to follow.")
        assert so.partial
        view = view_for_signoff(s, so.id)  # type: ignore[arg-type]
    text = pdf_text(render_ers(view))
    assert "Evidence requirements not ticked: 4c, 6a" in text
