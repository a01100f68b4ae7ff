"""ERS sections an external quality assurer looks for first: the header (centre and number,
assessor and ID, learner and ULN, qualification and unit), the overall statement, the IQA block
left for the internal quality assurer's hand, and photo thumbnails for the appendix.

Older signed snapshots lack some header fields; they print as "—" (never invented).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table, TableStyle

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")
THUMB_W, THUMB_H = 55 * mm, 42 * mm
DASH = "—"

ImageLoader = Callable[[str], bytes | None]  # sha256 -> the attachment's bytes, if on this laptop


class Styles(Protocol):
    cell: ParagraphStyle
    head: ParagraphStyle
    small: ParagraphStyle
    h2: ParagraphStyle


class Writer(Protocol):
    s: Styles

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph: ...


def d(iso: str | date | None) -> str:
    """`12 Nov 2025` from an ISO date (blank for none)."""
    if not iso:
        return ""
    value = date.fromisoformat(iso) if isinstance(iso, str) else iso
    return f"{value.day} {value:%b %Y}"


def _joined(name: str, number: str, label: str) -> str:
    name, number = name.strip(), number.strip()
    if name and number:
        return f"{name} ({label} {number})"
    return name or (f"{label} {number}" if number else DASH)


def header_pairs(c: dict[str, Any], assessor_signer: str = "") -> list[tuple[str, str, str, str]]:
    """Rows of (label, value, label, value) for the header grid. `assessor_signer` (the name the
    assessor signed with) names the assessor when no profile was set up when it was signed, so
    the header never says "—" above an assessor's signature."""
    u, lr = c["unit"], c["learner"]
    centre = c.get("centre", {})
    assessor = c.get("assessor", {})
    qual = c.get("qualification", {})
    bodies = "; ".join(
        f"{p['awarding_body']}" + (f" unit {p['unit_number']}" if p["unit_number"] else "")
        for p in u["publications"]) or DASH
    return [
        ("Centre", centre.get("name", "") or DASH, "Centre number",
         centre.get("number", "") or DASH),
        ("Assessor", assessor.get("name", "") or assessor_signer or DASH, "Assessor ID",
         assessor.get("id", "") or DASH),
        ("Learner", f"{lr['name']} ({lr['registration']})", "ULN", lr.get("uln", "") or DASH),
        ("Employer", lr["employer"] or DASH, "Line manager", lr["line_manager"] or DASH),
        ("Qualification", qual.get("title", "") or DASH, "Qualification number",
         qual.get("number", "") or DASH),
        ("Unit title", u["title"], "Unit reference", u["reference"]),
        ("Level", str(u["level"] or DASH), "Credit value",
         str(u["credit"] if u["credit"] is not None else DASH)),
        ("Awarding body, unit no.", bodies, "Specification version",
         f"v{u['version']} ({u['version_hash'][:8]})"),
    ]


def overall_statement(c: dict[str, Any], assessor_signed_on: date | None) -> str:
    """One sentence saying where the unit stands: achieved (and when), partial (and why), or
    not yet achieved (and what is missing)."""
    criteria = [cr for o in c["outcomes"] for cr in o["criteria"]]
    unmet = [cr["number"] for cr in criteria if cr["judgement"] != "met"]
    unticked = [r["key"] for r in c["requirements"] if not r["ticked"] and not r.get("group")]
    partial = c.get("partial")
    if partial:
        return (f"Partial record, unit not achieved: {partial['reason']}. "
                f"{len(criteria) - len(unmet)} of {len(criteria)} criteria met"
                + (f"; not met: {', '.join(unmet)}" if unmet else "")
                + (f"; evidence requirements not ticked: {', '.join(unticked)}"
                   if unticked else "") + ".")
    if not unmet and not unticked:
        if assessor_signed_on is not None:
            return f"All criteria met; unit achieved on {d(assessor_signed_on)}."
        last = max((cr["met_on"] for cr in criteria if cr["met_on"]), default=None)
        return ("All criteria met" + (f" (the last on {d(last)})" if last else "")
                + "; the unit is achieved when the assessor signs.")
    missing = []
    if unmet:
        missing.append(f"criteria not yet met: {', '.join(unmet)}")
    if unticked:
        missing.append(f"evidence requirements not ticked: {', '.join(unticked)}")
    return (f"Unit not yet achieved: {len(criteria) - len(unmet)} of {len(criteria)} criteria "
            f"met; {'; '.join(missing)}.")


