"""Minutes as PDF (fpdf2): the Markdown headings and lists laid out plainly.

Uses DejaVu Sans when the system has it (full Unicode); otherwise the PDF core font with
characters outside Latin-1 replaced, so a missing font never breaks the download."""
from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_EMPHASIS = re.compile(r"(\*\*|\*|__|`)")


def minutes_pdf(title: str, markdown: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(title)
    regular, bold = _FONT_DIR / "DejaVuSans.ttf", _FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        family, clean = "DejaVu", (lambda s: s)
    else:
        family = "Helvetica"

        def clean(s: str) -> str:
            s = s.replace("\u2014", "-").replace("\u2013", "-").replace("\u2026", "...")
            return s.encode("latin-1", "replace").decode("latin-1")
    pdf.add_page()
    sizes = {"# ": 16, "## ": 13, "### ": 11}
    for raw in markdown.splitlines():
        line = _EMPHASIS.sub("", raw.rstrip())
        heading = next((p for p in sizes if line.startswith(p)), None)
        if heading:
            pdf.ln(2)
            pdf.set_font(family, "B", sizes[heading])
            pdf.multi_cell(0, 7, clean(line[len(heading):]), new_x="LMARGIN", new_y="NEXT")
        elif not line.strip():
            pdf.ln(3)
        else:
            pdf.set_font(family, "", 10)
            text = "\u2022 " + line[2:] if line.startswith("- ") and family == "DejaVu" else line
            pdf.multi_cell(0, 5.5, clean(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
