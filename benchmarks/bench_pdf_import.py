"""PDF handbook import speed: a 200-unit City & Guilds-style handbook built with the test
builders, read page by page (lines, tables, furniture) and split and parsed into units, against a
bare pypdfium2 text extraction of the same file in the same run. A plain script, not a test:

    .venv/bin/python benchmarks/bench_pdf_import.py [UNITS] [REPEATS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pypdfium2  # noqa: E402

from assessor_app.specs.pdf_reader import read_pdf  # noqa: E402
from assessor_app.specs.pdf_units import read_pdf_units  # noqa: E402
from tests.specs.pdf_builders import build_handbook, handbook_units  # noqa: E402


def bare_pdfium(path: Path) -> int:
    """Every page's plain text, nothing else: the floor for reading this file."""
    pdf = pypdfium2.PdfDocument(str(path))
    chars = 0
    try:
        for page in pdf:
            text_page = page.get_textpage()
            chars += len(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        pdf.close()
    return chars


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) if repeats < 3 else statistics.median(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    with tempfile.TemporaryDirectory() as tmp:
        pdf = build_handbook(handbook_units(count), Path(tmp) / "handbook.pdf")
        pages = len(pypdfium2.PdfDocument(str(pdf)))
        bare = best_of(repeats, lambda: bare_pdfium(pdf))
        lines = best_of(repeats, lambda: read_pdf(pdf))
        whole = best_of(repeats, lambda: read_pdf_units(pdf))
        units = read_pdf_units(pdf)
    ok = sum(u.error is None for u in units)
    print(f"handbook: {count} units, {pages} pages, {ok}/{len(units)} units parsed")
    print(f"{'stage':<34}{'total s':>9}{'ms/page':>9}{'x bare':>8}")
    for name, secs in (("bare pypdfium2 text", bare), ("read_pdf (lines, tables)", lines),
                       ("read_pdf_units (split + parse)", whole)):
        print(f"{name:<34}{secs:>9.2f}{secs / pages * 1000:>9.1f}{secs / bare:>8.1f}")


if __name__ == "__main__":
    main()
