"""What the review screen shows for one chosen file: each unit's source text (the text the parser
read; for a PDF, each unit's text and the page of every line), its parsed spec or the error that
stopped it, and where in the source each element came from. Pure: no Qt."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assessor_app.specs.errors import SpecError
from assessor_app.specs.limits import MAX_TEXT_BYTES, read_bounded
from assessor_app.specs.model import UnitSpec
from assessor_app.specs.structured import STRUCTURED_SUFFIXES, load_yaml

Percent = Callable[[int, str], None]  # (percent, what is happening)


@dataclass
class ReviewUnit:
    label: str  # "unit 238", or the file name
    source: str  # for messages and the import record
    text: str
    spec: UnitSpec | None = None
    error: SpecError | None = None
    line_pages: list[int] = field(default_factory=list)  # PDF only: page of each line

    def page_of(self, line: int | None) -> int | None:
        if line is None or not 1 <= line <= len(self.line_pages):
            return None
        return self.line_pages[line - 1]

    def line_of_text(self, text: str, after: int = 0) -> int | None:
        """The first source line (after `after`) holding the start of `text` (an outcome's or
        a title's text, which the parser does not number)."""
        probe = " ".join(text.split()[:5])
        if not probe:
            return None
        for no, line in enumerate(self.text.split("\n"), start=1):
            if no > after and probe[:40] in " ".join(line.split()):
                return no
        return None


def read_for_review(path: Path, progress: Percent | None = None) -> list[ReviewUnit]:
    """Every unit the file holds, parsed best effort, for review. Raises `SpecError` only when
    the file itself cannot be read."""
    from assessor_app.specs.parser import parse_text
    from assessor_app.specs.text_cleanup import decode_source

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _read_pdf(path, progress)
    data = read_bounded(path, MAX_TEXT_BYTES, "the file")
    text = decode_source(data, str(path))
    unit = ReviewUnit(path.name, str(path), text)
    try:
        if suffix in STRUCTURED_SUFFIXES:
            unit.spec = load_yaml(path)
        else:
            unit.spec = parse_text(text, str(path), hashlib.sha256(data).hexdigest())
    except SpecError as exc:
        unit.error = exc
    if progress is not None:
        progress(100, "read")
    return [unit]


def _read_pdf(path: Path, progress: Percent | None) -> list[ReviewUnit]:
    from assessor_app.specs.pdf_units import read_pdf_units

    def report(stage: str, done: int, total: int) -> None:
        if progress is None or not total:
            return
        if stage == "pages":
            progress(int(80 * done / total), f"reading page {done} of {total}")
        else:
            progress(80 + int(20 * done / total), f"parsing unit {done} of {total}")

    return [ReviewUnit(u.label, u.source, u.text, u.spec, u.error, u.line_pages)
            for u in read_pdf_units(path, report)]
