"""The Evidence Record Sheet as an A4 PDF (ReportLab platypus), readable in black and white.

`render_ers(view) -> bytes`: header block, a table per learning outcome (criterion | evidence |
judgement and date met), the evidence-requirement checklist, an evidence index and appendix
(narratives, questioning transcripts, witness details), declarations with the three signatures
drawn as vectors, and the full content hash. Every page carries the unit reference, the short
content hash and "Page X of Y"; partial, draft and void sheets say so on every page.

Table rows never split across pages (`splitInRow=0`, header rows repeat); long narratives are
paragraphs, so they flow.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from assessor_app.ers.blocks import (
    ImageLoader,
    evidence_title,
    header_pairs,
    iqa_block,
    overall_statement,
    statement_block,
    thumbnails,
)
from assessor_app.ers.blocks import d as _d
from assessor_app.ers.fonts import FontSet, ers_fonts
from assessor_app.ers.view import DRAFT, ErsView, SignatureView
from assessor_app.signoff.rules import ROLE_LABEL, ROLES
from assessor_app.signoff.strokes import parse_strokes
from assessor_app.specs.requirements import group_keys
from assessor_app.store.models import EvidenceKind

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
FRAME_W = PAGE_W - 2 * MARGIN
GRID = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)
WATERMARK = colors.Color(0.86, 0.86, 0.86)

PARTIAL_MARK = "PARTIAL — NOT A COMPLETION CLAIM"
VOID_MARK = "SUPERSEDED / VOID"
DRAFT_MARK = "DRAFT — NOT SIGNED"
UNFINISHED_MARK = "SIGN-OFF NOT FINISHED"


class _Styles:
    def __init__(self, fonts: FontSet) -> None:
        f, b = fonts.regular, fonts.bold
        self.body = ParagraphStyle("body", fontName=f, fontSize=9, leading=11.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=b)
        # an item under a group heading ("4a" under "4 … with:")
        self.cell_item = ParagraphStyle("celli", parent=self.cell, leftIndent=4 * mm)
        self.cell_bold_item = ParagraphStyle("cellbi", parent=self.cell_bold, leftIndent=2 * mm)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=b, fontSize=8)
        self.title = ParagraphStyle("title", parent=self.body, fontName=b, fontSize=16,
                                    leading=20, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", parent=self.body, fontName=b, fontSize=11, leading=14,
                                 spaceBefore=8, spaceAfter=4)
        self.h3 = ParagraphStyle("h3", parent=self.body, fontName=b, fontSize=9.5, leading=12,
                                 spaceBefore=6, spaceAfter=2)
        self.banner = ParagraphStyle("banner", parent=self.body, fontName=b, fontSize=12,
                                     leading=15, alignment=TA_CENTER)


class _Builder:
    """Turns an `ErsView` into flowables."""

    def __init__(self, view: ErsView, fonts: FontSet, images: ImageLoader | None = None) -> None:
        self.view = view
        self.images = images
        self.c = view.content
        self.fonts = fonts
        self.s = _Styles(fonts)
        self.ev_by_ref = {e["ref"]: e for e in self.c["evidence"]}

    # -- helpers ---------------------------------------------------------------------------
    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        safe = escape(self.fonts.text(text)).replace("\n", "<br/>")
        return Paragraph(safe, style or self.s.body)

    def p_markup(self, markup: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(self.fonts.text(markup), style or self.s.body)

    def grid_table(self, rows: list[list[Any]], widths: list[float], *,
                   header: bool = True) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=0,
                  hAlign="LEFT")
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
        t.setStyle(TableStyle(style))
        return t

    # -- sections --------------------------------------------------------------------------
    def banners(self) -> list[Flowable]:
        out: list[Flowable] = []
        v = self.view
        if v.status == "void":
            when = f" on {_d(v.voided_at.date())}" if v.voided_at else ""
            out.append(self.box([self.p(VOID_MARK, self.s.banner),
                                 self.p(f"This sign-off was voided{when}: {v.void_reason}. "
                                        "It is kept for audit; a later sign-off replaces it.",
                                        self.s.cell)]))
        elif v.status == DRAFT:
            out.append(self.box([self.p(DRAFT_MARK, self.s.banner),
                                 self.p("A preview of the current record. It carries no "
                                        "signatures and is not an Evidence Record Sheet for "
                                        "submission.", self.s.cell)]))
        elif v.status == "in_progress":
            out.append(self.box([self.p(UNFINISHED_MARK, self.s.banner)]))
        partial = v.partial
        if partial:
            lines = [self.p(PARTIAL_MARK, self.s.banner),
                     self.p(f"Reason recorded by the assessor: {partial['reason']}", self.s.cell)]
            if partial["unmet_criteria"]:
                lines.append(self.p("Criteria not met: " + ", ".join(partial["unmet_criteria"]),
                                    self.s.cell))
            if partial["unticked_requirements"]:
                lines.append(self.p("Evidence requirements not ticked: "
                                    + ", ".join(partial["unticked_requirements"]), self.s.cell))
            out.append(self.box(lines))
        return out

    def box(self, paras: list[Flowable]) -> Flowable:
        t = Table([[x] for x in paras], colWidths=[FRAME_W])
        t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, colors.black),
                               ("LEFTPADDING", (0, 0), (-1, -1), 6),
                               ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return KeepTogether([Spacer(1, 2), t, Spacer(1, 6)])

    def _assessor_signer(self) -> str:
        return next((g.printed_name for g in self.view.signatures if g.role == "assessor"), "")

    def header(self) -> list[Flowable]:
        rows = [[self.p(a, self.s.head), self.p(b, self.s.cell), self.p(c2, self.s.head),
                 self.p(d, self.s.cell)] for a, b, c2, d in header_pairs(self.c, self._assessor_signer())]
        t = Table(rows, colWidths=[28 * mm, 67 * mm, 28 * mm, FRAME_W - 123 * mm],
                  hAlign="LEFT")
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID),
                               ("BACKGROUND", (0, 0), (0, -1), SHADE),
                               ("BACKGROUND", (2, 0), (2, -1), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        assessor = next((s for s in self.view.signatures if s.role == "assessor"), None)
        statement = overall_statement(self.c, assessor.signed_on if assessor else None)
        return [self.p("Evidence Record Sheet", self.s.title), *self.banners(), t,
                Spacer(1, 4), statement_block(self, statement, FRAME_W)]

    def ref_cell(self, refs: list[str]) -> Paragraph:
        parts = []
        for r in refs:
            ev = self.ev_by_ref.get(r)
            when = _d(ev["date"]) if ev else ""
            parts.append(f"<b>{escape(r)}</b> {escape(when)}")
        return self.p_markup("<br/>".join(parts) or "—", self.s.cell)

    def judgement_cell(self, crit: dict[str, Any]) -> Paragraph:
        if crit["judgement"] == "met":
            return self.p_markup(f"<b>✓ Met</b><br/>{escape(_d(crit['met_on']))}", self.s.cell)
        label = "Not yet met" if crit["judgement"] == "not_yet" else "Not assessed"
        return self.p(f"○ {label}", self.s.cell)

    def outcomes(self) -> list[Flowable]:
        out: list[Flowable] = [self.p("Learning outcomes and assessment criteria", self.s.h2)]
        widths = [12 * mm, FRAME_W - 12 * mm - 38 * mm - 26 * mm, 38 * mm, 26 * mm]
        for o in self.c["outcomes"]:
            heading = self.p(f"Learning outcome {o['number']}: {o['text']}", self.s.h3)
            rows: list[list[Any]] = [[self.p("AC", self.s.head),
                                      self.p("Assessment criterion", self.s.head),
                                      self.p("Evidence (ref, date)", self.s.head),
                                      self.p("Judgement", self.s.head)]]
            for cr in o["criteria"]:
                rows.append([self.p(cr["number"], self.s.cell_bold), self.p(cr["text"], self.s.cell),
                             self.ref_cell(cr["evidence"]), self.judgement_cell(cr)])
            table = self.grid_table(rows, widths)
            # keep the outcome heading with at least its header and first criterion
            out.append(CondPageBreak(30 * mm))
            out.extend([heading, table])
        return out

    def requirements(self) -> list[Flowable]:
        reqs = self.c["requirements"]
        if not reqs:
            return []
        rows: list[list[Any]] = [[self.p("Req", self.s.head),
                                  self.p("Evidence requirement", self.s.head),
                                  self.p("Met", self.s.head), self.p("Evidence", self.s.head)]]
        # A group ("4 … with:") is a heading line across the row, its items indented under it;
        # it has no Met box because only its items are ticked.
        parents = group_keys((r["key"], bool(r.get("group"))) for r in reqs)
        heading_rows: list[int] = []
        for r, parent in zip(reqs, parents, strict=True):
            if r.get("group"):
                heading_rows.append(len(rows))
                rows.append([self.p(r["key"], self.s.cell_bold), self.p(r["text"], self.s.cell_bold),
                             "", ""])
                continue
            key_style, text_style = ((self.s.cell_bold_item, self.s.cell_item) if parent
                                     else (self.s.cell_bold, self.s.cell))
            rows.append([self.p(r["key"], key_style), self.p(r["text"], text_style),
                         self.p("✓ Yes" if r["ticked"] else "☐ No", self.s.cell),
                         self.ref_cell(r["evidence"])])
        widths = [12 * mm, FRAME_W - 12 * mm - 16 * mm - 38 * mm, 16 * mm, 38 * mm]
        table = self.grid_table(rows, widths)
        # the heading spans the row and stays on the same page as its first item
        table.setStyle(TableStyle([cmd for i in heading_rows for cmd in (
            ("SPAN", (1, i), (3, i)), ("NOSPLIT", (0, i), (-1, min(i + 1, len(rows) - 1))))]))
        return [CondPageBreak(30 * mm), self.p("Evidence requirements", self.s.h2), table]

    def evidence_index(self) -> list[Flowable]:
        evs = self.c["evidence"]
        rows: list[list[Any]] = [[self.p(h, self.s.head) for h in
                                  ("Ref", "Type", "Date", "Title", "Rev.")]]
        for e in evs:
            rows.append([self.p(e["ref"], self.s.cell_bold),
                         self.p(EvidenceKind.label_of(e["kind"]), self.s.cell),
                         self.p(_d(e["date"]), self.s.cell),
                         self.p(evidence_title(e, EvidenceKind.label_of(e["kind"])),
                                self.s.cell),
                         self.p(str(e["revision"]), self.s.cell)])
        if not evs:
            rows.append([self.p("—", self.s.cell), "", "", self.p("No evidence mapped yet.",
                                                                  self.s.cell), ""])
        widths = [16 * mm, 34 * mm, 22 * mm, FRAME_W - 84 * mm, 12 * mm]
        return [CondPageBreak(30 * mm), self.p("Evidence index", self.s.h2),
                self.grid_table(rows, widths)]

    def appendix(self) -> list[Flowable]:
        out: list[Flowable] = []
        for e in self.c["evidence"]:
            when = _d(e["date"])
            if e.get("start_time"):
                when += f", {e['start_time']}" + (f"–{e['end_time']}" if e.get("end_time") else "")
            title = f" — {e['title']}" if e["title"] else ""
            block: list[Flowable] = [self.p(
                f"{e['ref']} · {EvidenceKind.label_of(e['kind'])} · {when}{title}", self.s.h3)]
            if e["text"].strip():
                block.append(self.p(e["text"]))
            for i, qa in enumerate(e["qa"], start=1):
                sat = {True: "answer satisfactory", False: "answer not satisfactory",
                       None: "not judged"}[qa["satisfied"]]
                block.append(self.p_markup(
                    f"<b>Q{i}.</b> {escape(self.fonts.text(qa['question']))}<br/>"
                    f"<b>A.</b> {escape(self.fonts.text(qa['answer']))}<br/>"
                    f"<i>({sat})</i>", self.s.cell))
                block.append(Spacer(1, 2))
            w = e.get("witness")
            if w:
                parts = [w["name"], w["role"], w["relationship"], w["contact"]]
                block.append(self.p("Witness: " + ", ".join(x for x in parts if x), self.s.cell))
            block.extend(self.range_items(e))
            block.extend(thumbnails(self, e["attachments"], self.images, FRAME_W))
            # keep the heading with the start of its text; long narratives still flow
            out.append(CondPageBreak(25 * mm))
            out.extend(block)
            out.append(Spacer(1, 4))
        if out:
            out.insert(0, self.p("Evidence appendix", self.s.h2))
        return out

    def range_items(self, e: dict[str, Any]) -> list[Flowable]:
        """The range items the assessor recorded this item as covering, grouped by criterion
        and range heading (issue 13)."""
        groups: dict[tuple[str, str], list[str]] = {}
        for r in e.get("range_items", []):
            groups.setdefault((r["where"], r["heading"]), []).append(r["item"])
        return [self.p(f"Range covered ({where}{': ' + heading if heading else ''}): "
                       + ", ".join(items), self.s.cell)
                for (where, heading), items in groups.items()]

    def signatures(self) -> list[Flowable]:
        decl = self.c["declarations"]
        by_role: dict[str, SignatureView] = {s.role: s for s in self.view.signatures}
        blocks: list[Flowable] = [CondPageBreak(70 * mm),
                                  self.p("Declarations and signatures", self.s.h2)]
        for role in ROLES:
            sig = by_role.get(role)
            drawing: Flowable
            if sig is not None:
                drawing = parse_strokes(sig.strokes_json).to_drawing(62 * mm, 20 * mm)
            else:
                drawing = self.p("(not signed)", self.s.small)
            details = [
                self.p_markup(f"<b>{ROLE_LABEL[role]}</b>", self.s.cell),
                self.p(decl[role], self.s.small),
                self.p(f"Name: {sig.printed_name if sig else ''}", self.s.cell),
            ]
            if role == "line_manager":
                details.append(self.p(f"Job title: {sig.job_title if sig else ''}", self.s.cell))
            details.append(self.p(f"Date: {_d(sig.signed_on) if sig else ''}", self.s.cell))
            t = Table([[details, drawing]], colWidths=[FRAME_W - 66 * mm, 66 * mm],
                      rowHeights=[None])
            t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                                   ("LINEBEFORE", (1, 0), (1, 0), 0.5, GRID),
                                   ("VALIGN", (0, 0), (0, 0), "TOP"),
                                   ("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                                   ("ALIGN", (1, 0), (1, 0), "CENTER")]))
            blocks.append(KeepTogether([t, Spacer(1, 5)]))
        return blocks

    def integrity(self) -> list[Flowable]:
        v = self.view
        lines = [f"Content SHA-256: {v.content_hash}"]
        if v.signoff_id is not None:
            lines.append(f"Sign-off {v.signoff_id}, status {v.status.replace('_', ' ')}"
                         + (f", completed {v.completed_at:%d %b %Y %H:%M} UTC"
                            if v.completed_at else ""))
        lines.append("Each signature above is bound to this hash of the record's canonical "
                     "content. The PDF carries the assessor's digital (PAdES) signature and the "
                     "canonical content as an attached file (ers-content.json).")
        return [Spacer(1, 6), *[self.p(x, self.s.small) for x in lines]]

    def story(self) -> list[Flowable]:
        # The three signatures and the hash they are bound to always share one page.
        return [*self.header(), *self.outcomes(), *self.requirements(), *self.evidence_index(),
                *self.appendix(), KeepTogether([*self.signatures(), *self.integrity()]),
                iqa_block(self, FRAME_W)]


def _page_marks(view: ErsView) -> tuple[str, str]:
    """(per-page header mark, diagonal watermark)."""
    marks: list[str] = []
    watermark = ""
    if view.status == "void":
        marks.append(VOID_MARK)
        watermark = "VOID"
    elif view.status == DRAFT:
        marks.append(DRAFT_MARK)
        watermark = "DRAFT"
    elif view.status == "in_progress":
        marks.append(UNFINISHED_MARK)
    if view.partial:
        marks.append(PARTIAL_MARK)
        watermark = watermark or "PARTIAL"
    return "  ·  ".join(marks), watermark


def _watermark_painter(text: str, fonts: FontSet) -> Any:
    """Draws the diagonal mark when a page begins, so the page's content is printed over it."""

    def paint(canvas: Canvas, _doc: Any) -> None:
        if not text:
            return
        canvas.saveState()
        canvas.setFillColor(WATERMARK)
        canvas.setFont(fonts.bold, 90)
        canvas.translate(PAGE_W / 2, PAGE_H / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, -30, text)
        canvas.restoreState()

    return paint


