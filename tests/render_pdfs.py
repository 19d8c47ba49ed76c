"""Render the committed test PDFs from a small block markup (fpdf2, DejaVu fonts).

Run ``.venv/bin/python tests/render_pdfs.py`` to (re)write the PDFs listed in ``TARGETS``.
The output is deterministic: fixed creation date (from ``@date``), fixed producer and creator,
and a file id derived from the content, so re-running gives byte-identical files.

Block markup (one source file per PDF, UTF-8, ``tests/data/pdf_sources/*.blocks``)
-------------------------------------------------------------------------------------
Directives (a line starting with ``@``; may appear anywhere, most belong at the top):

``@title: TEXT``     PDF metadata title.
``@date: YYYY-MM-DD`` creation/modification date written into the PDF (deterministic output).
``@footer: TEXT``    one footer line, printed at the bottom of every page; repeat the directive
                     for more lines. ``{page}`` and ``{pages}`` are replaced by the page number
                     and the page count ("Page {page}/{pages}").
``@header: TEXT``    one header line at the top of every page (repeatable).
``@cols: W W ...``   relative column widths for the next table only (default per column count:
                     2 → 45 55, 3 → 55 12 33, 4 → 16 34 20 30).
``@pagebreak``       start a new page.

Blocks (separated by blank lines):

``# Heading``        a bold, larger line (12 pt); ``## Sub-heading`` bold 10 pt.
``| a | b |``        a table row. Consecutive rows form ONE table, drawn with fpdf2's
                     ``pdf.table()`` (real cells with borders, so text extractors and
                     ``pdfplumber``'s ``find_tables()`` see a table). 2, 3 and 4 columns are
                     supported (any count works). A separator row ``|---|---|`` directly after
                     the first row makes the first row a bold heading row (repeated on a new
                     page); without it, every row is a body row. ``<br>`` inside a cell is a line
                     break (multi-line cell). Empty cells are allowed (``| min | °C | -25 |`` under a
                     ``| Operating temperature | | |`` label row). A literal ``|`` in a cell: ``\\|``.
``1. text``          a numbered step; every numbered line is its own paragraph.
``- text``           a bullet line (rendered with "•"), its own paragraph.
other lines          a paragraph: consecutive non-blank lines are joined with spaces and wrapped
                     (``multi_cell``).
``%% comment``       ignored.

Fonts: DejaVu Sans (regular and bold) from ``/usr/share/fonts/truetype/dejavu/`` so that ²,
…, ±, Ω, ≤, ˚, ·, ≙ and ‑ are real glyphs in the text layer.
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SOURCES = DATA / "pdf_sources"

#: source file (in ``tests/data/pdf_sources/``) → PDF written by ``main()``
TARGETS: dict[str, Path] = {
    "2CDS251001R0164.blocks": DATA / "vendors" / "2CDS251001R0164.pdf",
    "2002-1204.blocks": SOURCES / "2002-1204.pdf",
}

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

PRODUCER = "datasheet-assistant tests/render_pdfs.py (fpdf2)"
DEFAULT_COLS = {2: (45, 55), 3: (55, 12, 33), 4: (16, 34, 20, 30)}

BODY_PT = 9
TABLE_PT = 8.5
FOOTER_PT = 6.5
LINE_MM = 4.6
FOOTER_LINE_MM = 3.2
MARGIN_MM = 15


# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    kind: str  # "heading" | "table" | "para" | "pagebreak"
    text: str = ""
    level: int = 1
    rows: list[list[str]] = field(default_factory=list)
    heading_row: bool = False
    cols: tuple[float, ...] | None = None


@dataclass
class Document:
    title: str = ""
    date: _dt.datetime = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)
    headers: list[str] = field(default_factory=list)
    footers: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


_SEPARATOR = re.compile(r"^\|\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_STEP = re.compile(r"^\d+\.\s")


def _split_row(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


def parse(text: str) -> Document:
    """Parse block markup into a :class:`Document`."""
    doc = Document()
    para: list[str] = []
    table: Block | None = None
    pending_cols: tuple[float, ...] | None = None

    def flush_para() -> None:
        if para:
            doc.blocks.append(Block("para", " ".join(para)))
            para.clear()

    def flush_table() -> None:
        nonlocal table
        if table is not None:
            doc.blocks.append(table)
            table = None

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("%%"):
            continue
        if stripped.startswith("@"):
            flush_para()
            flush_table()
            name, _, value = stripped[1:].partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "title":
                doc.title = value
            elif name == "date":
                d = _dt.date.fromisoformat(value)
                doc.date = _dt.datetime(d.year, d.month, d.day, 8, 0, tzinfo=_dt.timezone.utc)
            elif name == "footer":
                doc.footers.append(value)
            elif name == "header":
                doc.headers.append(value)
            elif name == "cols":
                pending_cols = tuple(float(w) for w in value.split())
            elif name == "pagebreak":
                doc.blocks.append(Block("pagebreak"))
            else:
                raise ValueError(f"unknown directive: {stripped!r}")
            continue
        if not stripped:
            flush_para()
            flush_table()
            continue
        if stripped.startswith("|"):
            flush_para()
            if table is None:
                table = Block("table", cols=pending_cols)
                pending_cols = None
            if _SEPARATOR.match(stripped):
                if len(table.rows) == 1:
                    table.heading_row = True
                continue
            table.rows.append(_split_row(stripped))
            continue
        flush_table()
        if stripped.startswith("#"):
            flush_para()
            level = len(stripped) - len(stripped.lstrip("#"))
            doc.blocks.append(Block("heading", stripped[level:].strip(), level=min(level, 2)))
        elif _STEP.match(stripped) or stripped.startswith("- "):
            flush_para()
            text_ = stripped if _STEP.match(stripped) else "• " + stripped[2:]
            doc.blocks.append(Block("para", text_))
        else:
            para.append(stripped)
    flush_para()
    flush_table()
    return doc


# --------------------------------------------------------------------------- rendering


class _SheetPDF(FPDF):
    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc

    def header(self) -> None:  # noqa: D401 - fpdf2 hook
        if not self.doc.headers:
            return
        self.set_font("DejaVu", "", FOOTER_PT)
        self.set_text_color(90, 90, 90)
        self.set_y(7)
        for line in self.doc.headers:
            self.cell(0, FOOTER_LINE_MM, self._fill(line), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_y(max(self.get_y() + 3, MARGIN_MM))

    def footer(self) -> None:  # noqa: D401 - fpdf2 hook
        if not self.doc.footers:
            return
        self.set_font("DejaVu", "", FOOTER_PT)
        self.set_text_color(90, 90, 90)
        self.set_y(-(8 + FOOTER_LINE_MM * len(self.doc.footers)))
        self.set_draw_color(150, 150, 150)
        self.line(self.l_margin, self.get_y() - 1.5, self.w - self.r_margin, self.get_y() - 1.5)
        for line in self.doc.footers:
            self.cell(0, FOOTER_LINE_MM, self._fill(line), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)

    def _fill(self, line: str) -> str:
        text = line.replace("{page}", str(self.page_no())).replace("{pages}", "99")
        if self.get_string_width(text) > self.w - self.l_margin - self.r_margin:
            raise ValueError(f"header/footer line wider than the page, split it: {line!r}")
        return line.replace("{page}", str(self.page_no())).replace("{pages}", self.str_alias_nb_pages)


def _check_fonts() -> None:
    missing = [p for p in (FONT_REGULAR, FONT_BOLD) if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            "DejaVu fonts not found: " + ", ".join(map(str, missing)) + " (apt-get install fonts-dejavu-core)"
        )


def render(doc: Document) -> bytes:
    """Render a parsed document to PDF bytes (deterministic)."""
    _check_fonts()
    pdf = _SheetPDF(doc)
    pdf.add_font("DejaVu", "", str(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_margins(MARGIN_MM, MARGIN_MM + (4 * len(doc.headers) if doc.headers else 0), MARGIN_MM)
    pdf.set_auto_page_break(True, margin=12 + FOOTER_LINE_MM * len(doc.footers))
    pdf.set_creation_date(doc.date)
    pdf.set_producer(PRODUCER)
    pdf.set_creator(PRODUCER)
    if doc.title:
        pdf.set_title(doc.title)
    pdf.alias_nb_pages()
    pdf.add_page()
    usable = pdf.w - pdf.l_margin - pdf.r_margin

    for block in doc.blocks:
        if block.kind == "pagebreak":
            pdf.add_page()
        elif block.kind == "heading":
            size = 12 if block.level == 1 else 10
            if pdf.will_page_break(30):  # keep a heading with what follows it
                pdf.add_page()
            pdf.ln(2.5 if block.level == 1 else 1.5)
            pdf.set_font("DejaVu", "B", size)
            pdf.multi_cell(usable, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        elif block.kind == "para":
            pdf.set_font("DejaVu", "", BODY_PT)
            indent = 5 if _STEP.match(block.text) or block.text.startswith("• ") else 0
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(usable - indent, LINE_MM, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif block.kind == "table":
            ncols = max(len(r) for r in block.rows)
            rows = [r + [""] * (ncols - len(r)) for r in block.rows]
            cols = block.cols or DEFAULT_COLS.get(ncols) or tuple([1] * ncols)
            if len(cols) != ncols:
                raise ValueError(f"@cols has {len(cols)} widths for a {ncols}-column table: {rows[0]}")
            pdf.set_font("DejaVu", "", TABLE_PT)
            with pdf.table(
                width=usable,
                col_widths=cols,
                first_row_as_headings=block.heading_row,
                text_align="LEFT",
                line_height=TABLE_PT * 0.48,
                padding=(1.0, 1.5),
                borders_layout=TableBordersLayout.ALL,
                v_align="TOP",
            ) as table:
                for r in rows:
                    row = table.row()
                    for cell in r:
                        row.cell(cell.replace("<br>", "\n"))
            pdf.ln(2.5)
        else:  # pragma: no cover - parse() never produces other kinds
            raise ValueError(block.kind)
    return bytes(pdf.output())


def render_file(source: Path, target: Path) -> Path:
    """Render one block-markup file to ``target`` and return the target path."""
    doc = parse(source.read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render(doc))
    return target


def main(argv: list[str] | None = None) -> int:
    """(Re)write every PDF in ``TARGETS``; prints one line per file."""
    del argv
    for name, target in TARGETS.items():
        out = render_file(SOURCES / name, target)
        print(f"{SOURCES / name} -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
