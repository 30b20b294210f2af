"""The evaluation report as CSV, XLSX (openpyxl) and PDF (fpdf2), in the reader's language."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from collab.reports.services import EvaluationRow

GAP_LABELS = {
    "no_programme": _l("no programme carries this item"),
    "not_realised": _l("not realised yet"),
    "no_realisation_note": _l("realisation has no evidence note"),
    "milestone_without_evidence": _l("a done milestone has no evidence"),
    "no_evidence": _l("no evidence recorded"),
}


def header() -> list[str]:
    return [_("Dimension"), _("Year"), _("Masterplan item"), _("Programmes"), _("Progress (%)"),
            _("Realised on"), _("Evidence"), _("Missing")]


def table(rows: list[EvaluationRow]) -> list[list]:
    return [[str(r.item.dimension.label), r.item.year, r.item.title, "; ".join(p.name for p in r.programmes),
             r.progress if r.progress is not None else "",
             r.item.realised_on.isoformat() if r.item.realised_on else "",
             " | ".join(r.evidence), "; ".join(str(GAP_LABELS[g]) for g in r.missing)] for r in rows]


def to_csv(rows: list[EvaluationRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    writer.writerows(table(rows))
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8


def to_xlsx(rows: list[EvaluationRow], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Evaluation")[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(header())
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in table(rows):
        ws.append(row)
    for column, width in zip("ABCDEFGH", (20, 8, 40, 40, 12, 14, 60, 50), strict=True):
        ws.column_dimensions[column].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _latin1(text) -> str:
    """The PDF core fonts speak Latin-1; other characters become close equivalents."""
    text = str(text).replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'").replace("\u00a0", " ")
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(rows: list[EvaluationRow], title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_compression(False)  # plain text streams: the report stays searchable by simple tools
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    labels = header()
    for row in table(rows):
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 6, _latin1(f"{row[0]} {row[1]}: {row[2]}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        for label, value in zip(labels[3:], row[3:], strict=True):
            pdf.multi_cell(0, 5, _latin1(f"{label}: {value if value != '' else '-'}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
