"""Structured unit spec files (YAML, one per unit, human-reviewable) and their dict form.

The same dict form is stored in `UnitVersion.structured_json`, so a version can be turned back into
a `UnitSpec` for merging.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assessor_app.specs.errors import SpecError
from assessor_app.specs.limits import MAX_YAML_BYTES, read_bounded
from assessor_app.specs.model import (
    NOTE_KINDS,
    CriterionSpec,
    NoteSpec,
    OutcomeSpec,
    PublicationSpec,
    RequirementSpec,
    UnitSpec,
    note_dict,
)
from assessor_app.specs.requirements import group_keys
from assessor_app.specs.review import Edit
from assessor_app.specs.safe_yaml import load_bounded_yaml

FORMAT = "assessor-app/unit-spec/1"
STRUCTURED_SUFFIXES = (".yaml", ".yml")


def spec_to_dict(spec: UnitSpec) -> dict[str, Any]:
    content = spec.content_dict()
    return {
        "format": FORMAT,
        "reference": spec.reference,
        "title": content.pop("title"),
        "level": content.pop("level"),
        "credit_value": content.pop("credit_value"),
        "glh": content.pop("glh"),
        "publications": [
            {
                "awarding_body": p.awarding_body,
                "unit_number": p.unit_number,
                "sector_unit_number": p.sector_unit_number,
                "source": p.source,
                "source_sha256": p.source_sha256,
            }
            for p in spec.publications
        ],
        **content,
        **({"review_edits": [e.as_dict() for e in spec.edits]} if spec.edits else {}),
    }


def dump_yaml(spec: UnitSpec) -> str:
    header = (
        "# Unit specification generated from the awarding-body texts in specs/sources/.\n"
        "# Regenerate with `assessor-app specs build-bundled`; review changes like code.\n"
    )
    return header + yaml.safe_dump(
        spec_to_dict(spec), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


class _Checker:
    def __init__(self, source: str, lines: dict[int, int] | None = None) -> None:
        self.source = source
        self.lines = lines or {}  # id(mapping) → its line in the file, when read from YAML
        self.line: int | None = None  # line of the entry being checked

    def fail(self, message: str) -> SpecError:
        return SpecError(self.source, message, self.line)

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{where}: expected a mapping")
        self.line = self.lines.get(id(value), self.line)
        return value

    def items(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{where}: expected a list")
        return value

    def text(self, d: dict[str, Any], key: str, where: str, required: bool = False) -> str:
        value = d.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}: '{key}' is required")
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise self.fail(f"{where}: '{key}' must be text")
        return value

    def flag(self, d: dict[str, Any], key: str) -> bool:
        value = d.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"requirement {d.get('key')}: '{key}' must be true or false")
        return value

    def integer(self, d: dict[str, Any], key: str) -> int | None:
        value = d.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"'{key}' must be a whole number")
        return value


    def optional(self, d: dict[str, Any], key: str, where: str) -> str | None:
        value = d.get(key)
        return None if value is None else self.text(d, key, where)


def spec_from_dict(data: Any, source: str, lines: dict[int, int] | None = None) -> UnitSpec:
    """Validate and convert the dict form; errors name the file and the offending entry (and its
    line when `lines` maps the mappings read from YAML to their lines)."""
    ck = _Checker(source, lines)
    d = ck.mapping(data, "top level")
    if d.get("format", FORMAT) != FORMAT:
        raise ck.fail(f"unknown format {d.get('format')!r} (expected {FORMAT})")
    outcomes: list[OutcomeSpec] = []
    seen: set[str] = set()
    for i, raw in enumerate(ck.items(d.get("learning_outcomes"), "learning_outcomes"), start=1):
        o = ck.mapping(raw, f"learning outcome #{i}")
        number = ck.text(o, "number", f"learning outcome #{i}", required=True)
        criteria = []
        for j, rc in enumerate(ck.items(o.get("criteria"), f"outcome {number} criteria"), start=1):
            c = ck.mapping(rc, f"outcome {number} criterion #{j}")
            cnum = ck.text(c, "number", f"outcome {number} criterion #{j}", required=True)
            if cnum in seen:
                raise ck.fail(f"duplicated criterion number {cnum}")
            seen.add(cnum)
            criteria.append(CriterionSpec(cnum, ck.text(c, "text", f"criterion {cnum}", True)))
        notes = []
        for j, rn in enumerate(ck.items(o.get("guidance"), f"outcome {number} guidance"), start=1):
            n = ck.mapping(rn, f"outcome {number} guidance #{j}")
            kind = ck.text(n, "kind", f"outcome {number} guidance #{j}", required=True)
            if kind not in NOTE_KINDS:
                raise ck.fail(f"outcome {number} guidance #{j}: unknown kind {kind!r}")
            where = f"outcome {number} guidance #{j}"
            items = [ck.text({"item": x}, "item", where) for x in ck.items(n.get("items"), where)]
            notes.append(NoteSpec(kind, ck.text(n, "heading", where), ck.text(n, "body", where),
                                  items, ck.text(n, "awarding_body", where),
                                  ck.optional(n, "criterion", where) or None))
        outcomes.append(OutcomeSpec(number, ck.text(o, "text", f"outcome {number}"), criteria, notes))
    if not seen:
        raise ck.fail("no assessment criteria")
    reqs = [
        RequirementSpec(ck.text(r, "key", "requirement", True), ck.text(r, "text", "requirement"),
                        ck.text(r, "awarding_body", "requirement"), ck.flag(r, "group"))
        for r in (ck.mapping(x, "evidence requirement")
                  for x in ck.items(d.get("evidence_requirements"), "evidence_requirements"))
    ]
    _check_groups(ck, reqs)
    pubs = [
        PublicationSpec(ck.optional(p, "awarding_body", "publication"),
                        ck.optional(p, "unit_number", "publication"),
                        ck.optional(p, "sector_unit_number", "publication"),
                        ck.text(p, "source", "publication"),
                        ck.text(p, "source_sha256", "publication"))
        for p in (ck.mapping(x, "publication")
                  for x in ck.items(d.get("publications"), "publications"))
    ]
    edits = [Edit.from_dict(ck.mapping(e, "review edit"), source)
             for e in ck.items(d.get("review_edits"), "review_edits")]
    return UnitSpec(
        edits=edits,
        reference=ck.optional(d, "reference", "reference"),
        title=ck.optional(d, "title", "title"),
        level=ck.integer(d, "level"),
        credit_value=ck.integer(d, "credit_value"),
        glh=ck.integer(d, "glh"),
        aim=ck.text(d, "aim", "aim"),
        assessment=ck.text(d, "assessment", "assessment"),
        guidance_on_assessment=ck.text(d, "guidance_on_assessment", "guidance_on_assessment"),
        evidence_requirements_text=ck.text(d, "evidence_requirements_text", "evidence text"),
        texts_from=ck.text(d, "texts_from", "texts_from"),
        outcomes=outcomes,
        requirements=reqs,
        publications=pubs,
    )


def _check_groups(ck: _Checker, reqs: list[RequirementSpec]) -> None:
    """A group is a heading for the lettered items right after it; one without any would leave
    a requirement nobody can tick."""
    parents = group_keys((r.key, r.is_group) for r in reqs)
    for r in reqs:
        if r.is_group and r.key not in parents:
            raise ck.fail(f"requirement {r.key} is marked 'group: true' but no lettered items "
                          f"({r.key}a, {r.key}b …) follow it")


def load_yaml(path: Path) -> UnitSpec:
    data = read_bounded(path, MAX_YAML_BYTES, "the structured file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SpecError(str(path), "not UTF-8 text (invalid byte "
                        f"0x{data[exc.start]:02x})", line) from exc
    if not text.strip():
        raise SpecError(str(path), "file is empty", 1)
    value, lines = load_bounded_yaml(text, str(path))
    return spec_from_dict(value, str(path), lines)


__all__ = ["FORMAT", "STRUCTURED_SUFFIXES", "dump_yaml", "load_yaml", "note_dict",
           "spec_from_dict", "spec_to_dict"]
