"""Hand-drawn signatures as vectors: strokes of timed, pressure-weighted points.

Coordinates are normalised to the drawing canvas (x and y in 0..1, origin top-left, y down, as a
widget sees them) and the canvas size is recorded, so the signature keeps its aspect ratio whatever
size it is shown or printed at.

JSON form (compact, stable)::

    {"format": "assessor-signature/1",
     "canvas": {"width": 600.0, "height": 200.0},
     "strokes": [[[x, y, t_ms, pressure], ...], ...]}

The GUI pad builds a `SignatureStrokes` (or the JSON directly), checks `is_trivial()` before
enabling "Sign", and passes `to_json()` to the sign-off service, which validates it again.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessor_app.signoff.errors import InvalidStrokesError

if TYPE_CHECKING:  # ReportLab loads when a signature is drawn into a PDF, not at start-up
    from reportlab.graphics.shapes import Drawing, PolyLine

FORMAT = "assessor-signature/1"
MAX_POINTS = 20_000  # a long, slow signature at 120 Hz is ~1,500 points; this stops runaway input
PRESSURE_LEVELS = 8  # line widths are drawn in this many steps


@dataclass(frozen=True)
class StrokePoint:
    x: float  # 0..1 of the canvas width, from the left
    y: float  # 0..1 of the canvas height, from the top
    t: int = 0  # milliseconds since the first point of the signature
    pressure: float = 0.5  # 0..1; mice report none, so the pad sends 0.5


@dataclass(frozen=True)
class Stroke:
    points: tuple[StrokePoint, ...]


@dataclass(frozen=True)
class SignatureStrokes:
    width: float  # canvas size when drawn (any unit); only the ratio matters
    height: float
    strokes: tuple[Stroke, ...]

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_points(cls, width: float, height: float,
                    strokes: list[list[tuple[float, ...]]]) -> SignatureStrokes:
        """Build from plain tuples `(x, y[, t[, pressure]])` already normalised to 0..1."""
        built = tuple(Stroke(tuple(StrokePoint(*p) for p in s)) for s in strokes)
        sig = cls(float(width), float(height), built)
        sig.validate()
        return sig

    @classmethod
    def from_json(cls, text: str) -> SignatureStrokes:
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise InvalidStrokesError("The signature data is not valid JSON.") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidStrokesError(f"The signature data is not in the {FORMAT} format.")
        canvas = data.get("canvas")
        raw_strokes = data.get("strokes")
        if not isinstance(canvas, dict) or not isinstance(raw_strokes, list):
            raise InvalidStrokesError("The signature data needs a canvas size and a stroke list.")
        try:
            strokes = tuple(
                Stroke(tuple(_point(p) for p in s)) for s in raw_strokes
            )
            sig = cls(float(canvas["width"]), float(canvas["height"]), strokes)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidStrokesError(f"The signature data is malformed ({exc}).") from exc
        sig.validate()
        return sig

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": FORMAT,
            "canvas": {"width": self.width, "height": self.height},
            "strokes": [[[_r(p.x), _r(p.y), p.t, _r(p.pressure)] for p in s.points]
                        for s in self.strokes],
        }
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    # ---- checks -------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise `InvalidStrokesError` unless every value is in range."""
        if not (self.width > 0 and self.height > 0) or not all(
                math.isfinite(v) for v in (self.width, self.height)):
            raise InvalidStrokesError("The signature canvas must have a positive size.")
        if self.point_count > MAX_POINTS:
            raise InvalidStrokesError(f"The signature has more than {MAX_POINTS} points.")
        for s in self.strokes:
            last_t = -1
            for p in s.points:
                for name, v in (("x", p.x), ("y", p.y), ("pressure", p.pressure)):
                    if not (isinstance(v, int | float) and math.isfinite(v) and 0.0 <= v <= 1.0):
                        raise InvalidStrokesError(f"A signature point has {name}={v!r}; "
                                                  "it must be between 0 and 1.")
                if not isinstance(p.t, int) or p.t < 0 or p.t < last_t:
                    raise InvalidStrokesError("Signature point times must be whole milliseconds "
                                              "that never go backwards within a stroke.")
                last_t = p.t

    @property
    def point_count(self) -> int:
        return sum(len(s.points) for s in self.strokes)

    def ink_length(self) -> float:
        """Total length of all strokes, in canvas units."""
        total = 0.0
        for s in self.strokes:
            for a, b in zip(s.points, s.points[1:], strict=False):
                total += math.hypot((b.x - a.x) * self.width, (b.y - a.y) * self.height)
        return total

    def is_trivial(self) -> bool:
        """True when this is not acceptable as a signature: too few points or too little ink
        for the pad, too small, one straight line or a spray of dots (see
        `signature_quality`)."""
        from assessor_app.signoff.signature_quality import quality_problem

        return bool(quality_problem(self))

    # ---- rendering ----------------------------------------------------------------------
    def fitted_size(self, max_width: float, max_height: float) -> tuple[float, float]:
        """The largest (width, height) with the canvas's aspect ratio inside the box."""
        scale = min(max_width / self.width, max_height / self.height)
        return self.width * scale, self.height * scale

    def to_drawing(self, max_width: float, max_height: float, *,
                   line_width: float = 1.2) -> Drawing:
        """A ReportLab Drawing (vector lines, usable as a platypus flowable) sized to fit the
        box with the canvas aspect ratio kept. Pressure scales each segment's width
        (0 → 0.5×, 0.5 → 1×, 1 → 1.5× `line_width`)."""
        from reportlab.graphics.shapes import Drawing

        w, h = self.fitted_size(max_width, max_height)
        drawing = Drawing(w, h)
        for s in self.strokes:
            pts = s.points
            if len(pts) == 1:  # a dot: draw a tiny segment so it shows
                pts = (pts[0], StrokePoint(pts[0].x + 0.002, pts[0].y, pts[0].t, pts[0].pressure))
            # Consecutive segments of similar pressure become one polyline: a few dozen shapes
            # per signature instead of one per segment, so rendering stays fast.
            run: list[float] = []
            run_level = -1
            for a, b in zip(pts, pts[1:], strict=False):
                level = round((a.pressure + b.pressure) / 2 * PRESSURE_LEVELS)
                if level != run_level and run:
                    drawing.add(self._polyline(run, run_level, line_width))
                    run = []
                if not run:
                    run = [a.x * w, (1 - a.y) * h]
                run_level = level
                run += [b.x * w, (1 - b.y) * h]
            if run:
                drawing.add(self._polyline(run, run_level, line_width))
        return drawing

    @staticmethod
    def _polyline(points: list[float], level: int, line_width: float) -> PolyLine:
        from reportlab.graphics.shapes import PolyLine
        from reportlab.lib import colors

        pressure = level / PRESSURE_LEVELS
        return PolyLine(points, strokeWidth=line_width * (0.5 + pressure), strokeLineCap=1,
                        strokeLineJoin=1, strokeColor=colors.black)

    def to_png(self, max_width_px: int = 600, max_height_px: int = 200,
               line_width_px: float = 3.0) -> bytes:
        """A black-on-white PNG (for previews and exports), aspect ratio kept."""
        from PIL import Image, ImageDraw  # Pillow ships with ReportLab

        w, h = self.fitted_size(max_width_px, max_height_px)
        iw, ih = max(1, round(w)), max(1, round(h))
        img = Image.new("L", (iw, ih), 255)
        draw = ImageDraw.Draw(img)
        for s in self.strokes:
            for a, b in zip(s.points, s.points[1:], strict=False):
                width = max(1, round(line_width_px * (0.5 + (a.pressure + b.pressure) / 2)))
                draw.line([(a.x * iw, a.y * ih), (b.x * iw, b.y * ih)], fill=0, width=width,
                          joint="curve")
        out = io.BytesIO()
        img.save(out, format="PNG")
        return out.getvalue()


def _point(raw: Any) -> StrokePoint:
    if not isinstance(raw, list | tuple) or not 2 <= len(raw) <= 4:
        raise ValueError("each point must be [x, y, t, pressure]")
    x, y = float(raw[0]), float(raw[1])
    t = raw[2] if len(raw) > 2 else 0
    if isinstance(t, float) and t.is_integer():
        t = int(t)
    pressure = float(raw[3]) if len(raw) > 3 else 0.5
    return StrokePoint(x, y, t, pressure)


def _r(v: float) -> float:
    # 5 decimals of a normalised coordinate is finer than any screen or pen resolution
    return round(v, 5)


def parse_strokes(strokes_json: str) -> SignatureStrokes:
    """Parse and validate stored stroke JSON (raises `InvalidStrokesError`)."""
    return SignatureStrokes.from_json(strokes_json)
