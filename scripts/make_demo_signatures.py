"""Write the stroke recordings the demo replays through the sign-off code.

The recordings are hand-style scribbles made of trochoid loops (a capital, a run of small letters,
an underline flourish), sampled at 120 Hz with a pressure that swells mid-stroke like a pen's.
They are committed under assessor_app/demo/signatures/; run this only to change them.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from assessor_app.signoff.strokes import SignatureStrokes

OUT = Path(__file__).resolve().parents[1] / "assessor_app" / "demo" / "signatures"
W, H = 600.0, 200.0


def _stroke(fn, n: int, t0: int, rng: random.Random) -> list[tuple[float, float, int, float]]:
    pts = []
    for i in range(n):
        u = i / (n - 1)
        x, y = fn(u)
        x += rng.gauss(0, 0.0015)
        y += rng.gauss(0, 0.003)
        pressure = 0.35 + 0.45 * math.sin(math.pi * u) + rng.uniform(-0.03, 0.03)
        pts.append((min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0), t0 + round(i * 1000 / 120),
                    min(max(pressure, 0.05), 1.0)))
    return pts


def signature(seed: int, capital: float, letters: int, slant: float) -> SignatureStrokes:
    rng = random.Random(seed)

    def cap(u: float) -> tuple[float, float]:
        a = 2 * math.pi * u * 1.25
        return 0.08 + 0.06 * math.sin(a) + slant * (1 - u) * 0.2, 0.5 - capital * math.cos(a) * 0.9

    def word(u: float) -> tuple[float, float]:
        a = 2 * math.pi * letters * u
        amp = 0.32 * (1 - 0.4 * u)
        return 0.16 + 0.62 * u + 0.035 * math.sin(a) + slant * 0.03, 0.62 - amp * (1 - math.cos(a)) / 2

    def flourish(u: float) -> tuple[float, float]:
        return 0.1 + 0.8 * u, 0.82 - 0.08 * math.sin(math.pi * u) + 0.03 * u

    strokes = [_stroke(cap, 70, 0, rng)]
    strokes.append(_stroke(word, 40 * letters, strokes[-1][-1][2] + 180, rng))
    strokes.append(_stroke(flourish, 60, strokes[-1][-1][2] + 250, rng))
    return SignatureStrokes.from_points(W, H, [list(s) for s in strokes])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, args in {"learner": (1, 0.3, 5, 0.1), "line_manager": (2, 0.38, 4, -0.05),
                       "assessor": (3, 0.34, 6, 0.2)}.items():
        sig = signature(*args)
        assert not sig.is_trivial()
        (OUT / f"{name}.json").write_text(sig.to_json() + "\n", encoding="utf-8")
        print(f"{name}: {sig.point_count} points")


if __name__ == "__main__":
    main()