def _numbered_canvas(view: ErsView, fonts: FontSet) -> type[Canvas]:
    """A canvas that holds pages back until the end so each footer can say "Page X of Y"."""
    mark, _ = _page_marks(view)
    footer_left = fonts.text(f"Evidence Record Sheet · Unit {view.unit_reference}")
    footer_mid = f"Content hash {view.content_hash[:16]}"

    stamp = _pdf_date(view)

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            # invariant=1 would date every sheet 1 Jan 2000: give the real date instead
            self.setDateFormatter(lambda *_ymdhms: stamp)

        def showPage(self) -> None:  # noqa: N802 - ReportLab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            page = self._pageNumber
            self.saveState()
            self.setFillColor(colors.black)
            if mark:
                self.setFont(fonts.bold, 9)
                self.drawCentredString(PAGE_W / 2, PAGE_H - 10 * mm, fonts.text(mark))
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.line(MARGIN, 12 * mm, PAGE_W - MARGIN, 12 * mm)
            self.setFont(fonts.regular, 7.5)
            self.drawString(MARGIN, 8 * mm, footer_left)
            self.drawCentredString(PAGE_W / 2, 8 * mm, footer_mid)
            self.drawRightString(PAGE_W - MARGIN, 8 * mm, f"Page {page} of {total}")
            self.restoreState()

    return NumberedCanvas


