"""ReportLab PDFs in the awarding bodies' layouts, built from parsed unit specs, for the PDF
import tests: OCR's LO | AC (| side column) table that runs over pages with its heading row
repeated, City & Guilds' unit pages with Range blocks, and a City & Guilds-style handbook."""

from __future__ import annotations

import copy
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from assessor_app.specs.model import NoteSpec, UnitSpec
from assessor_app.specs.parser import parse_file

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "specs" / "sources"
FIXTURES = Path(__file__).with_name("fixtures")
# The seed texts and the real unit texts under tests/: what the test PDFs are built from.
TEXTS = (sorted(SOURCES.glob("*.txt")) + sorted(FIXTURES.glob("*.txt"))
         + sorted(p for p in (FIXTURES / "real").glob("*.txt")
                  if not p.name.endswith(".source.txt")))

_STYLES = getSampleStyleSheet()
BODY = _STYLES["BodyText"]
H1 = _STYLES["Heading1"]
H3 = _STYLES["Heading3"]


def _p(text: str, style=BODY) -> Paragraph:
    return Paragraph(escape(text), style)


def _furniture(header: str, footer: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, header)
        canvas.drawString(20 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()
    return draw


def _note_flowables(note: NoteSpec) -> list[Flowable]:
    out: list[Flowable] = []
    if note.heading:
        out.append(_p(note.heading + ":"))
    if note.body:
        out.append(_p(note.body))
    out += [_p("\u2022 " + item) for item in note.items]
    return out


def ocr_flowables(spec: UnitSpec, unit_number: str = "52",
                  side_heading: str = "Teaching content") -> list[Flowable]:
    story: list[Flowable] = [
        _p(f"Unit title: {spec.title}", H3),
        _p(f"OCR unit number: {unit_number}"),
        _p(f"Unit reference number: {spec.reference}"),
        _p(f"Level: {spec.level}"),
        _p(f"Credit value: {spec.credit_value}"),
        _p(f"Guided learning hours: {spec.glh}"),
        Spacer(1, 4 * mm),
    ]
    if spec.aim:
        story += [_p("Unit aim", H3), _p(spec.aim)]
    side = any(o.notes for o in spec.outcomes)
    rows: list[list] = [[_p("Learning Outcomes"), _p("Assessment Criteria")]
                        + ([_p(side_heading)] if side else [])]
    for out in spec.outcomes:
        for k, crit in enumerate(out.criteria):
            row = [_p(f"{out.number} {out.text}") if k == 0 else "",
                   _p(f"{crit.number} {crit.text}")]
            if side:
                row.append([f for n in out.notes for f in _note_flowables(n)] if k == 0 else "")
            rows.append(row)
    widths = [45 * mm, 65 * mm, 60 * mm] if side else [60 * mm, 110 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 4 * mm), table]
    if spec.assessment:
        story += [_p("Assessment", H3), _p(spec.assessment)]
    return story


def cg_flowables(spec: UnitSpec, unit_number: str = "238") -> list[Flowable]:
    story: list[Flowable] = [
        _p(f"Unit {unit_number} {spec.title}", H1),
        _p(f"UAN: {spec.reference}"),
        _p(f"Level: {spec.level}"),
        _p(f"Credit value: {spec.credit_value}"),
        _p(f"GLH: {spec.glh}"),
    ]
    if spec.aim:
        story.append(_p(f"Aim: {spec.aim}"))
    for out in spec.outcomes:
        story += [_p("Learning outcome", H3), _p("The learner will:"),
                  _p(f"{out.number}. {out.text}"), _p("Assessment criteria", H3),
                  _p("The learner can:")]
        story += [_p(f"{c.number} {c.text}") for c in out.criteria]
        if out.notes:
            story.append(_p("Range", H3))
            for note in out.notes:
                story += _note_flowables(note)
    return story


def build_ocr_pdf(spec: UnitSpec, path: Path, unit_number: str = "52") -> Path:
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm)
    draw = _furniture("OCR Level 2 NVQ Certificate in Customer Service", "\u00a9 OCR 2012")
    doc.build(ocr_flowables(spec, unit_number), onFirstPage=draw, onLaterPages=draw)
    return path


def build_cg_pdf(spec: UnitSpec, path: Path, unit_number: str = "238") -> Path:
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm)
    running = _furniture(f"Unit {unit_number} {spec.title}",
                         "City & Guilds Level 2 NVQ Certificate in Customer Service (7000-02)")
    doc.build(cg_flowables(spec, unit_number), onLaterPages=running,
              onFirstPage=_furniture("", "City & Guilds Level 2 NVQ Certificate in Customer "
                                         "Service (7000-02)"))
    return path


def build_handbook(units: list[tuple[str, UnitSpec]], path: Path) -> Path:
    """Cover, contents pages, an introduction, one unit per page run, two appendices."""
    story: list[Flowable] = [_p("Level 2 NVQ Certificate in Customer Service (7000-02)", H1),
                             _p("Qualification handbook for centres"), PageBreak(),
                             _p("Contents", H1)]
    story += [_p(f"Unit {number} {spec.title} .......... {10 + 3 * k}")
              for k, (number, spec) in enumerate(units)]
    story += [PageBreak(), _p("1 Introduction", H1),
              _p("This document contains the information that centres need to offer the "
                 "qualification. Units 201 to 299 are optional; see the rules of combination."),
              PageBreak()]
    for number, spec in units:
        story += cg_flowables(spec, number) + [PageBreak()]
    story += [_p("Appendix 1 Sources of general information", H1),
              _p("The following documents contain essential information for centres delivering "
                 "City & Guilds qualifications."), PageBreak(),
              _p("Appendix 2 Useful contacts", H1), _p("Learner enquiries: 0844 543 0033")]
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm)
    draw = _furniture("Level 2 NVQ Certificate in Customer Service (7000-02)",
                      "City & Guilds \u00a9 2012")
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return path


def spec_for_pdf(path: Path) -> UnitSpec:
    """A text's parsed unit, with the title and reference a PDF from the awarding body always
    states (some real texts state neither)."""
    spec = parse_file(path)
    spec.title = spec.title or f"Workplace unit {path.stem[:12]}"
    spec.reference = spec.reference or "A/100/1000"
    return spec


def handbook_units(count: int) -> list[tuple[str, UnitSpec]]:
    """`count` units for a handbook, cycling through the texts, each with its own unit number
    (201, 202, ...) and reference."""
    specs = [spec_for_pdf(p) for p in TEXTS[:count]]
    units = []
    for k in range(count):
        spec = copy.deepcopy(specs[k % len(specs)])
        spec.reference = f"B/{200 + k}/{3000 + k}"
        units.append((str(201 + k), spec))
    return units
