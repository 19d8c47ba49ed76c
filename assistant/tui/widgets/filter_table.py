"""A ``filter`` answer's matching products as a table; the products whose sheets don't say.

One row per matching product (in the answer's order, best first): the product by vendor and
item, its kind, the deciding value as printed and where it stands. Moving the cursor (or a
click) shows that row's cited lines in the source pane; Enter on the row whose lines are
shown (or a second click) opens the product's spec table at that row.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ...records import Answer, Citation, Fact, Product
from ..text import printable

COLUMNS = ("Product", "Kind", "Value", "Source")
# Rows are at most two lines high. A narrow table puts the product's item number under its
# vendor and the source's file under its line span, so the item and the lines are never cut;
# kind and value wrap. Beyond the columns' least widths the room goes by what each still
# wants, up to these caps.
CAPS = (32, 16, 60, 26)
LEAST = (0, 12, 12, 0)  # the product's and source's least widths come from the rows
VENDOR = 16  # a vendor's name up to this long is never cut
NAME = 18  # a product's name (vendor and item) up to this long stays on one line
_SIDE = re.compile(r"\b(min|max)(?:imum|\.)?\s*$", re.IGNORECASE)
DOESNT_SAY = " Their sheets don't say, so they are not listed: "  # the filter answer's wording


@dataclass(frozen=True)
class FilterRow:
    """One matching product: its item, vendor, kind, deciding value(s) as printed and its
    first citation (None when the answer cites nothing for it)."""

    item: str
    vendor: str
    kind: str
    value: str
    citation: Citation | None

    @property
    def name(self) -> str:
        """Vendor and item, as :attr:`Product.name`: ``WAGO 2002-1204``."""
        return f"{self.vendor} {self.item}".strip()

    @property
    def span(self) -> str:
        """The cited lines, short: ``L60``, ``L59–62``; a PDF's ``p2 L9–12`` (lines on the page)."""
        c = self.citation
        if c is None:
            return ""
        start, end, page = c.line_start, c.line_end, ""
        if c.page:
            page, start, end = f"p{c.page} ", c.page_line_start, c.page_line_end
        return f"{page}L{start}" if start == end else f"{page}L{start}–{end}"

    @property
    def file(self) -> str:
        """The cited datasheet's file name (its folder is in the source pane)."""
        return PurePosixPath(self.citation.source).name if self.citation else ""

    @property
    def source(self) -> str:
        """Where the deciding value stands: ``L60 2002-1204.txt``."""
        return " ".join(v for v in (self.span, self.file) if v)

    @property
    def cells(self) -> tuple[str, str, str, str]:
        return (self.name, self.kind, self.value, self.source)


def _shown_fact(fact: Fact) -> str:
    """A fact's value as printed, with ``min.``/``max.`` when its qualifier ends in one (a
    sheet printing a range as two rows)."""
    side = _SIDE.search(fact.qualifier)
    return f"{side.group(1).lower()}. {fact.value}" if side else fact.value


def filter_rows(answer: Answer, products: Mapping[str, Product]) -> list[FilterRow]:
    """The rows of a filter answer: each product of ``answer.products`` with the values of
    its facts (each citation's facts in turn; a citation holding none, e.g. a line naming
    the product's kind, by its quote). ``products``: item → :class:`Product`."""
    rows = []
    for item in answer.products:
        product = products.get(item)
        citations = [c for c in answer.citations if c.product == item]
        facts = [f for f in answer.facts if f.product == item]
        used: set[int] = set()
        values: list[str] = []
        for c in citations:
            inside = [k for k, f in enumerate(facts) if f.source == c.source and c.line_start <= f.line <= c.line_end]
            values += [_shown_fact(facts[k]) for k in inside if k not in used] if inside else [c.quote]
            used.update(inside)
        values += [_shown_fact(f) for k, f in enumerate(facts) if k not in used]
        rows.append(FilterRow(item, product.vendor if product else "", product.kind if product else "",
                              "; ".join(dict.fromkeys(v for v in values if v)), citations[0] if citations else None))
    return rows


def doesnt_say(answer: Answer, products: Mapping[str, Product]) -> tuple[list[tuple[str, str]], bool]:
    """The products of a filter answer whose sheets don't say, as ``(item, why)`` pairs
    (``why`` like ``no IP rating``, may be empty), and whether the answer names only some
    of them ("and others").

    The answer contract lists them in ``related`` (one citation or more each) or in the
    text; the text's list is read by the product names it holds."""
    if answer.related:
        return [(item, "") for item in dict.fromkeys(c.product for c in answer.related)], False
    at = answer.answer.find(DOESNT_SAY)
    if at < 0:
        return [], False
    tail = answer.answer[at + len(DOESNT_SAY):]
    found: list[tuple[int, int, str]] = []  # (start, end of name, item)
    for item, product in sorted(products.items(), key=lambda kv: -len(kv[1].name)):
        for m in re.finditer(re.escape(product.name), tail):
            before, after = tail[:m.start()], tail[m.end():]
            if (not before or before.endswith(", ")) and re.match(r"(?: \(|,|\.|$)", after) \
                    and not any(s <= m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), item))
                break
    found.sort()
    out = []
    for k, (_start, end, item) in enumerate(found):
        stop = found[k + 1][0] if k + 1 < len(found) else len(tail)
        rest = tail[end:stop]
        why = re.match(r" \((.*)\)", rest.rstrip(" ,."))
        out.append((item, why.group(1) if why else ""))
    return out, tail.rstrip(". ").endswith("and others")


