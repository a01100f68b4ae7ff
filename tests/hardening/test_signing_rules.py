"""The sign-off service applies the quality rules: the three signers' strokes must differ, no
date before the learner's enrolment, names and job titles that fit the ERS."""

from __future__ import annotations

from datetime import date

import pytest

from assessor_app.ers.layout import render_ers
from assessor_app.ers.view import view_for_signoff
from assessor_app.signoff.errors import SignatureDateError, SignOffRuleError, TrivialSignatureError
from assessor_app.signoff.rules import MAX_JOB_TITLE_CHARS, MAX_NAME_CHARS
from assessor_app.signoff.service import add_signature, start_signoff
from assessor_app.store import Store
from tests.ers.pdftext import pdf_text
from tests.signoff.factory import scribble, seed_scenario

TODAY = date(2025, 11, 25)


def _started(store: Store) -> int:
    with store.session() as s:
        sc = seed_scenario(s)
        so = start_signoff(s, sc.learner_id, sc.unit_version_id)
        assert so.id is not None
        return so.id


def _learner(s, so_id: int, **kw) -> None:  # noqa: ANN001, ANN003
    add_signature(s, so_id, "learner", **{"printed_name": "Priya Shah", "signed_on": TODAY,
                                          "strokes_json": scribble(seed=1),
                                          "declaration_accepted": True, "today": TODAY, **kw})


def test_the_same_strokes_cannot_sign_twice(store: Store) -> None:
    so_id = _started(store)
    with store.session() as s:
        _learner(s, so_id)
        with pytest.raises(TrivialSignatureError, match="same as the learner's"):
            add_signature(s, so_id, "line_manager", printed_name="Sam Lee", job_title="Manager",
                          signed_on=TODAY, strokes_json=scribble(seed=1), today=TODAY)


def test_no_date_before_the_enrolment(store: Store) -> None:
    so_id = _started(store)  # the scenario enrols the learner on 1 Sep 2025
    with store.session() as s, pytest.raises(SignatureDateError, match="before the learner was "
                                                                       "enrolled"):
        _learner(s, so_id, signed_on=date(1900, 1, 1))


@pytest.mark.parametrize(("field", "value", "words"), [
    ("printed_name", "P" * 6000, "at most"),
    ("printed_name", "Priya\nShah", "control characters"),
])
def test_names_that_would_not_fit_are_refused_at_signing(store: Store, field: str, value: str,
                                                         words: str) -> None:
    so_id = _started(store)
    with store.session() as s, pytest.raises(SignOffRuleError, match=words):
        _learner(s, so_id, **{field: value})


def test_a_long_job_title_is_refused(store: Store) -> None:
    so_id = _started(store)
    with store.session() as s:
        _learner(s, so_id)
        with pytest.raises(SignOffRuleError, match="job title"):
            add_signature(s, so_id, "line_manager", printed_name="Sam Lee",
                          job_title="Manager " * 40, signed_on=TODAY,
                          strokes_json=scribble(seed=2), today=TODAY)


def test_the_longest_allowed_name_and_title_lay_out(store: Store) -> None:
    """Whatever passes sign-off must fit the ERS: no LayoutError after signing."""
    so_id = _started(store)
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 4)[:MAX_NAME_CHARS]
    title = ("Deputy regional customer experience " * 4)[:MAX_JOB_TITLE_CHARS]
    with store.session() as s:
        _learner(s, so_id, printed_name=name)
        add_signature(s, so_id, "line_manager", printed_name=name, job_title=title,
                      signed_on=TODAY, strokes_json=scribble(seed=2), today=TODAY)
        add_signature(s, so_id, "assessor", printed_name=name, signed_on=TODAY,
                      strokes_json=scribble(seed=3), today=TODAY)
        pdf = render_ers(view_for_signoff(s, so_id))
    assert name.split()[0] in pdf_text(pdf)
