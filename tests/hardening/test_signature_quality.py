"""Signature quality rules: ink, extent, straightness and stroke count measured against the pad;
a copy of another signer's strokes is recognised."""

from __future__ import annotations

import json

import pytest

from assessor_app.demo.builder import recorded_signature
from assessor_app.signoff.errors import TrivialSignatureError
from assessor_app.signoff.rules import check_own_signature, check_strokes
from assessor_app.signoff.signature_quality import quality_problem, same_hand
from assessor_app.signoff.strokes import SignatureStrokes, parse_strokes
from tests.signoff.factory import scribble

ROLES = ("learner", "line_manager", "assessor")


def _line(x0: float, y0: float, dx: float, dy: float, n: int = 11) -> SignatureStrokes:
    return SignatureStrokes.from_points(
        600, 200, [[(x0 + i * dx, y0 + i * dy, i * 8, 0.5) for i in range(n)]])


@pytest.mark.parametrize(("sig", "why"), [
    (_line(0.1, 0.5, 0.08, 0.0), "too small"),  # flat: no height at all
    (_line(0.1, 0.1, 0.08, 0.08), "straight line"),  # diagonal across the whole pad
    (_line(0.05, 0.9, 0.09, -0.08), "straight line"),
    (SignatureStrokes.from_points(600, 200, [[(0.1 + 0.08 * i, 0.2 + 0.06 * (i % 2), i, 0.5)
                                              for i in range(11)]]), "too small"),
    (SignatureStrokes.from_points(600, 200, [[(0.05 + (i % 10) * 0.1, 0.1 + (i // 10) * 0.1,
                                               0, 0.5)] for i in range(80)]), "strokes"),
])
def test_lines_and_dot_sprays_are_refused(sig: SignatureStrokes, why: str) -> None:
    assert why in quality_problem(sig)
    with pytest.raises(TrivialSignatureError):
        check_strokes(sig.to_json())


def test_recorded_and_drawn_signatures_pass() -> None:
    for role in ROLES:
        assert quality_problem(parse_strokes(recorded_signature(role))) == ""
    assert quality_problem(parse_strokes(scribble())) == ""


def test_ink_is_measured_against_the_pad() -> None:
    """The same small squiggle is a signature on a small pad and too little on a wide one."""
    pts = [[(0.1 + 0.8 * i / 39, 0.5 + 0.3 * ((-1) ** i), i * 8, 0.5) for i in range(40)]]
    assert quality_problem(SignatureStrokes.from_points(600, 200, pts)) == ""
    wide = SignatureStrokes.from_points(600, 200, [[(0.1 + 0.3 * x, 0.5 + (y - 0.5) * 0.1, t, p)
                                                    for x, y, t, p in pts[0]]])
    assert quality_problem(wide) != ""


def test_the_same_strokes_for_two_signers_are_refused() -> None:
    learner = parse_strokes(recorded_signature("learner"))
    moved = json.loads(learner.to_json())
    for stroke in moved["strokes"]:  # shifted and shrunk: still the same hand-drawing
        for p in stroke:
            p[0] = p[0] * 0.8 + 0.1
            p[1] = p[1] * 0.8 + 0.05
    copy = parse_strokes(json.dumps(moved))
    assert same_hand(learner, learner) and same_hand(learner, copy)
    with pytest.raises(TrivialSignatureError, match="same as the learner's"):
        check_own_signature(copy, [("learner", learner.to_json())], "assessor")


def test_different_signers_are_different() -> None:
    sigs = [parse_strokes(recorded_signature(r)) for r in ROLES]
    for i, a in enumerate(sigs):
        for b in sigs[i + 1:]:
            assert not same_hand(a, b)
    check_own_signature(sigs[2], [(r, s.to_json()) for r, s in zip(ROLES[:2], sigs[:2],
                                                                   strict=True)], "assessor")
