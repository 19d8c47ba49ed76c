"""Generated PDFs for the tests: a datasheet from known text, and a page without text."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF


def write_pdf(path: Path, lines: list[str]) -> Path:
    """Write ``lines`` as a one-column PDF (Helvetica, Latin-1 text) and return the path."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_textless_pdf(path: Path) -> Path:
    """A PDF page with only a drawing on it, like a scanned sheet without a text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


DATASHEET = [
    "Data sheet | Item number: 2002-9901",
    "Through terminal block; 2-conductor; 1.5 mm²; grey",
    "Electrical data",
    "Ratings per IEC/EN 60664-1",
    "Rated voltage (III / 3) 500 V",
    "Rated current 16 A",
    "Connection data",
    "Solid conductor 0,14 ... 1,5 mm² / 26 ... 16 AWG",
    "Strip length 8 ... 9 mm / 0,31 ... 0,35 inch",
    "Material Data",
    "Color grey",
    "Subject to changes. Please also observe the further product documentation!",
    "www.wago.com/2002-9901",
]