def statement_block(w: Writer, text: str, width: float) -> Flowable:
    t = Table([[w.p("Overall statement", w.s.head)], [w.p(text, w.s.cell)]], colWidths=[width])
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black),
                           ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                           ("TOPPADDING", (0, 0), (-1, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return KeepTogether([t, Spacer(1, 6)])


IQA_HEADING = "Internal quality assurance (IQA)"
IQA_NOTE = ("For the centre's internal quality assurer: complete by hand, or sign electronically "
            "later. Leave blank if this sheet was not sampled.")


def iqa_block(w: Writer, width: float) -> Flowable:
    """Blank lines for the IQA's name, date, whether the decision was sampled, and a comment."""
    line = "_" * 40
    rows = [
        [w.p("IQA name", w.s.head), w.p(line, w.s.cell), w.p("Date", w.s.head),
         w.p("____ / ____ / ________", w.s.cell)],
        [w.p("Sampled", w.s.head), w.p("☐ Yes, sampled or ☐ No, not sampled", w.s.cell),
         w.p("Signature", w.s.head), ""],
        [w.p("Comments", w.s.head), "", "", ""],
    ]
    t = Table(rows, colWidths=[24 * mm, width - 24 * mm - 22 * mm - 45 * mm, 22 * mm, 45 * mm],
              rowHeights=[10 * mm, 14 * mm, 22 * mm])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                           ("SPAN", (1, 2), (3, 2)),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([w.p(IQA_HEADING, w.s.h2), w.p(IQA_NOTE, w.s.small), Spacer(1, 3), t,
                         Spacer(1, 6)])


def is_image(filename: str) -> bool:
    return filename.lower().endswith(IMAGE_SUFFIXES)


def thumbnail(data: bytes) -> Flowable | None:
    """The image scaled to fit the thumbnail box (aspect kept), or None if it cannot be read."""
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(io.BytesIO(data))
        iw, ih = reader.getSize()
    except Exception:  # noqa: BLE001 - a damaged photo must not stop the sheet being printed
        return None
    if not iw or not ih:
        return None
    scale = min(THUMB_W / iw, THUMB_H / ih)
    return Image(io.BytesIO(data), width=iw * scale, height=ih * scale, kind="direct",
                 hAlign="LEFT")


def thumbnails(w: Writer, attachments: list[dict[str, Any]], load: ImageLoader | None,
               width: float) -> list[Flowable]:
    """Photos as a grid of captioned thumbnails; other files (and photos not on this laptop) as
    a line with their name and hash."""
    cells: list[Any] = []
    out: list[Flowable] = []
    for a in attachments:
        data = load(a["sha256"]) if (load and is_image(a["filename"])) else None
        image = thumbnail(data) if data else None
        caption = f"{a['filename']} (SHA-256 {a['sha256'][:12]}…)"
        if image is None:
            out.append(w.p(f"Attachment: {caption}", w.s.small))
            continue
        cells.append([image, w.p(caption, w.s.small)])  # a cell may hold a list of flowables
    if cells:
        per_row = max(1, int(width // (THUMB_W + 4 * mm)))
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        rows[-1] += [""] * (per_row - len(rows[-1]))
        grid = Table(rows, colWidths=[width / per_row] * per_row, hAlign="LEFT")
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        out.insert(0, grid)
    return out


def evidence_title(e: dict[str, Any], kind_label: str) -> str:
    """A title for the evidence index even when the assessor gave none."""
    if e.get("title"):
        return str(e["title"])
    text = e.get("text", "").strip()
    if text:
        line = text.splitlines()[0]
        return line if len(line) <= 80 else line[:79] + "…"
    questions = [q["question"] for q in e.get("qa", []) if q["question"].strip()]
    if questions:
        n = len(e["qa"])
        return f"{kind_label}: {n} question{'s' if n != 1 else ''} ({questions[0][:60]})"
    witness = e.get("witness") or {}
    if witness.get("name"):
        return f"{kind_label} from {witness['name']}"
    return kind_label
