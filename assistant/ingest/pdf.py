"""PDF loading with layout: a PDF's text as lines in reading order, with page, line on the
page, layout paragraph breaks, heading lines and table rows as tab-separated cells.

pypdfium2 opens the file and checks that it has a text layer (fast, and it reads damaged
files that pdfminer cannot); pdfplumber gives the layout: each character's position, font
and size, and the ruled tables of a page (``page.find_tables()``). Per page:

- **table rows**: every row of a table of two or more columns (and no cell of more than
  ``FRAME_LINES`` lines: that is ruled page layout around text) becomes ONE line, its cells
  joined by a tab (``Rated current (In)\\tA\\t16``; an empty cell stays an empty string
  between tabs; a cell's wrapped lines are joined with spaces), with a blank line before
  and after it, so that each row is a paragraph of its own;
- **text lines**: the words outside tables, grouped into lines by their vertical position
  and read left to right. A horizontal gap of two character heights or more inside a line
  (a borderless table: ``Width      5.2 mm``) becomes a tab. A page printed in two columns
  (a gutter that lines of wrapped text reach on both sides) is read column by column,
  between the lines or tables that span the gutter;
- **paragraph breaks**: a blank line where the vertical gap to the next line is clearly
  larger than the page's usual gap between lines (more than ~0.4 character heights beyond
  it), before and after a heading, and between pages;
- **headings**: a short line (≤ 12 words, no closing ``. : ; , ! ?``) set in bold or in type
  ≥ 1.2 × the document's body size; consecutive such lines (a wrapped heading) are judged
  together, so a bold paragraph is not a heading.

Rotated (non-upright) text is not read. Line numbers on a page count the page's text lines
in reading order, as a reader counts them: a table row spanning three lines of text takes
three numbers, the next row starts after them.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

TAB_GAP = 2.0  # a gap inside a line of ≥ this many character heights is a cell break
COLUMN_GAP = 1.0  # a gap of ≥ this many character heights may be a column gutter
PARAGRAPH_GAP = 0.4  # character heights of extra space that make a paragraph break
HEADING_SIZE = 1.2  # type this much larger than the body type is heading type
HEADING_WORDS = 12
FRAME_LINES = 15  # a table cell of more lines of text than this is a ruled frame, not a cell
_BOLD = re.compile(r"bold|black|heavy|semibold|demibold|,bd\b|-bd\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.:;,!?]$")


@dataclass(frozen=True)
class PdfLine:
    """One line of a PDF's text in reading order.

    ``page`` is the 1-based page; ``page_line`` the 1-based line on that page (0 for a
    blank line that marks a paragraph break); ``heading`` is True for a line set as a
    heading (bold or larger type, short). A table row's ``text`` is its cells joined by tabs.
    """

    text: str
    page: int
    page_line: int = 0
    heading: bool = False


class PdfUnreadable(Exception):
    """A PDF that cannot be read: ``reason`` is a sentence for people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_pdf(data: bytes) -> list[PdfLine]:
    """The text of a PDF file's bytes as lines in reading order (see the module docstring).

    Raises :class:`PdfUnreadable` for a file that is not a PDF, is damaged, needs a
    password to open, or has no text layer (a scanned sheet). A PDF that pypdfium2 reads but pdfplumber
    cannot lay out is read from pypdfium2's text layer instead (lines without layout).
    """
    if not data.startswith(b"%PDF"):
        raise PdfUnreadable("not a PDF file (no %PDF header)")
    plain = _text_layer(data)
    if not any(text.strip() for text in plain):
        raise PdfUnreadable("the PDF has no text layer (scanned image?)")
    try:
        return _layout(data)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        log.warning("PDF layout not readable (%s); using the plain text layer", exc)
        return _plain_lines(plain)


# ------------------------------------------------------------------ pypdfium2: the text layer


