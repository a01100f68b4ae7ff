"""Bounds on what the spec importers will read, so no input can make them hang or eat memory.

A real unit text is a few kilobytes with lines under 200 characters; a handbook PDF is a few
megabytes. The limits sit far above that and far below what would hurt.
"""

from __future__ import annotations

from pathlib import Path

from assessor_app.specs.errors import SpecError

MAX_TEXT_BYTES = 1_000_000  # one unit text: real ones are 3-30 KB
MAX_LINE_CHARS = 20_000  # a flattened table fits; a runaway line does not
MAX_YAML_BYTES = 1_000_000
MAX_YAML_DEPTH = 12  # the structured format nests 5 deep
MAX_PDF_BYTES = 200_000_000
MAX_FIELD_CHARS = 20_000  # any one text field of a structured spec
MAX_TITLE_CHARS = 300


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The file's bytes, refusing one larger than `limit` before reading it."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise SpecError(str(path), f"{what} is too large ({size:,} bytes; the limit is "
                            f"{limit:,})")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise SpecError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise SpecError(str(path), f"{what} is too large (the limit is {limit:,} bytes)")
    return data


def check_line_lengths(text: str, source: str) -> None:
    """Refuse a text with a line longer than MAX_LINE_CHARS, naming the line."""
    start = 0
    no = 1
    length = len(text)
    while start <= length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        if end - start > MAX_LINE_CHARS:
            raise SpecError(source, f"line is longer than {MAX_LINE_CHARS:,} characters "
                            f"({end - start:,}); is this a unit text?", no)
        start = end + 1
        no += 1
