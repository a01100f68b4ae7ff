"""Words with their positions from pypdfium2, for the pages of a PDF that hold no ruled table.

pdfplumber (pdfminer underneath) interprets every page in Python, about 100 ms a page: a
300-page handbook took half a minute. PDFium reads the same page in a millisecond or two, so it
gives the words of every page without ruling lines, and pdfplumber is kept for the pages that
have them, where its table finder reads the unit table cell by cell. Both give the same word
records (text, x0, x1, top, bottom, size; top measured from the top of the page).
"""

from __future__ import annotations

import re
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c

Word = dict[str, Any]
BAND = 0.085  # top and bottom share of the page where running headers and footers sit
_RUN_RE = re.compile(r"\S+")


def has_rules(page: pypdfium2.PdfPage) -> bool:
    """Whether the page draws lines or boxes in its body (a table may be there). Paths wholly in
    the top or bottom band (a header bar, a footer rule) do not count."""
    height = page.get_height()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        _left, bottom, _right, top = obj.get_bounds()
        top_down, bottom_down = height - top, height - bottom
        if bottom_down > height * BAND and top_down < height * (1 - BAND):
            return True
    return False


def page_words(page: pypdfium2.PdfPage) -> list[Word]:
    """Every word on the page: runs of glyphs between whitespace (PDFium's own spaces and line
    breaks included) or a gap wider than a glyph space."""
    height = page.get_height()
    text_page = page.get_textpage()
    try:
        count = text_page.count_chars()
        text = text_page.get_text_range(0, count)
        if len(text) != count:  # characters outside the BMP shift the indices: go one by one
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(text_page, i) or 32)
                           for i in range(count))
        # PDFium marks a hyphen it found at a line end as U+FFFE; it is the printed "-".
        return _words(text_page, text.replace("\ufffe", "-"), height)
    finally:
        text_page.close()


def _words(text_page: pypdfium2.PdfTextPage, text: str, height: float) -> list[Word]:
    """Words are PDFium's runs of non-space text (it puts a space or a line break wherever glyphs
    are apart, so a run is one word on one line); each is measured at its first and last glyph,
    which keeps a 300-page handbook to a couple of seconds."""
    rect = pdfium_c.FS_RECTF()
    handle = text_page.raw

    def box(index: int) -> tuple[float, float, float]:
        pdfium_c.FPDFText_GetLooseCharBox(handle, index, rect)
        return rect.left, rect.right, height - rect.bottom

    words: list[Word] = []
    for match in _RUN_RE.finditer(text):
        first, last = match.start(), match.end() - 1
        left, right, bottom_down = box(first)
        if last != first:
            right = max(right, box(last)[1])
        size = round(pdfium_c.FPDFText_GetFontSize(handle, first), 2)
        # The loose box's bottom is the font's descent below the baseline, as pdfminer's; its
        # top is the font's ascent, where pdfminer puts the top one font size above the bottom.
        # Measured as pdfminer does, line gaps come out the same across type sizes.
        words.append({"text": match.group(), "x0": left, "x1": right,
                      "top": bottom_down - size, "bottom": bottom_down, "size": size})
    return words
