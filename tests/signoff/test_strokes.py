from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from assessor_app.signoff.errors import InvalidStrokesError
from assessor_app.signoff.strokes import SignatureStrokes, parse_strokes
from tests.signoff.factory import scribble


def test_json_round_trip_keeps_every_point() -> None:
    text = scribble(640, 180)
    sig = parse_strokes(text)
    again = parse_strokes(sig.to_json())
    assert again == sig
    assert sig.width == 640 and sig.height == 180
    assert sig.point_count == 180
    assert json.loads(text)["format"] == "assessor-signature/1"


@pytest.mark.parametrize("strokes", [
    [],  # nothing drawn
    [[(0.5, 0.5, 0, 0.5)]],  # a dot
    [[(0.40 + i * 0.002, 0.5, i * 8, 0.5) for i in range(30)]],  # a short dash
    [[(0.5, 0.5 + (i % 2) * 0.01, i * 8, 0.5) for i in range(200)]],  # scribble on one spot
])
def test_trivial_signatures_are_refused(strokes: list) -> None:
    assert SignatureStrokes.from_points(600, 200, strokes).is_trivial()


def test_a_real_looking_signature_is_not_trivial() -> None:
    assert not parse_strokes(scribble()).is_trivial()


@pytest.mark.parametrize("bad", [
    "not json",
    json.dumps({"format": "other", "canvas": {"width": 1, "height": 1}, "strokes": []}),
    json.dumps({"format": "assessor-signature/1", "canvas": {"width": 0, "height": 1},
                "strokes": []}),
    json.dumps({"format": "assessor-signature/1", "canvas": {"width": 10, "height": 10},
                "strokes": [[[1.5, 0.2, 0, 0.5]]]}),
    json.dumps({"format": "assessor-signature/1", "canvas": {"width": 10, "height": 10},
                "strokes": [[[0.1, 0.2, 10, 0.5], [0.2, 0.2, 5, 0.5]]]}),
    json.dumps({"format": "assessor-signature/1", "canvas": {"width": 10, "height": 10},
                "strokes": [[[0.1, 0.2, 0, 2.0]]]}),
])
def test_malformed_json_is_rejected(bad: str) -> None:
    with pytest.raises(InvalidStrokesError):
        parse_strokes(bad)


@pytest.mark.parametrize(("canvas", "box"), [((600, 200), (180, 180)), ((300, 300), (200, 50)),
                                             ((400, 100), (100, 400))])
def test_rendering_keeps_aspect_ratio(canvas: tuple[int, int], box: tuple[int, int]) -> None:
    sig = parse_strokes(scribble(*canvas))
    drawing = sig.to_drawing(*box)
    assert drawing.width <= box[0] + 1e-6 and drawing.height <= box[1] + 1e-6
    assert drawing.width / drawing.height == pytest.approx(canvas[0] / canvas[1])
    # one touching side: the drawing fills the box in one dimension
    assert drawing.width == pytest.approx(box[0]) or drawing.height == pytest.approx(box[1])
    png = Image.open(io.BytesIO(sig.to_png(*box)))
    assert png.width / png.height == pytest.approx(canvas[0] / canvas[1], rel=0.03)
    assert png.getextrema()[0] == 0  # some ink was drawn


def test_pressure_changes_line_width() -> None:
    light = SignatureStrokes.from_points(100, 100, [[(0.1, 0.1, 0, 0.0), (0.9, 0.9, 10, 0.0)]])
    heavy = SignatureStrokes.from_points(100, 100, [[(0.1, 0.1, 0, 1.0), (0.9, 0.9, 10, 1.0)]])
    lw = light.to_drawing(100, 100).contents[0].strokeWidth
    hw = heavy.to_drawing(100, 100).contents[0].strokeWidth
    assert hw > 2 * lw