def _text_layer(data: bytes) -> list[str]:
    """Each page's plain text from PDFium (also the check that the file opens)."""
    import pypdfium2 as pdfium  # lazy: only needed for PDFs

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PdfUnreadable("the PDF is password-protected (it opens only with its password)") from exc
        raise PdfUnreadable(f"broken PDF ({exc})") from exc
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _plain_lines(pages: list[str]) -> list[PdfLine]:
    out: list[PdfLine] = []
    for number, text in enumerate(pages, start=1):
        if out:
            out.append(PdfLine("", number))
        lines = [l.strip() for l in re.split(r"\r\n|\r|\n", text)]
        out += [PdfLine(l, number, index) for index, l in enumerate((l for l in lines if l), start=1)]
    return out


# ------------------------------------------------------------------ pdfplumber: layout


@dataclass
class _Text:
    """A line of words outside tables (PDF points, top-down coordinates)."""

    words: list[dict]
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]

    @property
    def size(self) -> float:
        return max(w["size"] for w in self.words)

    @property
    def bold(self) -> bool:
        return all(_BOLD.search(w.get("fontname") or "") for w in self.words)

    @property
    def text(self) -> str:
        out = self.words[0]["text"]
        for prev, word in zip(self.words, self.words[1:]):
            gap = word["x0"] - prev["x1"]
            size = max(prev["size"], word["size"])
            # a superscript or a change of font inside a word ("mm" + "²") has no gap
            sep = "\t" if gap >= TAB_GAP * size else ("" if gap < 0.1 * size else " ")
            out += sep + word["text"]
        return out


@dataclass
class _Row:
    """A table row: its cells' texts and the number of text lines it spans."""

    cells: list[str]
    top: float
    bottom: float
    lines: int = 1
    x0: float = 0.0
    x1: float = 0.0

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


@dataclass
class _Page:
    number: int
    items: list = field(default_factory=list)  # _Text | _Row in reading order


def _layout(data: bytes) -> list[PdfLine]:
    import pdfplumber  # lazy: only needed for PDFs

    pages: list[_Page] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            pages.append(_Page(number, _page_items(page)))
            page.close()  # frees the page's parsed objects
    body = _body_size(pages)
    out: list[PdfLine] = []
    for page in pages:
        if out and page.items:
            out.append(PdfLine("", page.number))
        out += _page_lines(page, body)
    while out and not out[-1].text:
        out.pop()
    return out


def _page_items(page) -> list:
    """A page's text lines and table rows in reading order."""
    page = page.filter(_first_copy())  # fake bold (text printed twice, offset) read once
    tables = [t for t in page.find_tables() if len(t.columns) >= 2]
    words = [w for w in page.extract_words(x_tolerance_ratio=0.15, extra_attrs=["fontname", "size"])
             if w.get("upright", True) and w["text"].strip()]
    rows: list[_Row] = []
    boxes = []
    for table in tables:
        found = []
        for row, cells in zip(table.rows, table.extract()):
            texts = [_cell_text(c) for c in cells]
            if any(texts):
                inside = [w for w in words if _inside(w, row.bbox)]
                found.append(_Row(texts, row.bbox[1], row.bbox[3], max(1, len(_group_lines(inside))),
                                  row.bbox[0], row.bbox[2]))
        # a "row" of many lines is ruled page layout (a frame around columns of text),
        # not a table: its text is read as lines
        if all(row.lines <= FRAME_LINES for row in found):
            boxes.append(table.bbox)
            rows.extend(found)
    free = [w for w in words if not any(_inside(w, box) for box in boxes)]
    return _reading_order(_group_lines(free), rows)


def _first_copy():
    """A page filter that drops a character printed again at (nearly) the same place, as
    generators do for fake bold: the same character less than 1 pt and less than half its
    width away (so the two l of "all" in 6 pt type stay two). pdfplumber's
    ``dedupe_chars`` does the same but took three quarters of the reading time."""
    seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}

    def keep(obj: dict) -> bool:
        if obj.get("object_type") != "char" or obj["text"].isspace():
            return True
        text, x0, top = obj["text"], obj["x0"], obj["top"]
        near = min(1.0, 0.5 * max(obj.get("width") or 0.0, 0.1))
        bx, by = int(x0), int(top)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for x, y in seen.get((text, bx + dx, by + dy), ()):
                    if abs(x - x0) < near and abs(y - top) < near:
                        return False
        seen.setdefault((text, bx, by), []).append((x0, top))
        return True

    return keep


