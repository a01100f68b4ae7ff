"""The signature pad records what a user draws as normalised vector strokes."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from assessor_app.gui.widgets.signature_pad import ASPECT, SignatureField, SignaturePad


def draw(qtbot: QtBot, pad: SignaturePad, points: list[tuple[float, float]], steps: int = 4) -> None:
    """Drag the mouse through `points` (fractions of the pad's signing area), with `steps` moves
    per segment as a real hand would produce."""
    area = pad.signing_area()

    def at(fx: float, fy: float) -> QPoint:
        return QPoint(round(area.left() + fx * area.width()), round(area.top() + fy * area.height()))

    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=at(*points[0]))
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        for i in range(1, steps + 1):
            f = i / steps
            qtbot.mouseMove(pad, at(ax + (bx - ax) * f, ay + (by - ay) * f))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=at(*points[-1]))


@pytest.fixture
def pad(qtbot: QtBot) -> SignaturePad:
    w = SignaturePad()
    qtbot.addWidget(w)
    w.resize(600, 200)
    w.show()
    qtbot.waitExposed(w)
    return w


ZIGZAG = [(0.1, 0.6), (0.2, 0.3), (0.3, 0.7), (0.4, 0.3), (0.5, 0.7), (0.6, 0.4), (0.8, 0.6)]


def test_mouse_drag_records_one_normalised_stroke(qtbot: QtBot, pad: SignaturePad) -> None:
    """A press-move-release drag becomes one stroke whose points follow the drag in 0..1 units."""
    with qtbot.waitSignal(pad.changed):
        draw(qtbot, pad, ZIGZAG)
    strokes = pad.strokes()
    assert len(strokes) == 1
    pts = strokes[0].points
    assert len(pts) == 1 + 4 * (len(ZIGZAG) - 1)
    for p, (fx, fy) in zip(pts[::4], ZIGZAG, strict=True):  # every 4th point is a corner
        assert p.x == pytest.approx(fx, abs=0.01)
        assert p.y == pytest.approx(fy, abs=0.02)
    assert all(p.pressure is None for p in pts)  # a mouse reports no pressure
    assert [p.t for p in pts] == sorted(p.t for p in pts)
    assert strokes[0].device == "mouse"


def test_points_outside_the_area_are_clamped(qtbot: QtBot, pad: SignaturePad) -> None:
    """Dragging off the box keeps the coordinates inside 0..1 instead of storing wild values."""
    draw(qtbot, pad, [(0.5, 0.5), (1.5, -0.5)])
    last = pad.strokes()[0].points[-1]
    assert last.x == 1.0 and last.y == 0.0


def test_undo_and_clear(qtbot: QtBot, pad: SignaturePad) -> None:
    """Undo removes only the last stroke; clear removes everything."""
    draw(qtbot, pad, ZIGZAG)
    draw(qtbot, pad, [(0.7, 0.2), (0.75, 0.8)])
    assert len(pad.strokes()) == 2
    pad.undo_stroke()
    assert len(pad.strokes()) == 1 and pad.strokes()[0].points[0].x == pytest.approx(0.1, abs=0.01)
    pad.clear()
    assert pad.is_empty()


def test_resize_keeps_points_and_aspect(qtbot: QtBot, pad: SignaturePad) -> None:
    """After a resize the stored points are unchanged and the drawing area keeps its shape."""
    draw(qtbot, pad, ZIGZAG)
    before = [(p.x, p.y) for p in pad.strokes()[0].points]
    first_widget_pos = pad.to_widget(pad.strokes()[0].points[0])
    pad.resize(900, 500)
    qtbot.waitUntil(lambda: pad.width() == 900)
    area = pad.signing_area()
    assert area.width() / area.height() == pytest.approx(ASPECT)
    assert [(p.x, p.y) for p in pad.strokes()[0].points] == before
    # The same point is now drawn somewhere else, scaled with the area, not stretched.
    assert pad.to_widget(pad.strokes()[0].points[0]) != first_widget_pos
    # The repaint puts ink where the stroke now starts and ends (curves pass exactly through both).
    img = pad.grab().toImage()
    ink = pad.palette().color(pad.palette().ColorRole.Text)
    for point in (pad.strokes()[0].points[0], pad.strokes()[0].points[-1]):
        at = pad.to_widget(point)
        seen = img.pixelColor(round(at.x()), round(at.y()))
        assert abs(seen.lightness() - ink.lightness()) < 40


def test_field_buttons_follow_the_pad(qtbot: QtBot) -> None:
    """Undo/Clear are disabled until something is drawn, and act on the pad."""
    field = SignatureField()
    qtbot.addWidget(field)
    field.resize(700, 320)
    field.show()
    qtbot.waitExposed(field)
    assert not field.undo_button.isEnabled()
    draw(qtbot, field.pad, ZIGZAG)
    assert field.undo_button.isEnabled() and field.clear_button.isEnabled()
    qtbot.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert field.pad.is_empty()
    assert not field.clear_button.isEnabled()


def test_strokes_json_is_the_core_format(qtbot: QtBot, pad: SignaturePad) -> None:
    """to_json() gives the sign-off core's format; parsing it back returns the same points."""
    from assessor_app.signoff.strokes import FORMAT, parse_strokes

    draw(qtbot, pad, ZIGZAG)
    draw(qtbot, pad, [(0.85, 0.2), (0.86, 0.8)], steps=1)
    text = pad.to_json()
    data = json.loads(text)
    assert data["format"] == FORMAT
    assert data["canvas"]["width"] / data["canvas"]["height"] == pytest.approx(ASPECT)
    assert [len(s) for s in data["strokes"]] == [1 + 4 * (len(ZIGZAG) - 1), 2]
    x, y, t, pressure = data["strokes"][0][0]
    assert (x, y) == (pytest.approx(0.1, abs=0.01), pytest.approx(0.6, abs=0.02))
    assert pressure == 0.5 and isinstance(t, int)
    sig = parse_strokes(text)
    assert sig.point_count == 4 * (len(ZIGZAG) - 1) + 3
    assert not pad.is_trivial()


def test_a_dot_or_a_dash_is_trivial(qtbot: QtBot, pad: SignaturePad) -> None:
    """Empty pads, dots and short dashes are refused by the core's rule."""
    assert pad.is_trivial()
    qtbot.mouseClick(pad, Qt.MouseButton.LeftButton, pos=pad.rect().center())
    assert len(pad.strokes()) == 1
    assert pad.is_trivial()
    draw(qtbot, pad, [(0.4, 0.5), (0.45, 0.5), (0.5, 0.5)])
    assert pad.is_trivial()


def test_stored_signature_reloads(qtbot: QtBot, pad: SignaturePad) -> None:
    """A saved JSON signature loads back onto a pad of another size with the same points."""
    from assessor_app.signoff.strokes import parse_strokes

    draw(qtbot, pad, ZIGZAG)
    text = pad.to_json()
    other = SignaturePad()
    qtbot.addWidget(other)
    other.resize(300, 300)
    other.load_signature(parse_strokes(text))
    assert json.loads(other.to_json())["strokes"] == json.loads(text)["strokes"]
