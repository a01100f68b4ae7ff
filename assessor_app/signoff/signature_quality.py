"""Is this drawing a signature, and is it a different person's from the others on the sheet?

The rules are measured against the pad the signature was drawn on (its canvas size), so they mean
the same on a phone and on a large tablet:

- enough points and enough ink: at least `MIN_INK_RATIO` × the pad's width of line in total;
- it spans the pad: at least `MIN_WIDTH_SPAN` of the width and `MIN_HEIGHT_SPAN` of the height
  (a dot, a dash or a flat line does not);
- it is not one straight line at any angle: the points must spread away from their main
  direction (`MIN_STRAIGHTNESS_SPREAD`, the ratio of the two principal spreads);
- it has at most `MAX_STROKES` strokes (a spray of dots is not a signature).

Two signatures are "the same" when, scaled to the same box and walked along their ink, their
shapes are within `SAME_SHAPE_DISTANCE` of each other on average: the learner, the line manager
and the assessor must each sign with their own hand, not a copy of someone else's strokes.
"""

from __future__ import annotations

import math

from assessor_app.signoff.strokes import SignatureStrokes

MIN_POINTS = 10
MIN_INK_RATIO = 0.75
MIN_WIDTH_SPAN = 0.25
MIN_HEIGHT_SPAN = 0.15
MIN_STRAIGHTNESS_SPREAD = 0.08
MAX_STROKES = 60
SAME_SHAPE_DISTANCE = 0.02
RESAMPLE = 96


def quality_problem(sig: SignatureStrokes) -> str:
    """Why `sig` is not acceptable as a signature, or "" when it is."""
    if sig.point_count < MIN_POINTS:
        return "The signature is empty or too short."
    if len(sig.strokes) > MAX_STROKES:
        return f"The signature has more than {MAX_STROKES} separate strokes."
    if sig.ink_length() < MIN_INK_RATIO * sig.width:
        return "The signature is too short for the size of the box."
    xs = [p.x for s in sig.strokes for p in s.points]
    ys = [p.y for s in sig.strokes for p in s.points]
    if max(xs) - min(xs) < MIN_WIDTH_SPAN or max(ys) - min(ys) < MIN_HEIGHT_SPAN:
        return "The signature is too small for the box."
    if _spread_ratio(sig) < MIN_STRAIGHTNESS_SPREAD:
        return "A straight line is not a signature."
    return ""


def _spread_ratio(sig: SignatureStrokes) -> float:
    """Minor over major principal spread of the points, in canvas units (0 for a line)."""
    pts = [(p.x * sig.width, p.y * sig.height) for s in sig.strokes for p in s.points]
    n = len(pts)
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    sxx = sum((x - mx) ** 2 for x, _ in pts) / n
    syy = sum((y - my) ** 2 for _, y in pts) / n
    sxy = sum((x - mx) * (y - my) for x, y in pts) / n
    half_trace = (sxx + syy) / 2
    root = math.sqrt(max(half_trace ** 2 - (sxx * syy - sxy ** 2), 0.0))
    major, minor = half_trace + root, max(half_trace - root, 0.0)
    return math.sqrt(minor / major) if major > 0 else 0.0


def _shape(sig: SignatureStrokes) -> list[tuple[float, float]]:
    """The ink walked from start to end, scaled into a unit box and resampled evenly."""
    pts = [(p.x * sig.width, p.y * sig.height) for s in sig.strokes for p in s.points]
    xs, ys = [x for x, _ in pts], [y for _, y in pts]
    scale = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    pts = [((x - min(xs)) / scale, (y - min(ys)) / scale) for x, y in pts]
    cumulative = [0.0]
    for a, b in zip(pts, pts[1:], strict=False):
        cumulative.append(cumulative[-1] + math.dist(a, b))
    total = cumulative[-1] or 1.0
    out, j = [], 0
    for k in range(RESAMPLE):
        target = total * k / (RESAMPLE - 1)
        while j < len(pts) - 2 and cumulative[j + 1] < target:
            j += 1
        seg = cumulative[j + 1] - cumulative[j] if len(pts) > 1 else 0.0
        u = (target - cumulative[j]) / seg if seg > 0 else 0.0
        a, b = pts[j], pts[min(j + 1, len(pts) - 1)]
        out.append((a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u))
    return out


def shape_distance(a: SignatureStrokes, b: SignatureStrokes) -> float:
    """Mean distance between the two resampled shapes (0 for identical strokes)."""
    if a.point_count == 0 or b.point_count == 0:
        return math.inf
    return sum(math.dist(p, q) for p, q in zip(_shape(a), _shape(b), strict=True)) / RESAMPLE


def same_hand(a: SignatureStrokes, b: SignatureStrokes) -> bool:
    return shape_distance(a, b) < SAME_SHAPE_DISTANCE
