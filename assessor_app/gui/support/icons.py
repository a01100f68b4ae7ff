"""Small icons drawn at run time, so the app needs no image files and they follow the palette:
a rounded badge with the evidence kind's short code (OBS, QA, WT…)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap

from assessor_app.gui.support import theme
from assessor_app.store.models import EvidenceKind

# Codes and names are the kinds' own (one definition, on `EvidenceKind`); hues are the GUI's.
KIND_CODES = {kind.value: kind.prefix for kind in EvidenceKind}
KIND_NAMES = {kind.value: kind.label for kind in EvidenceKind}
KIND_HUES = {"observation": QColor(40, 120, 200), "questioning": QColor(150, 80, 190),
             "witness": QColor(200, 120, 30), "product": QColor(40, 150, 120),
             "discussion": QColor(190, 70, 110), "statement": QColor(110, 110, 110)}


@lru_cache(maxsize=32)
def kind_icon(kind: str, size: int = 32) -> QIcon:
    ratio = max(QGuiApplication.primaryScreen().devicePixelRatio() if
                QGuiApplication.primaryScreen() else 1.0, 1.0)
    pm = QPixmap(round(size * ratio), round(size * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pal = QGuiApplication.palette()
    hue = KIND_HUES.get(kind, QColor(110, 110, 110))
    p.setBrush(theme.mix(pal.color(pal.ColorRole.Base), hue, 0.85))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), 6, 6)
    font = QFont(QGuiApplication.font())
    font.setBold(True)
    font.setPixelSize(max(8, size // 3))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, KIND_CODES.get(kind, "?"))
    p.end()
    return QIcon(pm)
