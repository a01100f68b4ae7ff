"""Numbered evidence requirements ("1. real job …", "4. … with: a …, b …") → checklist items.

Items are numbered 1, 2, 3 … in order; sub-items are lettered a, b, c … or bulleted under an item
that introduces them (ends with ':'). Keys are "1", "4a", "6c". An item with sub-items is kept as
its own row too (the group's wording) so the checklist can show it as a heading.
"""

from __future__ import annotations

import re

from assessor_app.specs.model import RequirementSpec
from assessor_app.specs.text_cleanup import SourceLine, join_lines

_ITEM_RE = re.compile(r"^(\d{1,2})[.)]?\s+(\S.*)$")
_LETTER_RE = re.compile(r"^\(?([a-z])[.)]?\s+(\S.*)$")


def parse_requirements(lines: list[SourceLine]) -> list[RequirementSpec]:
    items: list[tuple[str, list[str]]] = []  # (key, parts)
    number = 0
    letter = ""
    for line in lines:
        if not line.text:
            continue
        m = _ITEM_RE.match(line.text)
        if m and not line.bullet and int(m.group(1)) == number + 1:
            number += 1
            letter = ""
            items.append((str(number), [m.group(2)]))
            continue
        if number == 0:
            continue  # introduction before the first numbered item
        parent_text = join_lines(next(p for k, p in reversed(items) if k == str(number)))
        opens_list = parent_text.endswith(":")
        next_letter = chr(ord(letter) + 1) if letter else "a"
        m = _LETTER_RE.match(line.text)
        if m and not line.bullet and m.group(1) == next_letter and (opens_list or letter):
            letter = next_letter
            items.append((f"{number}{letter}", [m.group(2)]))
            continue
        if line.bullet and (opens_list or letter):
            letter = next_letter
            items.append((f"{number}{letter}", [line.text]))
            continue
        items[-1][1].append(line.text)
    return [RequirementSpec(key, join_lines(parts)) for key, parts in items]
