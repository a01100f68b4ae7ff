"""Times as the assessor types them: "0930" is 09:30; the rules stay `check_time`'s."""

from __future__ import annotations

import pytest

from assessor_app.evidence.errors import InvalidInput
from assessor_app.evidence.limits import check_time, typed_time


@pytest.mark.parametrize(("typed", "stored"), [
    ("0930", "09:30"), ("2359", "23:59"), ("09:30", "09:30"), ("", None), (None, None)])
def test_typed_times_become_hh_mm(typed: str | None, stored: str | None) -> None:
    assert check_time("start time", typed_time(typed)) == stored


@pytest.mark.parametrize("typed", ["2460", "930", "ab:cd", "abcd"])
def test_impossible_times_are_still_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        check_time("start time", typed_time(typed))
