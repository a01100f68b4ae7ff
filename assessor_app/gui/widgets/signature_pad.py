"""A signature pad that records vector strokes from a mouse, a finger or a pen.

Points are kept normalised to a signing area of fixed aspect ratio, centred in the widget, so a
resize (or a different laptop) redraws the same signature without stretching it. Whether a
signature is acceptable is decided by the sign-off core (`assessor_app.signoff.strokes`); the pad
only records and draws.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QInputDevice,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShortcut,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from assessor_app.signoff.strokes import SignatureStrokes

# Width : height of the signing area. Wide, like the box on a paper form.
ASPECT = 3.0
BASELINE = 0.72  # baseline height as a fraction of the area, from the top
BASE_WIDTH = 2.8  # pen width for a 200 px high area; scaled with the area so size does not matter
MIN_MOVE = 0.0015  # ignore jitter shorter than this, in area widths


@dataclass
class PadPoint:
    x: float  # 0..1 across the signing area
    y: float  # 0..1 down the signing area
    pressure: float | None = None  # 0..1, None when the device does not report pressure
    t: int = 0  # milliseconds since the signature's first point


@dataclass
class PadStroke:
    points: list[PadPoint] = field(default_factory=list)
    device: str = "mouse"  # mouse | touch | pen


def _device_name(device: QInputDevice | None) -> str:
    if device is None:
        return "mouse"
    kind = device.type()
    if kind == QInputDevice.DeviceType.TouchScreen:
        return "touch"
    if kind == QInputDevice.DeviceType.Stylus or kind == QInputDevice.DeviceType.Airbrush:
        return "pen"
    return "mouse"


def _has_pressure(device: QInputDevice | None) -> bool:
    return bool(device is not None
                and device.capabilities() & QInputDevice.Capability.Pressure)


class SignaturePad(QWidget):
    """The drawing surface. Emits `changed` whenever a stroke is added, undone or cleared."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[PadStroke] = []
        self._current: PadStroke | None = None
        self._started: float | None = None  # monotonic time of the signature's first point
        self._touch_id: int | None = None
        self._hint = "Sign here"
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Signature pad")
        self.setAccessibleDescription("Sign with your finger, a pen or the mouse")

    # -- public API ----------------------------------------------------------------------------

    def strokes(self) -> list[PadStroke]:
        """Finished strokes (copies are not made; treat as read-only)."""
        return list(self._strokes)

    def set_strokes(self, strokes: list[PadStroke]) -> None:
        self._strokes = [PadStroke(list(s.points), s.device) for s in strokes if s.points]
        self._current = None
        self.update()
        self.changed.emit()

    def is_empty(self) -> bool:
        return not self._strokes

    def signature(self) -> SignatureStrokes:
        """The strokes in the sign-off core's vector format (canvas = the signing area)."""
        a = self.signing_area()
        return SignatureStrokes.from_points(
            a.width(), a.height(),
            [[(p.x, p.y, p.t, 0.5 if p.pressure is None else p.pressure) for p in s.points]
             for s in self._strokes])

    def to_json(self) -> str:
        return self.signature().to_json()

    def is_trivial(self) -> bool:
        """Asks the core whether this is too little to count as a signature."""
        return self.signature().is_trivial()

    def load_signature(self, sig: SignatureStrokes) -> None:
        """Show a stored signature (read-only use, e.g. a review page)."""
        self.set_strokes([PadStroke([PadPoint(p.x, p.y, p.pressure, p.t) for p in s.points])
                          for s in sig.strokes])

    def undo_stroke(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self.update()
            self.changed.emit()

    def clear(self) -> None:
        if self._strokes or self._current:
            self._strokes.clear()
            self._current = None
            self._started = None
            self.update()
            self.changed.emit()

    def set_hint(self, text: str) -> None:
        self._hint = text
        self.update()

    def signing_area(self) -> QRectF:
        """The largest ASPECT-shaped rectangle that fits the widget, centred, with a margin."""
        r = QRectF(self.contentsRect()).adjusted(8, 8, -8, -8)
        if r.width() <= 0 or r.height() <= 0:
            return QRectF(0, 0, 1, 1 / ASPECT)
        w = min(r.width(), r.height() * ASPECT)
        h = w / ASPECT
        return QRectF(r.center().x() - w / 2, r.center().y() - h / 2, w, h)

    def to_widget(self, p: PadPoint) -> QPointF:
        a = self.signing_area()
        return QPointF(a.left() + p.x * a.width(), a.top() + p.y * a.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(640, 230)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(300, 120)

    # -- recording -----------------------------------------------------------------------------

    def _normalise(self, pos: QPointF, pressure: float | None) -> PadPoint:
        a = self.signing_area()
        x = min(1.0, max(0.0, (pos.x() - a.left()) / a.width()))
        y = min(1.0, max(0.0, (pos.y() - a.top()) / a.height()))
        now = time.monotonic()
        if self._started is None:
            self._started = now
        t = int((now - self._started) * 1000)
        if pressure is not None:
            pressure = min(1.0, max(0.0, float(pressure)))
        return PadPoint(round(x, 5), round(y, 5), pressure, t)

    def _begin(self, pos: QPointF, pressure: float | None, device: str) -> None:
        self._current = PadStroke([self._normalise(pos, pressure)], device)
        self.update()

    def _extend(self, pos: QPointF, pressure: float | None) -> None:
        if self._current is None:
            return
        p = self._normalise(pos, pressure)
        last = self._current.points[-1]
        if math.hypot(p.x - last.x, (p.y - last.y) / ASPECT) < MIN_MOVE:
            return
        self._current.points.append(p)
        self.update()

    def _finish(self, pos: QPointF | None = None, pressure: float | None = None) -> None:
        if self._current is None:
            return
        if pos is not None:
            self._extend(pos, pressure)
        self._strokes.append(self._current)
        self._current = None
        self.update()
        self.changed.emit()

    def _cancel(self) -> None:
        self._current = None
        self._touch_id = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self._begin(event.position(), None, "mouse")
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.buttons() & Qt.MouseButton.LeftButton and self._current is not None:
            self._extend(event.position(), None)
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._current is not None:
            self._finish(event.position(), None)
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802 - Qt override
        # Accepting the tablet event stops Qt from also synthesising mouse events for it.
        device = event.pointingDevice()
        pressure = event.pressure() if _has_pressure(device) else None
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), pressure, "pen")
        elif kind == QEvent.Type.TabletMove and self._current is not None:
            self._extend(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._finish(event.position(), pressure)
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            self._touch(event)  # type: ignore[arg-type]
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        """One finger signs; a second finger landing is ignored rather than drawing a jump."""
        if event.type() == QEvent.Type.TouchCancel:
            self._cancel()
            event.accept()
            return
        device = event.pointingDevice()
        pressure_ok = _has_pressure(device)
        for pt in event.points():
            state = pt.state()
            pressure = pt.pressure() if pressure_ok else None
            if state == pt.State.Pressed and self._touch_id is None:
                self._touch_id = pt.id()
                self._begin(pt.position(), pressure, _device_name(device) if device else "touch")
            elif pt.id() != self._touch_id:
                continue
            elif state == pt.State.Released:
                self._finish(pt.position(), pressure)
                self._touch_id = None
            elif state in (pt.State.Updated, pt.State.Stationary):
                self._extend(pt.position(), pressure)
        event.accept()

    # -- painting ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.update()  # the signing area moved; repaint everything from the normalised points

    def _pen_width(self, pressure: float | None) -> float:
        # Scale with the area so a signature looks the same at any size.
        unit = max(0.6, self.signing_area().height() / 200.0)
        if pressure is None:
            return BASE_WIDTH * unit
        return max(0.8, (0.9 + 2.6 * pressure)) * unit

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        area = self.signing_area()
        paper = pal.color(pal.ColorRole.Base)
        ink = pal.color(pal.ColorRole.Text)
        muted = QColor(ink)
        muted.setAlphaF(0.45)

        painter.fillRect(self.rect(), pal.color(pal.ColorRole.Window))
        frame = area.adjusted(-6, -6, 6, 6)
        painter.setPen(QPen(QColor(muted), 1.0))
        painter.setBrush(paper)
        painter.drawRoundedRect(frame, 8, 8)
        if self.hasFocus():
            painter.setPen(QPen(pal.color(pal.ColorRole.Highlight), 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(frame, 8, 8)

        base_y = area.top() + BASELINE * area.height()
        left = area.left() + area.width() * 0.05
        right = area.right() - area.width() * 0.05
        painter.setPen(QPen(muted, 1.5))
        painter.drawLine(QPointF(left, base_y), QPointF(right, base_y))
        cross = area.height() * 0.07
        cx, cy = left + cross, base_y - cross * 1.6
        painter.drawLine(QPointF(cx - cross, cy - cross), QPointF(cx + cross, cy + cross))
        painter.drawLine(QPointF(cx - cross, cy + cross), QPointF(cx + cross, cy - cross))
        if not self._strokes and self._current is None and self._hint:
            font = QFont(self.font())
            font.setPixelSize(max(12, int(area.height() * 0.11)))
            painter.setFont(font)
            painter.drawText(QRectF(left, base_y + 6, right - left, area.height() * 0.2),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             self._hint)

        painter.setBrush(Qt.BrushStyle.NoBrush)
        for stroke in [*self._strokes, *([self._current] if self._current else [])]:
            self._draw_stroke(painter, stroke, ink)
        painter.end()

    def _draw_stroke(self, painter: QPainter, stroke: PadStroke, ink: QColor) -> None:
        pts = [self.to_widget(p) for p in stroke.points]
        if not pts:
            return
        if len(pts) == 1:
            w = self._pen_width(stroke.points[0].pressure)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ink)
            painter.drawEllipse(pts[0], w / 2, w / 2)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            return
        pressured = any(p.pressure is not None for p in stroke.points)
        if not pressured:
            painter.setPen(self._ink_pen(ink, self._pen_width(None)))
            painter.drawPath(_smooth_path(pts))
            return
        # Varying width: draw each smoothed piece with its own pen (midpoint quadratic curves, so
        # neighbouring pieces meet tangentially and round caps hide the joins).
        mids = [pts[0]] + [(pts[i] + pts[i + 1]) / 2 for i in range(len(pts) - 1)] + [pts[-1]]
        for i in range(1, len(pts)):
            piece = QPainterPath(mids[i - 1] if i > 1 else pts[0])
            piece.quadTo(pts[i - 1] if i > 1 else pts[0], mids[i])
            if i == len(pts) - 1:
                piece.lineTo(pts[-1])
            a, b = stroke.points[i - 1].pressure, stroke.points[i].pressure
            pressure = ((a or 0.5) + (b or 0.5)) / 2
            painter.setPen(self._ink_pen(ink, self._pen_width(pressure)))
            painter.drawPath(piece)

    @staticmethod
    def _ink_pen(ink: QColor, width: float) -> QPen:
        pen = QPen(ink, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen


def _smooth_path(pts: list[QPointF]) -> QPainterPath:
    """Quadratic curves through the midpoints of successive points: smooth, and exact at the ends."""
    path = QPainterPath(pts[0])
    if len(pts) == 2:
        path.lineTo(pts[1])
        return path
    for i in range(1, len(pts) - 1):
        mid = (pts[i] + pts[i + 1]) / 2
        path.quadTo(pts[i], mid)
    path.lineTo(pts[-1])
    return path


class SignatureField(QWidget):
    """The pad with big Undo and Clear buttons and a line that says what to do."""

    changed = Signal()

    def __init__(self, prompt: str = "Sign in the box with your finger, a pen or the mouse.",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pad = SignaturePad(self)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.undo_button = QPushButton("Undo last stroke", self)
        self.clear_button = QPushButton("Clear", self)
        for b in (self.undo_button, self.clear_button):
            b.setMinimumHeight(44)
            b.setMinimumWidth(120)
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.undo_button.setToolTip("Remove the last line you drew (Ctrl+Z)")
        self.clear_button.setToolTip("Start the signature again")

        row = QHBoxLayout()
        row.addWidget(self.prompt, 1)
        row.addWidget(self.undo_button)
        row.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pad, 1)
        lay.addLayout(row)

        self.undo_button.clicked.connect(self.pad.undo_stroke)
        self.clear_button.clicked.connect(self.pad.clear)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.pad.undo_stroke,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pad.changed.connect(self._sync_buttons)
        self.pad.changed.connect(self.changed)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        has = not self.pad.is_empty()
        self.undo_button.setEnabled(has)
        self.clear_button.setEnabled(has)


__all__ = ["ASPECT", "PadPoint", "PadStroke", "SignatureField", "SignaturePad"]
