"""Fonts for the ERS: DejaVu Sans (covers ’ “ ” – • ✓ and most European names), embedded as a
TrueType subset; Helvetica with ASCII stand-ins only if no DejaVu file can be found."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_HERE = Path(__file__).resolve()
SEARCH_DIRS = [
    _HERE.parents[2] / "resources" / "fonts",  # the bundled copy in the source tree
    Path(getattr(sys, "_MEIPASS", _HERE.parents[2])) / "resources" / "fonts",  # PyInstaller
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian/Ubuntu fonts-dejavu-core
]

# What Helvetica (WinAnsi) cannot show reliably, mapped to plain stand-ins.
_ASCII_STAND_INS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                                  "•": "*", "✓": "Y", "✗": "x", "…": "..."})


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    unicode_ok: bool

    def text(self, s: str) -> str:
        """Text safe for this font set."""
        return s if self.unicode_ok else s.translate(_ASCII_STAND_INS)


_cached: FontSet | None = None


def find_font_file(name: str) -> Path | None:
    for folder in SEARCH_DIRS:
        path = folder / name
        if path.is_file():
            return path
    return None


def ers_fonts() -> FontSet:
    """Register (once) and return the fonts the ERS uses."""
    global _cached
    if _cached is not None:
        return _cached
    regular, bold = find_font_file("DejaVuSans.ttf"), find_font_file("DejaVuSans-Bold.ttf")
    if regular and bold:
        pdfmetrics.registerFont(TTFont("ERS-Sans", str(regular)))
        pdfmetrics.registerFont(TTFont("ERS-Sans-Bold", str(bold)))
        pdfmetrics.registerFontFamily("ERS-Sans", normal="ERS-Sans", bold="ERS-Sans-Bold",
                                      italic="ERS-Sans", boldItalic="ERS-Sans-Bold")
        _cached = FontSet("ERS-Sans", "ERS-Sans-Bold", True)
    else:
        _cached = FontSet("Helvetica", "Helvetica-Bold", False)
    return _cached
