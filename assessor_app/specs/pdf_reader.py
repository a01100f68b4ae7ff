"""Reading a unit PDF (or a handbook of many units) into ordered lines for the text parser.

Words come with their positions (PDFium for plain pages, pdfplumber and its table finder for
pages with ruling lines: see pdf_words), so the learning-outcome, criterion and side columns of a
unit table are read as columns (cell by cell, a row continued across a page break rejoined)
instead of the interleaved lines a plain text extraction gives. Page furniture is dropped: running headers and footers (small text in the top
or bottom band that repeats on other pages), page numbers and the repeated table heading row.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessor_app.specs.errors import SpecError
from assessor_app.specs.layout_cells import TABLE_HEADER_RE
from assessor_app.specs.pdf_words import BAND, has_rules, page_words

Progress = Callable[[int, int], None]  # (done, total) pages or units
# pdfminer warns about every damaged object it skips; the import reports what matters itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$",
                             re.I)
_ITEM_START_RE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\b|[\u2022\u25cf\u25aa\u2013-]\s)")


@dataclass
class PdfLine:
    """One line of text in reading order, with the page it is on."""

    page: int  # 1-based
    text: str
    top: float = 0.0
    size: float = 0.0
    band: bool = False  # in the top or bottom band of its page
    gap_before: bool = False  # a paragraph gap above it


@dataclass
class PdfRow:
    """One row of a ruled table: for each cell, its paragraphs (wrapped lines joined)."""

    page: int
    top: float
    cells: list[list[str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(" ".join(c) for c in self.cells)


Item = PdfLine | PdfRow


def read_pdf(path: Path, progress: Progress | None = None) -> list[Item]:
    """Lines and table rows of every page, in reading order, furniture removed. Pages without
    ruling lines are read with PDFium (fast); pages with them with pdfplumber, for its tables."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        raise SpecError(str(path), "cannot read the PDF (damaged or not a PDF)") from exc
    items: list[Item] = []
    plumber = _Plumber(path)
    try:
        total = len(doc)
        for number in range(1, total + 1):
            page = doc[number - 1]
            try:
                if has_rules(page):
                    items.extend(plumber.page_items(number))
                else:
                    items.extend(_page_items(page_words(page), [], number, page.get_height()))
            finally:
                page.close()
            if progress is not None:
                progress(number, total)
    except pypdfium2.PdfiumError as exc:
        raise SpecError(str(path), "cannot read the PDF (a damaged page)") from exc
    finally:
        plumber.close()
        doc.close()
    return drop_furniture(items)


