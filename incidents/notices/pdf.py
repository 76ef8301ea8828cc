"""A notice as PDF (fpdf2, pure Python: nothing to install on the host)."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF

# The PDF core fonts are Latin-1; typographic characters are mapped rather than lost.
REPLACEMENTS = {
    "—": "-",
    "–": "-",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "…": "...",
    "→": "->",
    "•": "-",
    "\u00a0": " ",
}


def latin1(text: str) -> str:
    for char, plain in REPLACEMENTS.items():
        text = text.replace(char, plain)
    text = unicodedata.normalize("NFKD", text)
    return text.encode("latin-1", "ignore").decode("latin-1")


def notice_pdf(*, subject: str, body: str, footer: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, latin1(subject))
    pdf.ln(3)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, latin1(body))
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(0, 5, latin1(footer))
    return bytes(pdf.output())