def column_widths(rows: list[FilterRow], width: int) -> list[int]:
    """Column widths for ``rows`` in a table ``width`` cells wide: each column's longest
    cell when all fit; else each gets its least width (the longest item number, vendor up
    to ``VENDOR`` or name up to ``NAME``; the longest line span; ``LEAST``) and the rest of the room goes to
    the columns by how much more they want (up to ``CAPS``)."""
    room = max(width - 2 * len(COLUMNS) - 1, 30)  # cell padding, a scrollbar's room
    wanted = [max([len(r.cells[n]) for r in rows] + [len(column)]) for n, column in enumerate(COLUMNS)]
    if sum(wanted) <= room:
        return wanted
    least = [max([len(r.item) for r in rows] + [min(max(len(r.vendor) for r in rows), VENDOR),
                                                 min(max(len(r.name) for r in rows), NAME), len(COLUMNS[0])]),
             LEAST[1], LEAST[2],
             max([len(r.span) for r in rows] + [len(COLUMNS[3])])]
    least = [min(l, w) for l, w in zip(least, wanted)]
    more = [max(min(w, cap) - l, 0) for w, cap, l in zip(wanted, CAPS, least)]
    extra = max(room - sum(least), 0)
    total = sum(more) or 1
    return [l + min(m, extra * m // total) for l, m in zip(least, more)]


def clip(text: str, width: int, lines: int = 2) -> str:
    """``text`` wrapped at words into at most ``lines`` lines of ``width``; the last ends in
    "…" when the text goes on."""
    wrapped = textwrap.wrap(text, max(width, 1), break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1:])
        wrapped = wrapped[:lines - 1] + [last[:max(width - 1, 0)].rstrip() + "…"]
    return "\n".join(wrapped)


def two_parts(first: str, second: str, width: int) -> str:
    """A cell of two parts: on one line when they fit, else each on its own line, cut with
    "…" at the column's edge (the columns are as wide as the part that must show: an item
    number, a line span)."""
    if len(first) + 1 + len(second) <= width or not first or not second:
        return f"{first} {second}".strip()
    return f"{clip(first, width, 1)}\n{clip(second, width, 1)}"


def cells(row: FilterRow, widths: list[int]) -> tuple[list[Text], int]:
    """A row's cells for column ``widths`` (each line cut with "…" at its column's edge)
    and its height (1 or 2 lines)."""
    texts = [two_parts(row.vendor, row.item, widths[0]), clip(row.kind, widths[1]), clip(row.value, widths[2]),
             two_parts(row.span, row.file, widths[3])]
    height = 2 if any("\n" in t for t in texts) else 1
    return [Text(printable(t), no_wrap=True, overflow="ellipsis") for t in texts], height


class FilterTable(DataTable):
    """The matching products of a filter answer (see the module docstring); rows at most
    two lines high (:func:`cells`)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open product", tooltip="The product's spec table at this row")]

    class Picked(Message):
        """A row was highlighted (``open`` False: show its cited lines) or selected with
        Enter / a click on the cursor row (``open`` True: open its spec table once its
        lines are shown)."""

        def __init__(self, table: "FilterTable", row: FilterRow, open: bool) -> None:
            super().__init__()
            self.table, self.row, self.open = table, row, open

        @property
        def control(self) -> "FilterTable":
            return self.table

    def __init__(self, rows: list[FilterRow], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_shown = rows
        self._laid_out_for = -1
        self._cursor_at = 0  # the row last announced: rebuilding the rows announces none

    @property
    def current(self) -> FilterRow | None:
        """The row under the cursor."""
        row = self.cursor_row
        return self.rows_shown[row] if 0 <= row < len(self.rows_shown) else None

    def on_resize(self) -> None:
        if self.size.width != self._laid_out_for:
            self.fill()

    def fill(self) -> None:
        """(Re)build the columns for the table's width; the cursor stays on its row."""
        self._laid_out_for = width = self.size.width
        row = self.cursor_row
        self.clear(columns=True)
        widths = column_widths(self.rows_shown, width)
        for column, w in zip(COLUMNS, widths):
            self.add_column(column, key=column, width=w)
        for entry in self.rows_shown:
            row_cells, height = cells(entry, widths)
            self.add_row(*row_cells, height=height, key=entry.item)
        if self.rows_shown:
            self._cursor_at = min(max(row, 0), len(self.rows_shown) - 1)
            self.move_cursor(row=self._cursor_at, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.cursor_row != self._cursor_at:  # moved by the user, not by (re)building the rows
            self._cursor_at = event.cursor_row
            self._pick(event.cursor_row, open=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._pick(event.cursor_row, open=True)

    def _pick(self, index: int, open: bool) -> None:
        if 0 <= index < len(self.rows_shown):
            self.post_message(self.Picked(self, self.rows_shown[index], open))
