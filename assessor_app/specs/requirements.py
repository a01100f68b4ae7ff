"""Numbered evidence requirements ("1. real job …", "4. … with: a …, b …") → checklist items.

Items are numbered 1, 2, 3 … in order; sub-items are lettered a, b, c … or bulleted under an item
that introduces them (ends with ':'). Keys are "1", "4a", "6c". An item with sub-items is kept as
its own row too (the group's wording), marked `is_group`: the checklist shows it as a heading and
only its items are ticked.

The items of a group are the rows right after it whose key is the group's key plus letters
("4" → "4a", "4b"; "CG-4" → "CG-4a"); `group_keys` applies that rule for every consumer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
    groups = {key[:-1] for key, _ in items if not key.isdigit()}
    return [RequirementSpec(key, join_lines(parts), is_group=key in groups)
            for key, parts in items]


def is_item_of(group_key: str, key: str) -> bool:
    """Whether `key` names a lettered item of the group `group_key` ("4" → "4a")."""
    rest = key[len(group_key):]
    return key.startswith(group_key) and rest.isalpha() and rest.islower() and rest.isascii()


def group_keys(rows: Iterable[tuple[str, bool]]) -> list[str | None]:
    """For `(key, is_group)` rows in checklist order: the key of the group each row belongs to, or
    None (for groups themselves and stand-alone requirements)."""
    out: list[str | None] = []
    group: str | None = None
    for key, grouped in rows:
        if grouped:
            group = key
            out.append(None)
        elif group is not None and is_item_of(group, key):
            out.append(group)
        else:
            group = None
            out.append(None)
    return out
