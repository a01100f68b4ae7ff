"""A small log-log line chart drawn with Qt (no plotting library needed): how coverage and search
grow with the centre's database."""

from __future__ import annotations

import math
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#7f7f7f"]


def draw(path: Path, title: str, series: dict[str, list[tuple[float, float]]]) -> None:
    """`series`: label → [(items, milliseconds)]; both axes logarithmic."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication([])
    w, h, left, right, top, bottom = 900, 540, 80, 240, 50, 60
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    points = [p for pts in series.values() for p in pts if p[1] > 0]
    x0, x1 = (math.log10(min(p[0] for p in points)), math.log10(max(p[0] for p in points)))
    y0 = math.floor(math.log10(min(p[1] for p in points)))
    y1 = math.ceil(math.log10(max(p[1] for p in points)))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def at(x: float, y: float) -> QPointF:
        px = left + (math.log10(x) - x0) / (x1 - x0) * (w - left - right)
        py = h - bottom - (math.log10(max(y, 10 ** y0)) - y0) / (y1 - y0) * (h - top - bottom)
        return QPointF(px, py)

    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("DejaVu Sans", 10))
    p.setPen(QPen(QColor("#bbbbbb"), 1))
    for e in range(y0, y1 + 1):
        a, b = at(10 ** x0, 10 ** e), at(10 ** x1, 10 ** e)
        p.drawLine(a, b)
        p.drawText(QRectF(0, a.y() - 8, left - 8, 16), Qt.AlignmentFlag.AlignRight,
                   f"{10 ** e:g} ms")
    for e in range(int(x0), int(x1) + 1):
        a = at(10 ** e, 10 ** y0)
        p.drawLine(a, at(10 ** e, 10 ** y1))
        p.drawText(QRectF(a.x() - 40, h - bottom + 6, 80, 16), Qt.AlignmentFlag.AlignCenter,
                   f"{10 ** e:,.0f}")
    p.setPen(QColor("black"))
    p.drawText(QRectF(0, 10, w, 24), Qt.AlignmentFlag.AlignCenter, title)
    p.drawText(QRectF(left, h - 26, w - left - right, 20), Qt.AlignmentFlag.AlignCenter,
               "evidence items in the database (200 learners)")
    for i, (label, pts) in enumerate(series.items()):
        colour = QColor(COLOURS[i % len(COLOURS)])
        p.setPen(QPen(colour, 2.5))
        pts = sorted(q for q in pts if q[1] > 0)
        for a, b in zip(pts, pts[1:], strict=False):
            p.drawLine(at(*a), at(*b))
        for q in pts:
            p.drawEllipse(at(*q), 3, 3)
        y = top + 20 + i * 22
        p.drawLine(QPointF(w - right + 15, y), QPointF(w - right + 40, y))
        p.setPen(QColor("black"))
        p.drawText(QRectF(w - right + 46, y - 9, right - 50, 18), Qt.AlignmentFlag.AlignLeft,
                   label)
    p.end()
    img.save(str(path))