class _Plumber:
    """pdfplumber on the same file, opened once and only if a page has ruling lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf: Any = None

    def page_items(self, number: int) -> list[Item]:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError

        try:
            if self.pdf is None:
                self.pdf = pdfplumber.open(str(self.path))
            page = self.pdf.pages[number - 1]
            words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
            tables = page.find_tables() if page.edges else []
            out = _page_items(words, tables, number, float(page.height))
            page.flush_cache()
            return out
        except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError,
                IndexError) as exc:
            raise SpecError(str(self.path), f"cannot read the PDF ({type(exc).__name__})") from exc
        except Exception as exc:  # pdfminer raises its own bases for damaged files
            if type(exc).__module__.startswith(("pdfminer", "pdfplumber")):
                raise SpecError(str(self.path),
                                f"cannot read the PDF ({type(exc).__name__})") from exc
            raise

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


_CID_BULLET_RE = re.compile(r"\(cid:(?:127|149|183|108)\)")
_CID_RE = re.compile(r"\(cid:\d+\)")


def _clean_word(text: str) -> str:
    """Glyphs without a Unicode mapping come out as "(cid:N)": the usual bullet codes become a
    bullet, any other is dropped."""
    if "(cid:" not in text:
        return text
    return _CID_RE.sub("", _CID_BULLET_RE.sub("\u2022", text))


def _page_items(words: list[dict[str, Any]], tables: list[Any], number: int,
                height: float) -> list[Item]:
    """A page's words placed in its tables' cells (rows) or free lines, ordered top down."""
    for word in words:
        word["text"] = _clean_word(word["text"])
    words = [w for w in words if w["text"]]
    rows: list[PdfRow] = []
    free: list[dict[str, Any]] = []
    cells_words: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    for word in words:
        cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        placed = False
        for t, table in enumerate(tables):
            x0, top, x1, bottom = table.bbox
            if not (x0 <= cx <= x1 and top <= cy <= bottom):
                continue
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    if cell and cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                        cells_words.setdefault((t, r, c), []).append(word)
                        placed = True
                        break
                if placed:
                    break
            break
        if not placed:
            free.append(word)
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            cells = [_paragraphs(cells_words.get((t, r, c), [])) for c in range(len(row.cells))]
            if any(cells):
                rows.append(PdfRow(number, row.bbox[1], cells))
    lines = [PdfLine(number, " ".join(w["text"] for w in ws), ws[0]["top"],
                     max(w["size"] for w in ws),
                     ws[0]["top"] < height * BAND or ws[0]["bottom"] > height * (1 - BAND))
             for ws in _line_words(free)]
    _mark_gaps(lines)
    merged: list[Item] = [*lines, *rows]
    merged.sort(key=lambda item: item.top)
    return merged


def _line_words(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into visual lines (same baseline within 2pt), each sorted left to right."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _mark_gaps(lines: list[PdfLine]) -> None:
    steps = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if b.top > a.top]
    usual = Counter(round(s) for s in steps).most_common(1)[0][0] if steps else 0
    for a, b in zip(lines, lines[1:], strict=False):
        b.gap_before = usual > 0 and b.top - a.top > usual * 1.35


def _paragraphs(words: list[dict[str, Any]]) -> list[str]:
    """A cell's text: its wrapped lines joined into paragraphs (split at a criterion number,
    a bullet, or extra vertical space)."""
    lines = _line_words(words)
    if not lines:
        return []
    steps = [b[0]["top"] - a[0]["top"] for a, b in zip(lines, lines[1:], strict=False)]
    usual = min(steps) if steps else 0
    out: list[str] = []
    prev_top = None
    for ws in lines:
        text = " ".join(w["text"] for w in ws)
        new = (not out or _ITEM_START_RE.match(text) is not None or out[-1].endswith(":")
               or (prev_top is not None and usual and ws[0]["top"] - prev_top > usual * 1.35))
        if new:
            out.append(text)
        elif out[-1].endswith("-") and text[:1].islower():
            out[-1] += text
        else:
            out[-1] += " " + text
        prev_top = ws[0]["top"]
    return out


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def drop_furniture(items: list[Item]) -> list[Item]:
    """Remove page numbers and running headers/footers: small text in a page's top or bottom
    band whose wording (digits aside) recurs on another page. Larger type (a unit's title at the
    top of its first page) is kept."""
    body = Counter(round(i.size) for i in items if isinstance(i, PdfLine) and not i.band)
    body_size = body.most_common(1)[0][0] if body else 0
    pages: dict[str, set[int]] = {}
    for item in items:
        if isinstance(item, PdfLine) and item.band:
            pages.setdefault(_furniture_key(item.text), set()).add(item.page)
    kept: list[Item] = []
    for item in items:
        if isinstance(item, PdfLine) and item.band:
            if _PAGE_NUMBER_RE.match(item.text.strip()):
                continue
            # Repeated, or set smaller than the body text: a running header or footer.
            if round(item.size) < body_size or (_recurs(pages[_furniture_key(item.text)])
                                                and round(item.size) <= body_size):
                continue
        kept.append(item)
    return kept


def _recurs(pages: set[int]) -> bool:
    """On nearby pages (running furniture), not just the same words far apart (two units of a
    handbook that share a sentence)."""
    ordered = sorted(pages)
    return any(b - a <= 2 for a, b in zip(ordered, ordered[1:], strict=False))


def is_table_heading(row: PdfRow) -> bool:
    return bool(TABLE_HEADER_RE.match(row.text.strip()))
