"""Hypothesis strategies producing damaged unit texts and structured files (issue 9 fuzzing).

Shared by the fuzz tests and the counting script the fuzz figures in the closing note come from.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.specs.helpers import FIXTURES, REPO, SOURCES

TEXTS = [p.read_bytes() for p in sorted(SOURCES.glob("*.txt"))
         + sorted(p for p in (FIXTURES / "real").glob("*.txt")
                  if not p.name.endswith(".source.txt"))]
YAMLS = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((REPO / "specs").glob("*.yaml"))]

_JUNK = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"\x00", b"\xff\xfe", b"1.1 ", b"2.3", b"\n\n", b"Learning outcome ",
                     b"The learner can:", b"Unit reference number: K/503/81944", b"\t", b"\xc3(",
                     b"Range", b"\xe2\x80\xa2 ", b"1 ", b"-", b"\r"]),
)


@st.composite
def damaged_text(draw: st.DrawFn) -> bytes:
    """A real unit text with a handful of line-level and byte-level damages."""
    lines = draw(st.sampled_from(TEXTS)).split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["drop", "dup", "insert", "long", "flip", "truncate",
                                     "strip_number", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "drop" and len(lines) > 1:
            del lines[i]
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "insert":
            lines.insert(i, draw(_JUNK))
        elif kind == "long":
            token = draw(st.sampled_from([b"a", b"1.1 ", b"Describe the ", b" ", b"a-", b"(."]))
            lines.insert(i, token * draw(st.integers(100, 12_000)))
        elif kind == "flip" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            line = bytearray(lines[i])
            line[j] ^= 1 << draw(st.integers(0, 7))
            lines[i] = bytes(line)
        elif kind == "truncate":
            lines = lines[:max(1, i)]
        elif kind == "strip_number":
            lines[i] = lines[i].lstrip(b"0123456789. ")
        elif kind == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(),
                     st.text(max_size=30), st.sampled_from(["", "K/503/81944", "x\x00y", "1.1",
                                                            "\x07", "A/100/1000"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def _nodes(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path into a nested dict/list."""
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _nodes(v, (*path, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            out += _nodes(v, (*path, k))
    return out


@st.composite
def damaged_structured(draw: st.DrawFn) -> bytes:
    """A bundled structured spec with fields replaced, removed or duplicated, or raw YAML junk."""
    kind = draw(st.sampled_from(["fields", "fields", "fields", "bomb", "deep", "bytes"]))
    if kind == "bomb":
        depth = draw(st.integers(2, 9))
        text = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + k)}: &{chr(98 + k)} [*{chr(97 + k)}, *{chr(97 + k)}, *{chr(97 + k)}]\n"
            for k in range(depth))
        return text.encode()
    if kind == "deep":
        n = draw(st.integers(10, 5000))
        return ("learning_outcomes: " + "[" * n + "]" * n + "\n").encode()
    data = copy.deepcopy(draw(st.sampled_from(YAMLS)))
    for _ in range(draw(st.integers(1, 4))):
        nodes = [p for p in _nodes(data) if p]
        path = draw(st.sampled_from(nodes))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["set", "delete", "duplicate"]))
        if action == "set":
            parent[path[-1]] = draw(_VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    text = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    if kind == "bytes" and text:
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(_JUNK) + text[i + 1:]
    return text
