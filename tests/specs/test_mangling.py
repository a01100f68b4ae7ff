"""Property: spacing and wrapping noise does not change the parsed tree.

The mangler imitates what different PDF extractors do to the same page: lines wrapped at other
widths (split or joined), blank lines added or dropped, trailing spaces, a different left margin.
It keeps what is layout rather than noise: where a page or a table cell starts (a line indented
beyond the margin, a whitespace-only line), and it never wraps a line just before a capitalised
word, a number or a list letter, because those starts are how the layouts mark new items.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor_app.specs.parser import parse_text
from tests.specs.helpers import FIXTURES, SOURCES

TEXTS = sorted(SOURCES.glob("*.txt")) + sorted(FIXTURES.glob("*.txt"))
_TRAILING_NUMBER = re.compile(r"\d+\.\d+\s*$")
_LETTER_KEY = re.compile(r"^[a-z]\s+\S")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def mangle(text: str, rnd: random.Random, margin: int) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip(" ") if lines[i].strip() else lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # Join with the next line (a wider wrap) when it is a plain lower-case continuation.
        if (line.strip() and nxt.strip() and _indent(nxt) == 0 and nxt[:1].islower()
                and ":" not in line and not _TRAILING_NUMBER.search(line)
                and not _LETTER_KEY.match(nxt) and rnd.random() < 0.3):
            lines[i + 1] = line + " " + nxt.strip()
            i += 1
            continue
        words = line.split(" ")
        # Split (a narrower wrap) before a lower-case word, keeping the first two tokens together.
        candidates = [k for k in range(3, len(words))
                      if words[k][:1].islower() and words[k - 1].strip()]
        if (candidates and ":" not in line and not _TRAILING_NUMBER.search(line)
                and rnd.random() < 0.4):
            k = rnd.choice(candidates)
            rest = " ".join(words[k:])
            if len(rest.split()) >= 2:
                out.extend([" ".join(words[:k]), rest])
                i += 1
                continue
        out.append(line)
        i += 1
    mangled: list[str] = []
    for line in out:
        if line == "" and rnd.random() < 0.4:
            continue  # drop a blank line
        if line.strip():
            line = " " * margin + line + " " * rnd.randrange(0, 4)
        elif line:
            line = " " * margin + line  # a cell boundary stays whitespace-only
        mangled.append(line)
        if rnd.random() < 0.15:
            mangled.append("")
    return "\n".join(mangled)


def _tree(text: str, name: str) -> dict:
    spec = parse_text(text, name)
    return {"meta": spec.summary_dict(), "content": spec.content_dict()}


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), margin=st.integers(0, 3))
def test_mangled_text_gives_same_tree(path: Path, seed: int, margin: int) -> None:
    original = path.read_text(encoding="utf-8")
    expected = _tree(original, path.name)
    mangled = mangle(original, random.Random(seed), margin)
    assert _tree(mangled, path.name) == expected


def test_mangler_really_changes_the_text() -> None:
    text = TEXTS[1].read_text(encoding="utf-8")
    mangled = mangle(text, random.Random(3), 2)
    assert mangled != text and len(mangled.split("\n")) != len(text.split("\n"))


def test_cut_criterion_recovered_without_page_start_signal() -> None:
    """Seed 001 with every text line flush left: the dangling hyphen marks the page break."""
    text = next(SOURCES.glob("001_*.txt")).read_text(encoding="utf-8")
    flush = "\n".join(ln.lstrip() if ln.strip() else ln for ln in text.split("\n"))
    spec = parse_text(flush, "flush.txt")
    crits = {c.number: c.text for c in spec.criteria}
    assert crits["3.5"] == ("Explain how to communicate with customers, especially when they are "
                            "dissatisfied with products and services")
    items = [i for n in spec.outcomes[2].notes for i in n.items]
    assert "appropriate methods for establishing initial and long-term relationships with customers" in items
