"""Fingers and pens sign as well as mice: touch and tablet events become strokes too."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QPointingDeviceUniqueId, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assessor_app.gui.widgets.signature_pad import SignaturePad


@pytest.fixture
def pad(qtbot: QtBot) -> SignaturePad:
    w = SignaturePad()
    qtbot.addWidget(w)
    w.resize(600, 200)
    w.show()
    qtbot.waitExposed(w)
    return w


def _at(pad: SignaturePad, fx: float, fy: float) -> QPoint:
    a = pad.signing_area()
    return QPoint(round(a.left() + fx * a.width()), round(a.top() + fy * a.height()))


def test_one_finger_draws_a_stroke(qtbot: QtBot, pad: SignaturePad) -> None:
    """A touch press/move/release sequence records one stroke marked as touch."""
    screen = QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)
    QTest.touchEvent(pad, screen).press(0, _at(pad, 0.1, 0.5), pad).commit()
    for i in range(1, 11):
        QTest.touchEvent(pad, screen).move(0, _at(pad, 0.1 + i * 0.07, 0.5 - (i % 2) * 0.2),
                                           pad).commit()
    QTest.touchEvent(pad, screen).release(0, _at(pad, 0.8, 0.5), pad).commit()
    strokes = pad.strokes()
    assert len(strokes) == 1
    assert strokes[0].device == "touch"
    assert strokes[0].points[0].x == pytest.approx(0.1, abs=0.01)
    assert strokes[0].points[-1].x == pytest.approx(0.8, abs=0.01)
    assert not pad.is_trivial()


def test_pen_pressure_is_recorded(qtbot: QtBot, pad: SignaturePad) -> None:
    """Tablet events from a pen with pressure store that pressure per point (0..1)."""
    pen = QPointingDevice(
        "test pen", 4242, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2, "",
        QPointingDeviceUniqueId())
    pressures = [0.2, 0.4, 0.6, 0.8, 1.0]

    def send(kind: QEvent.Type, fx: float, pressure: float) -> None:
        pos = QPointF(_at(pad, fx, 0.5))
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease \
            else Qt.MouseButton.LeftButton
        ev = QTabletEvent(kind, pen, pos, QPointF(pad.mapToGlobal(pos)), pressure, 0, 0, 0, 0, 0,
                          Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)
        QApplication.sendEvent(pad, ev)

    send(QEvent.Type.TabletPress, 0.1, pressures[0])
    for i, p in enumerate(pressures[1:], start=1):
        send(QEvent.Type.TabletMove, 0.1 + 0.15 * i, p)
    send(QEvent.Type.TabletRelease, 0.85, 0.0)
    stroke = pad.strokes()[0]
    assert stroke.device == "pen"
    assert [pt.pressure for pt in stroke.points[:5]] == pytest.approx(pressures)
    # The pressure reaches the core's JSON rather than the mouse default of 0.5.

    assert json.loads(pad.to_json())["strokes"][0][2][3] == pytest.approx(0.6)