def _pdf_date(view: ErsView) -> str:
    """The PDF's creation date: when the sign-off was completed (so the same sign-off always
    renders to the same bytes), else when it was voided, else now (a draft)."""
    when = view.completed_at or view.voided_at or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return f"D:{when.astimezone(UTC):%Y%m%d%H%M%S}+00'00'"


def render_ers(view: ErsView, images: ImageLoader | None = None) -> bytes:
    """The ERS as PDF bytes (unsigned; see `ers.pdf_signing.sign_ers_pdf`). `images` returns an
    attachment's bytes by SHA-256, so photos appear as thumbnails in the appendix."""
    fonts = ers_fonts()
    buf = io.BytesIO()
    unit = view.content["unit"]
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=fonts.text(f"Evidence Record Sheet — {unit['reference']} {unit['title']}"),
        subject=f"content-sha256:{view.content_hash}",
        keywords=f"ERS, {unit['reference']}, content-sha256:{view.content_hash}",
        creator="Assessor companion", author=fonts.text(view.content["centre"]["name"]),
        invariant=1,  # no random document ID: same view, same bytes (dates: see _pdf_date)
    )
    paint = _watermark_painter(_page_marks(view)[1], fonts)
    doc.build(_Builder(view, fonts, images).story(), onFirstPage=paint, onLaterPages=paint,
              canvasmaker=_numbered_canvas(view, fonts))
    return buf.getvalue()
