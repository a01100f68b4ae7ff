"""Importing unit specs (source texts or structured files) into the store.

* All paths are parsed before the database is touched; everything is then written in ONE
  transaction, so one bad file means nothing is imported.
* Units are keyed by reference number; each awarding body's publication keeps the SHA-256 of the
  last text imported from it, and importing the same text again is a no-op.
* Otherwise the text is merged into the latest version's content (`merge.merge_spec`) and, when the
  merged content hash differs, a new `UnitVersion` (number + 1) is created with fresh rows. Rows
  of an existing version are never changed, so evidence recorded against it stays valid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from assessor_app.specs.errors import SpecError
from assessor_app.specs.header import REFERENCE_PATTERN, normalise_reference
from assessor_app.specs.merge import merge_spec
from assessor_app.specs.model import UnitSpec
from assessor_app.specs.parser import parse_file
from assessor_app.specs.structured import (
    STRUCTURED_SUFFIXES,
    load_yaml,
    spec_from_dict,
    spec_to_dict,
)
from assessor_app.specs.validate import validate_spec
from assessor_app.specs.versions import latest_version
from assessor_app.store import Store
from assessor_app.store.models import (
    Criterion,
    EvidenceRequirement,
    GuidanceNote,
    LearningOutcome,
    Publication,
    Unit,
    UnitVersion,
)
from assessor_app.store.models._common import utcnow

if TYPE_CHECKING:
    from assessor_app.specs.pdf_units import Progress as PdfProgress

CREATED = "created"
NEW_VERSION = "new version"
UNCHANGED = "unchanged"
PUBLICATION_UPDATED = "publication updated"


@dataclass
class LoadedSpec:
    source: str  # path as given, for messages
    spec: UnitSpec
    structured: bool = False  # from a YAML file: may be hand-edited, so compare content not hashes


@dataclass
class ImportResult:
    source: str
    reference: str
    action: str  # CREATED | NEW_VERSION | UNCHANGED | PUBLICATION_UPDATED
    version: int
    awarding_bodies: list[str] = field(default_factory=list)

    def describe(self) -> str:
        bodies = ", ".join(self.awarding_bodies)
        return f"{self.source}: {self.reference} ({bodies}) {self.action}, version {self.version}"


def load_path(path: Path, reference: str | None = None) -> LoadedSpec:
    """Parse a source text or read a structured file. `reference` fills a missing reference."""
    if not path.is_file():
        raise SpecError(str(path), "no such file")
    structured = path.suffix.lower() in STRUCTURED_SUFFIXES
    spec = load_yaml(path) if structured else parse_file(path)
    return prepare(spec, str(path), reference, structured)


def prepare(spec: UnitSpec, source: str, reference: str | None = None,
            structured: bool = False) -> LoadedSpec:
    """Fill a missing reference from `reference` and validate: the one gate for dry runs and
    imports alike."""
    if reference and not spec.reference:
        if not re.fullmatch(REFERENCE_PATTERN, reference.strip().upper()):
            raise SpecError(source, f"--reference {reference!r} is not a unit reference like "
                            "K/503/8194")
        spec.reference = normalise_reference(reference)
    validate_spec(spec, source)
    return LoadedSpec(source, spec, structured)


def load_pdf(path: Path, reference: str | None = None,
             progress: PdfProgress | None = None) -> list[LoadedSpec]:
    """Every unit of a unit PDF or handbook, validated; the first unit that cannot be read
    stops the load with its error (naming the file, the unit and its pages)."""
    from assessor_app.specs.pdf_units import read_pdf_units  # pdfium only to read a PDF

    units = read_pdf_units(path, progress)
    loaded = []
    for unit in units:
        if unit.error is not None:
            raise unit.error
        assert unit.spec is not None
        loaded.append(prepare(unit.spec, unit.source, reference if len(units) == 1 else None))
    return loaded


def load_paths(paths: list[Path], reference: str | None = None) -> list[LoadedSpec]:
    loaded: list[LoadedSpec] = []
    for path in paths:
        if path.suffix.lower() == ".pdf":
            if not path.is_file():
                raise SpecError(str(path), "no such file")
            loaded.extend(load_pdf(path, reference))
        else:
            loaded.append(load_path(path, reference))
    return loaded


class FindingsNeedReview(SpecError):
    """The parser inferred parts of a text; importing it needs an explicit accept."""

    def __init__(self, item: LoadedSpec) -> None:
        first = item.spec.findings[0]
        count = len(item.spec.findings)
        super().__init__(item.source, f"{first.message} ({count} finding{'s' if count > 1 else ''}"
                         "; check them and import with --accept-findings)", first.line)
        self.item = item


def check_findings(loaded: list[LoadedSpec], accept_findings: bool) -> None:
    if accept_findings:
        return
    for item in loaded:
        if item.spec.findings:
            raise FindingsNeedReview(item)


def import_paths(store: Store, paths: list[Path], reference: str | None = None,
                 accept_findings: bool = False) -> list[ImportResult]:
    """Parse every path, then import them all in one transaction (all or nothing). A text the
    parser had to infer parts of is refused unless `accept_findings`."""
    return import_all(store, load_paths(paths, reference), accept_findings)


def import_all(store: Store, loaded: list[LoadedSpec],
               accept_findings: bool = False) -> list[ImportResult]:
    """Import already-loaded specs in one transaction, refusing unaccepted findings first."""
    check_findings(loaded, accept_findings)
    with store.session() as session:
        return import_loaded(session, loaded)


def import_loaded(session: Session, loaded: list[LoadedSpec]) -> list[ImportResult]:
    """Import already-parsed specs inside the caller's transaction."""
    results = []
    for item in loaded:
        results.append(_import_one(session, item))
        session.flush()
    return results


