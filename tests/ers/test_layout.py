from __future__ import annotations

import re

from assessor_app.ers.layout import PARTIAL_MARK, VOID_MARK, render_ers
from assessor_app.ers.view import draft_view, view_for_signoff
from assessor_app.signoff.service import start_signoff
from assessor_app.signoff.voiding import void_signoffs_covering
from assessor_app.store import Store
from tests.ers.conftest import Signed
from tests.ers.pdftext import page_count, page_texts, pdf_text
from tests.signoff.factory import (
    SEED_UNIT,
    add_learner,
    add_unit,
    big_unit_spec,
    judge,
    seed_scenario,
    sign_all,
)


def test_signed_ers_shows_every_criterion_signatory_and_the_hash(store: Store,
                                                                 signed: Signed) -> None:
    with store.session() as s:
        view = view_for_signoff(s, signed.signoff_id)
    text = pdf_text(render_ers(view))
    for _, _, crits in SEED_UNIT["outcomes"]:
        for number, crit_text in crits:
            assert number in text
            assert " ".join(crit_text.split()) in text, number
    for name in ("Priya Shah", "Sam Lee", "Alex Morgan", "Store manager"):
        assert name in text
    for when in ("19 Nov 2025", "20 Nov 2025", "21 Nov 2025"):
        assert when in text
    assert view.content_hash in text
    assert "H/601/1232" in text and "Improve the customer relationship" in text
    assert "OCR unit 20" in text and "Northgate Training Centre" in text
    assert "OBS-1" in text and "QA-1" in text and "WT-1" in text
    assert "How do you choose between phone and email?" in text  # questioning transcript
    assert "10:05–10:50" in text  # observation times
    assert "customers’ expectations" in text  # curly quote survived (embedded TTF)
    pages = page_count(render_ers(view))
    assert re.search(rf"Page 1 of {pages}", text) and f"Page {pages} of {pages}" in text
    assert PARTIAL_MARK not in text and VOID_MARK not in text
    # No assessor profile was set up: the header names the assessor who signed, not "—".
    assert view.content["assessor"]["name"] == ""
    assert "Assessor Alex Morgan Assessor ID —" in text


def test_page_count_grows_with_the_unit(store: Store) -> None:
    counts = []
    for i, (outcomes, per) in enumerate([(2, 3), (6, 8), (12, 10)]):
        with store.session() as s:
            unit = add_unit(s, big_unit_spec(outcomes, per, reference=f"Y/999/000{i}"))
            learner = add_learner(s, unit, registration=f"R20{i}")
            judge(s, learner, list(unit.criteria.values()))
            pdf = render_ers(draft_view(s, learner.id, unit.version.id))
        counts.append(page_count(pdf))
        text = pdf_text(pdf)
        assert f"{outcomes}.{per}" in text and f"Criterion {outcomes}.{per}:" in text
        # no row is split across pages: every criterion's whole text sits on one page
        pages = page_texts(pdf)
        for number, crit_text in ((n, t) for _, _, cs in big_unit_spec(outcomes, per)["outcomes"]
                                  for n, t in cs):
            assert sum(crit_text in p for p in pages) == 1, number
    assert counts[0] < counts[1] < counts[2], counts


def test_partial_ers_is_marked_with_its_reasons(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s, complete=False)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id,
                           partial_reason="Learner left the company")
        sign_all(s, so.id)
        text = pdf_text(render_ers(view_for_signoff(s, so.id)))
    assert PARTIAL_MARK in text
    assert "Learner left the company" in text
    assert "Criteria not met: 4.4" in text and "Evidence requirements not ticked: 2" in text
    assert text.count(PARTIAL_MARK) >= 2  # banner plus every page's header


def test_superseded_signoff_still_renders_from_its_snapshot(store: Store, signed: Signed) -> None:
    with store.session() as s:
        void_signoffs_covering(s, signed.scenario.observation_id, "typo in the narrative")
        from assessor_app.store.models import EvidenceItem

        item = s.get(EvidenceItem, signed.scenario.observation_id)
        item.text = "Completely rewritten narrative."
        s.add(item)
    with store.session() as s:
        old_text = pdf_text(render_ers(view_for_signoff(s, signed.signoff_id)))
        new = start_signoff(s, signed.scenario.learner_id, signed.scenario.unit_version_id)
        sign_all(s, new.id)
        new_text = pdf_text(render_ers(view_for_signoff(s, new.id)))
    assert VOID_MARK in old_text and "typo in the narrative" in old_text
    assert "checked the courier’s tracking" in old_text
    assert "Completely rewritten narrative." not in old_text
    assert "Completely rewritten narrative." in new_text and VOID_MARK not in new_text


def test_draft_is_marked_and_has_no_signatures(store: Store) -> None:
    with store.session() as s:
        sc = seed_scenario(s)
        text = pdf_text(render_ers(draft_view(s, sc.learner_id, sc.unit_version_id)))
    assert "DRAFT — NOT SIGNED" in text and "(not signed)" in text
    assert "Assessor — Assessor ID —" in text  # nobody has signed: nothing to name
