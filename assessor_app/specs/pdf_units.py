"""A PDF of one unit or a handbook of many → one parsed unit each, offered separately.

Units are found by their title blocks ("Unit 238 Principles of …" in City & Guilds and Pearson
handbooks, "Unit title:" in OCR's unit documents); contents pages (which list many such titles)
and appendices are skipped. Each unit's lines (tables read column by column) go through the text
parser, so findings and repairs work the same for PDFs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assessor_app.specs.errors import SpecError
from assessor_app.specs.limits import MAX_PDF_BYTES
from assessor_app.specs.model import UnitSpec
from assessor_app.specs.pdf_reader import Item, PdfLine, PdfRow, is_table_heading, read_pdf

UNIT_START_RE = re.compile(r"^Unit\s+(\d{2,4})\b\s*[:\-–]?\s+(\S.*)$")
OCR_START_RE = re.compile(r"^Unit\s+title\s*:", re.I)
CONTENTS_ENTRY_RE = re.compile(r"(?:\.{3,}|…)\s*\d{1,4}\s*$")
APPENDIX_RE = re.compile(r"^Appendix\s+\d{1,2}\b", re.I)
Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class PdfUnit:
    """One unit found in a PDF: its text for the parser, and the page of every text line."""

    path: Path
    label: str  # "unit 238" or "unit 1"
    first_page: int
    last_page: int
    text: str
    line_pages: list[int] = field(default_factory=list)
    spec: UnitSpec | None = None
    error: SpecError | None = None

    def page_of(self, line: int | None) -> int | None:
        """The PDF page a line of `text` came from."""
        if line is None or not 1 <= line <= len(self.line_pages):
            return None
        return self.line_pages[line - 1]

    @property
    def source(self) -> str:
        pages = (f"page {self.first_page}" if self.first_page == self.last_page
                 else f"pages {self.first_page}-{self.last_page}")
        return f"{self.path} ({self.label}, {pages})"


def _unit_key(item: Item) -> str | None:
    if not isinstance(item, PdfLine):
        return None
    text = item.text.strip()
    if CONTENTS_ENTRY_RE.search(text):
        return None
    m = UNIT_START_RE.match(text)
    if m:
        return m.group(1)
    return "ocr" if OCR_START_RE.match(text) else None


def split_units(items: list[Item]) -> list[list[Item]]:
    """Items grouped per unit; a single-unit document keeps what precedes its title."""
    starts_per_page: dict[int, int] = {}
    for item in items:
        if isinstance(item, PdfLine) and UNIT_START_RE.match(item.text.strip()):
            starts_per_page[item.page] = starts_per_page.get(item.page, 0) + 1
    contents = {page for page, n in starts_per_page.items() if n >= 3}
    items = [i for i in items if i.page not in contents]
    chunks: list[list[Item]] = []
    current: list[Item] | None = None
    current_key: str | None = None
    preamble: list[Item] = []
    for item in items:
        key = _unit_key(item)
        if key is not None and (key != current_key or key == "ocr"):
            current, current_key = [item], key
            chunks.append(current)
            continue
        if isinstance(item, PdfLine) and APPENDIX_RE.match(item.text.strip()):
            current, current_key = None, None
            continue
        if current is None:
            if not chunks:
                preamble.append(item)
            continue
        current.append(item)
    if len(chunks) <= 1:
        return [preamble + (chunks[0] if chunks else [])] if (preamble or chunks) else []
    return chunks


def unit_text(items: list[Item]) -> tuple[str, list[int]]:
    """The unit's lines for the text parser and each line's page. A table row group (an outcome
    cell and the rows continuing it, across pages) is emitted column by column; a
    whitespace-only line marks each cell boundary, as text extractors leave them."""
    lines: list[str] = []
    pages: list[int] = []
    heading_done = False

    def emit(text: str, page: int) -> None:
        lines.append(text)
        pages.append(page)

    block: list[PdfRow] = []
    headings: list[str] = []

    def flush() -> None:
        if not block:
            return
        width = max(len(r.cells) for r in block)
        for col in range(width):
            paras = [(p, row.page) for row in block
                     for p in (row.cells[col] if col < len(row.cells) else [])]
            if col >= 2 and paras and col < len(headings) and headings[col]:
                # Name the side column before its text, so the parser cannot read it as the
                # end of the last criterion.
                emit(headings[col], paras[0][1])
            for para, page in paras:
                emit(para, page)
            emit(" ", block[-1].page)
        block.clear()

    for item in items:
        if isinstance(item, PdfRow):
            if is_table_heading(item):
                flush()
                if not heading_done:
                    emit(" ".join(" ".join(c) for c in item.cells), item.page)
                    headings = [" ".join(c) for c in item.cells]
                    heading_done = True
                continue
            if item.cells and item.cells[0]:
                flush()
            block.append(item)
            continue
        flush()
        if item.gap_before:
            emit("", item.page)
        emit(item.text, item.page)
    flush()
    return "\n".join(lines) + "\n", pages


def read_pdf_units(path: Path, progress: Progress | None = None) -> list[PdfUnit]:
    """Every unit in the PDF, parsed (or with the error that stopped it)."""
    from assessor_app.specs.parser import parse_text

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc
    if size > MAX_PDF_BYTES:
        raise SpecError(str(path), f"the PDF is too large ({size:,} bytes; the limit is "
                        f"{MAX_PDF_BYTES:,})")
    items = read_pdf(path, None if progress is None else lambda d, t: progress("pages", d, t))
    chunks = split_units(items)
    if not chunks:
        raise SpecError(str(path), "the PDF has no text (a scan? run it through OCR first)", 1)
    units: list[PdfUnit] = []
    for n, chunk in enumerate(chunks, start=1):
        key = _unit_key(chunk[0])
        label = f"unit {key}" if key and key != "ocr" else f"unit {n}"
        text, pages = unit_text(chunk)
        unit = PdfUnit(path, label, chunk[0].page, chunk[-1].page, text, pages)
        try:
            unit.spec = parse_text(text, unit.source,
                                   hashlib.sha256(text.encode("utf-8")).hexdigest())
            for pub in unit.spec.publications:
                pub.source = path.name
            for finding in unit.spec.findings:
                finding.page = unit.page_of(finding.line)
        except SpecError as exc:
            page = unit.page_of(exc.line)
            unit.error = SpecError(f"{path} ({label}, page {page})" if page else unit.source,
                                   exc.message)
        units.append(unit)
        if progress is not None:
            progress("units", n, len(chunks))
    return units