def version_spec(version: UnitVersion) -> UnitSpec:
    return spec_from_dict(json.loads(version.structured_json), f"unit version {version.id}")


def _import_one(session: Session, item: LoadedSpec) -> ImportResult:
    spec = item.spec
    validate_spec(spec, item.source)
    assert spec.reference is not None
    bodies = [p.awarding_body or "" for p in spec.publications]
    unit = session.exec(select(Unit).where(Unit.reference == spec.reference)).first()
    if unit is None:
        unit = Unit(reference=spec.reference)
        session.add(unit)
        session.flush()
    assert unit.id is not None
    pubs = {p.awarding_body: p for p in session.exec(
        select(Publication).where(Publication.unit_id == unit.id).order_by(col(Publication.id)))}
    latest = latest_version(session, unit.id)
    if latest is not None and not item.structured and all(
        p.source_sha256 and p.awarding_body in pubs
        and pubs[p.awarding_body].source_hash == p.source_sha256 for p in spec.publications
    ):
        return ImportResult(item.source, spec.reference, UNCHANGED, latest.number, bodies)
    existing = None
    if latest is not None:
        existing = version_spec(latest)
        existing.reference = spec.reference
    sources = ", ".join(p.source_name or p.awarding_body for p in pubs.values()) or "the database"
    merged = merge_spec(existing, spec, sources, item.source)
    merged.edits = list(spec.edits)  # this import's review edits, not an earlier version's
    pubs_changed = False
    for pub in spec.publications:
        row = pubs.get(pub.awarding_body)
        if row is None:
            row = Publication(unit_id=unit.id, awarding_body=pub.awarding_body or "")
        elif (row.unit_number, row.source_name, row.source_hash) == (
                pub.unit_number, pub.source, pub.source_sha256):
            continue
        pubs_changed = True
        row.unit_number = pub.unit_number
        row.source_name = pub.source
        row.source_hash = pub.source_sha256
        row.updated_at = utcnow()
        session.add(row)
    digest = merged.content_hash()
    if latest is not None and latest.content_hash == digest:
        action = PUBLICATION_UPDATED if pubs_changed else UNCHANGED
        return ImportResult(item.source, spec.reference, action, latest.number, bodies)
    number = 1 if latest is None else latest.number + 1
    _write_version(session, unit.id, number, digest, merged)
    return ImportResult(item.source, spec.reference, CREATED if latest is None else NEW_VERSION,
                        number, bodies)


def _write_version(session: Session, unit_id: int, number: int, digest: str, spec: UnitSpec) -> None:
    version = UnitVersion(
        unit_id=unit_id, number=number, content_hash=digest, title=spec.title or "",
        level=spec.level, credit_value=spec.credit_value, glh=spec.glh, aim=spec.aim,
        assessment=spec.assessment, evidence_requirements_text=spec.evidence_requirements_text,
        structured_json=json.dumps(spec_to_dict(spec), ensure_ascii=False, sort_keys=True),
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    position = 0
    for o_pos, out in enumerate(spec.outcomes):
        lo = LearningOutcome(version_id=version.id, number=out.number, text=out.text, position=o_pos)
        session.add(lo)
        session.flush()
        assert lo.id is not None
        crit_ids: dict[str, int] = {}
        for crit in out.criteria:
            row = Criterion(version_id=version.id, outcome_id=lo.id, number=crit.number,
                            text=crit.text, position=position)
            position += 1
            session.add(row)
            session.flush()
            assert row.id is not None
            crit_ids[crit.number] = row.id
        for n_pos, note in enumerate(out.notes):
            session.add(GuidanceNote(
                version_id=version.id, outcome_id=lo.id,
                criterion_id=crit_ids.get(note.criterion) if note.criterion else None,
                kind=note.kind, heading=note.heading, body=note.body,
                items_json=json.dumps(note.items, ensure_ascii=False),
                awarding_body=note.awarding_body, position=n_pos,
            ))
    for r_pos, req in enumerate(spec.requirements):
        session.add(EvidenceRequirement(version_id=version.id, key=req.key, text=req.text,
                                        position=r_pos, is_group=req.is_group))