def _inside(word: dict, box: tuple) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell_text(cell: str | None) -> str:
    """A cell's wrapped lines as one text; a line ending in a hyphen joins without a space
    (``20190704-`` / ``E185892``)."""
    out = ""
    for part in (cell or "").split("\n"):
        part = " ".join(part.split())
        if not part:
            continue
        if out and not (out.endswith("-") and not out.endswith(" -")):
            out += " "
        out += part
    return out


def _group_lines(words: list[dict]) -> list[_Text]:
    """Words grouped into lines: a word joins a line it overlaps vertically by at least
    half its height (a superscript stays on its line), words ordered left to right."""
    lines: list[_Text] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        height = max(word["bottom"] - word["top"], 0.1)
        for line in reversed(lines[-3:]):
            overlap = min(line.bottom, word["bottom"]) - max(line.top, word["top"])
            if overlap >= 0.5 * min(height, line.bottom - line.top or height):
                line.words.append(word)
                line.top, line.bottom = min(line.top, word["top"]), max(line.bottom, word["bottom"])
                break
        else:
            lines.append(_Text([word], word["top"], word["bottom"]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _gutter(lines: list[_Text]) -> float | None:
    """The x of a column gutter, or None for a one-column page.

    A gutter is an x in the middle half of the text width that at least three lines leave
    as a *column gap*: a gap of at least ``COLUMN_GAP`` character heights that is narrow
    beside the text on both sides (≤ 0.3 × either column's width), as between two columns
    of wrapped text, and unlike the wide gap between a short label and its value.
    """
    if len(lines) < 3:
        return None
    left = min(l.x0 for l in lines)
    right = max(l.x1 for l in lines)
    if right - left < 100:
        return None
    support: dict[int, int] = {}
    for line in lines:
        for a, b in _column_gaps(line, left, right):
            for x in range(int(a) + 1, int(b)):
                support[x] = support.get(x, 0) + 1
    middle = [x for x in support if left + 0.25 * (right - left) <= x <= left + 0.75 * (right - left)]
    if not middle:
        return None
    centre = (left + right) / 2
    x = max(middle, key=lambda x: (support[x], -abs(x - centre)))
    return float(x) if support[x] >= 3 else None


def _column_gaps(line: _Text, left: float, right: float) -> list[tuple[float, float]]:
    """The gaps of a line that look like a gutter between two columns of text (see
    :func:`_gutter`), as ``(x where it starts, x where it ends)``."""
    out = []
    for prev, word in zip(line.words, line.words[1:]):
        a, b = prev["x1"], word["x0"]
        if b - a >= COLUMN_GAP * max(prev["size"], word["size"]) and b - a <= 0.3 * min(a - left, right - b):
            out.append((a, b))
    return out


def _split_at(line: _Text, x: float) -> tuple[_Text, _Text] | None:
    """The parts of a line left and right of ``x``, or None when a word spans ``x`` or a
    side is empty."""
    before = [w for w in line.words if w["x1"] <= x]
    after = [w for w in line.words if w["x0"] >= x]
    if not before or not after or len(before) + len(after) != len(line.words):
        return None
    return _Text(before, line.top, line.bottom), _Text(after, line.top, line.bottom)


def _reading_order(lines: list[_Text], rows: list[_Row]) -> list:
    """Text lines and table rows in reading order: top to bottom, and on a page in two
    columns, left column then right column between the lines and tables spanning both.

    A line with text on both sides of the gutter is split into its two columns' lines when
    its gap there is a column gap, or when the line just above or below has one (the short
    last line of a paragraph); otherwise it is one line (a label and its value).
    """
    x = _gutter(lines)
    if x is None:
        return sorted(lines + rows, key=lambda item: item.top)
    left = min(l.x0 for l in lines)
    right = max(l.x1 for l in lines)
    items = sorted(lines + rows, key=lambda item: (item.top, item.x0))

    def columnar(item) -> bool:
        return isinstance(item, _Text) and any(a < x < b for a, b in _column_gaps(item, left, right))

    flags = [columnar(item) for item in items]
    out: list = []
    band: list = []

    def close() -> None:
        out.extend(sorted((p for p in band if p.x1 <= x), key=lambda p: p.top))
        out.extend(sorted((p for p in band if p.x1 > x), key=lambda p: p.top))
        band.clear()

    for index, item in enumerate(items):
        parts = _split_at(item, x) if isinstance(item, _Text) else None
        near = flags[index] or (index > 0 and flags[index - 1]) or (index + 1 < len(items) and flags[index + 1])
        if parts and near:
            band.extend(parts)
        elif item.x1 <= x or item.x0 >= x:
            band.append(item)
        else:  # spans the gutter: a full-width line or table, a label and its value
            close()
            out.append(item)
    close()
    return out


def _body_size(pages: list[_Page]) -> float:
    """The document's body type size: the size most of its text lines' characters have."""
    counts: dict[float, int] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, _Text):
                for w in item.words:
                    size = round(w["size"], 1)
                    counts[size] = counts.get(size, 0) + len(w["text"])
    return max(counts, key=counts.get) if counts else 0.0


def _page_lines(page: _Page, body: float) -> list[PdfLine]:
    """A page's items as :class:`PdfLine` records, with blank lines at paragraph breaks."""
    items = page.items
    gaps = [b.top - a.bottom for a, b in zip(items, items[1:])
            if isinstance(a, _Text) and isinstance(b, _Text) and 0 <= b.top - a.bottom < 2 * a.size]
    # the usual gap between the lines of a paragraph: a low quantile, since many gaps on a
    # page of short paragraphs are paragraph breaks
    usual = sorted(gaps)[len(gaps) // 4] if len(gaps) >= 3 else None
    headings = _headings(items, body)
    out: list[PdfLine] = []
    counted = 0
    for index, item in enumerate(items):
        if index:
            prev = items[index - 1]
            if _break(prev, item, usual) or headings[index] != headings[index - 1]:
                out.append(PdfLine("", page.number))
        out.append(PdfLine(item.text, page.number, counted + 1, headings[index]))
        counted += item.lines if isinstance(item, _Row) else 1
    return out


def _break(prev, item, usual: float | None) -> bool:
    """Whether a paragraph ends between two consecutive items of a page."""
    if isinstance(prev, _Row) or isinstance(item, _Row):
        return True
    gap = item.top - prev.bottom
    if gap < -0.5 * prev.size:  # moved up: the next column or band
        return bool(_SENTENCE_END.search(prev.text)) or not item.text[:1].islower()
    size = max(prev.size, item.size)
    if abs(prev.size - item.size) > 0.15 * size:  # a change of type size
        return True
    usual = usual if usual is not None else 0.3 * size
    return gap > usual + PARAGRAPH_GAP * size


def _headings(items: list, body: float) -> list[bool]:
    """Which items are heading lines: runs of consecutive bold or large-type text lines
    (no paragraph gap inside) judged as one heading, short and without closing punctuation."""
    flags = [False] * len(items)

    def styled(item) -> bool:
        return isinstance(item, _Text) and (item.bold or (body > 0 and item.size >= HEADING_SIZE * body))

    index = 0
    while index < len(items):
        if not styled(items[index]):
            index += 1
            continue
        end = index + 1
        while (end < len(items) and styled(items[end]) and items[end].size == items[index].size
               and not _break(items[end - 1], items[end], None)):
            end += 1
        run = [items[i].text for i in range(index, end)]
        words = [w for text in run for w in text.split() if re.search(r"\w", w)]
        if 0 < len(words) <= HEADING_WORDS and not _SENTENCE_END.search(run[-1]) and re.search(r"[^\W\d_]", run[0]):
            flags[index:end] = [True] * (end - index)
        index = end
    return flags
