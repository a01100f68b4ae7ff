"""Colours that follow the system palette. The only fixed hues are the coverage/state colours, and
even those are blended with the palette's base colour so text stays readable in light and dark."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

# Hue of each state; mixed with the palette's base colour rather than used raw.
STATE_HUES = {
    "unevidenced": QColor(160, 160, 160),
    "evidenced": QColor(230, 160, 20),
    "met": QColor(40, 160, 70),
    "not_yet": QColor(210, 60, 60),
    "error": QColor(210, 60, 60),
    "warning": QColor(230, 160, 20),
    "info": QColor(60, 120, 210),
    "planned": QColor(60, 120, 210),
}

SYMBOLS = {"unevidenced": "○", "evidenced": "◐", "met": "●", "not_yet": "◐"}
LABELS = {"unevidenced": "not yet evidenced", "evidenced": "evidenced, not judged met",
          "met": "met", "not_yet": "judged not yet met"}


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """a blended towards b by t (0..1)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def state_fill(palette: QPalette, state: str) -> QColor:
    """Cell background for a state: a tint strong enough to see, weak enough to read text on."""
    base = palette.color(QPalette.ColorRole.Base)
    strength = {"unevidenced": 0.12, "evidenced": 0.45, "met": 0.55}.get(state, 0.35)
    if is_dark(palette):
        strength = min(strength * 1.1, 0.6)  # dark bases need a little more hue to show
    return mix(base, STATE_HUES.get(state, STATE_HUES["info"]), strength)


def state_accent(palette: QPalette, state: str) -> QColor:
    """A stronger version of the hue for borders and progress bars."""
    base = palette.color(QPalette.ColorRole.Base)
    return mix(base, STATE_HUES.get(state, STATE_HUES["info"]), 0.85)


def banner_palette(palette: QPalette, kind: str) -> QPalette:
    p = QPalette(palette)
    p.setColor(QPalette.ColorRole.Window, state_fill(palette, kind))
    p.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.Text))
    return p
