"""Words with their positions from pypdfium2, for the pages of a PDF that hold no ruled table.

pdfplumber (pdfminer underneath) interprets every page in Python, about 100 ms a page: a
300-page handbook took half a minute. PDFium reads the same page in a millisecond or two, so it
gives the words of every page without ruling lines, and pdfplumber is kept for the pages that
have them, where its table finder reads the unit table cell by cell. Both give the same word
records (text, x0, x1, top, bottom, size; top measured from the top of the page).
"""

from __future__ import annotations

from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c

Word = dict[str, Any]
BAND = 0.085  # top and bottom share of the page where running headers and footers sit
_GAP = 3.0  # points between two glyphs that split a word, as pdfplumber's x_tolerance
_LINE = 3.0  # a glyph this far off the word's line starts a new word (y_tolerance)


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
        return _words(text_page, text, height)
    finally:
        text_page.close()


def _words(text_page: pypdfium2.PdfTextPage, text: str, height: float) -> list[Word]:
    words: list[Word] = []
    current: Word | None = None
    for index, char in enumerate(text):
        if char.isspace() or char == "\ufffe":
            current = None
            continue
        left, bottom, right, _top = text_page.get_charbox(index, loose=True)
        # The loose box's bottom is the font's descent below the baseline, as pdfminer's; its
        # top is the font's ascent, where pdfminer puts the top one font size above the bottom.
        # Measured as pdfminer does, line gaps come out the same across type sizes.
        bottom_down = height - bottom
        if current is not None and (left - current["x1"] > _GAP or left < current["x0"]
                                    or abs(bottom_down - current["bottom"]) > _LINE):
            current = None
        if current is None:
            size = round(pdfium_c.FPDFText_GetFontSize(text_page, index), 2)
            current = {"text": char, "x0": left, "x1": right, "top": bottom_down - size,
                       "bottom": bottom_down, "size": size}
            words.append(current)
            continue
        current["text"] += char
        current["x1"] = max(current["x1"], right)
    return words
