"""The spec table of one product: every row, approval and accessory, filter as you type.

The header names the product (vendor and item, kind, series, every identifier); each row
shows its label as printed beside the feature the vocabulary reads it as (and the
conductor class), and where it stands (for a PDF: page and line on the page).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from ...answer.assistant import Assistant
from ...records import Citation, Product, SpecTable
from ..text import feature_label, literal, printable, shown_identifiers
from ..widgets.source import SourceView

COLUMNS = ("Attribute", "Feature", "Value", "Standard", "Section", "Lines")
# Widths: the first three columns share the screen (these fractions of it), the others
# are capped, so a long approval issuer or accessory description does not push the value
# off a small terminal. Feature and value wrap onto a second line rather than lose their
# end (``conductor cross section · fine-stranded``; a row is at most two lines high); the
# other cells end in an ellipsis.
SHARES = (0.31, 0.27, 0.32)
WIDTH_CAPS = (None, None, None, 16, 44, 20)
WRAPPED = frozenset({"Feature", "Value"})


@dataclass(frozen=True)
class Entry:
    """One line of the table: its cells (plain text), the datasheet lines it comes from, and
    the ids of its feature and conductor class (searched by the filter beside the cells)."""

    cells: tuple[str, str, str, str, str, str]
    citation: Citation
    feature: str = ""
    conductor: str = ""

    @property
    def search_text(self) -> str:
        """The row's cells and its feature and conductor ids as one case-folded string,
        for the filter."""
        return " ".join((*self.cells, self.feature, self.conductor)).casefold()


def entries(table: SpecTable, assistant: Assistant) -> list[Entry]:
    """Rows, then approvals, then accessories, in datasheet order; each with its citation
    (for a PDF with the page and lines on the page, from the index)."""
    item = table.product.item
    out = []

    def cite(source: str, section: str, start: int, end: int, quote: str) -> Citation:
        return assistant.citation(item, source, section, start, end, quote)

    for r in table.rows:
        c = cite(r.source, r.section, r.line_start, r.line_end, r.raw)
        out.append(Entry((r.label, feature_label(r.feature, r.conductor), r.value, r.standard, r.section, c.where),
                         c, r.feature, r.conductor))
    for a in table.approvals:
        section = f"Approvals / Certificates › {a.group}" if a.group else "Approvals / Certificates"
        value = " ".join(v for v in (a.certificate, a.note) if v)
        c = cite(a.source, section, a.line_start, a.line_end, value)
        out.append(Entry((f"{a.approval} ({a.issuer})" if a.issuer else a.approval, "", value, a.standard,
                          section, c.where), c))
    for a in table.accessories:
        c = cite(a.source, a.group, a.line_start, a.line_end, a.description)
        out.append(Entry((a.group, "", f"{a.item_number} {a.description}", "", a.group, c.where), c))
    return out


def matches(entry: Entry, query: str) -> bool:
    """Every word of the filter occurs somewhere in the row, its feature name or its
    conductor class (case-insensitive)."""
    text = entry.search_text
    return all(word in text for word in query.casefold().split())


def product_header(product: Product) -> Content:
    """Two lines naming the product: vendor and item, kind, series, the sheet's title;
    then its identifiers (each once: a file stem that only re-spells one is left out, see
    :func:`shown_identifiers`) and the datasheet's file."""
    identifiers = shown_identifiers(product)
    about = [v for v in (product.kind, product.series, product.title)
             if v and v != product.item and v not in identifiers]
    return Content.assemble(
        (printable(product.name), "bold"), "  ", literal(" · ".join(about), "$text-muted"), "\n",
        ("Identifiers ", "$text-muted"), literal(" · ".join(identifiers), "bold"),
        "  ", literal(product.source, "$text-muted"), strip_control_codes=False)


def cited_entry(entries_: list[Entry], cited: Citation) -> int | None:
    """The index of the entry a citation quotes: the one starting on its first line, else
    the first whose lines overlap it (same datasheet); None when none does (a passage)."""
    same = [(n, e.citation) for n, e in enumerate(entries_) if e.citation.source == cited.source]
    exact = [n for n, c in same if c.line_start == cited.line_start]
    if exact:
        return exact[0]
    return next((n for n, c in same if c.line_start <= cited.line_end and cited.line_start <= c.line_end), None)


class SpecTableScreen(Screen[None]):
    """A product's whole spec table; the highlighted row's source lines below it. Given
    the ``cited`` lines of an answer, the cursor starts on their row."""

    CSS_PATH = "spec_table.tcss"
    AUTO_FOCUS = "#filter"
    BINDINGS = [
        Binding("escape", "back", "Back to chat"),
        Binding("ctrl+f", "focus_filter", "Filter"),
    ]

    def __init__(self, assistant: Assistant, item: str, cited: Citation | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.table = assistant.spec_table(item)
        self.entries = entries(self.table, assistant)
        self.start_row = cited_entry(self.entries, cited) if cited is not None else None
        self.shown: list[Entry] = []
        self._laid_out_for = 0  # the screen width the column widths were set for

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="spec"):
            yield Static(product_header(self.table.product), id="product")
            yield Input(placeholder="Filter rows (e.g. strip, current, cross section, solid, UL)…",
                        id="filter", select_on_focus=False)
            yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
            yield SourceView(id="row-source")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Spec table · {printable(self.table.product.name)}"
        self.refill("")
        if self.start_row:
            table = self.query_one(DataTable)
            table.move_cursor(row=self.start_row, animate=False)
            self.show_source(self.start_row)
            self.call_after_refresh(self._center_cursor)  # once the table has its size

    def _center_cursor(self) -> None:
        """Scroll the cursor's row to the middle of the table (the cited row among its
        neighbours)."""
        table = self.query_one(DataTable)
        above = sum(row.height for row in table.ordered_rows[:table.cursor_row])
        visible = table.scrollable_content_region.height - table.header_height
        table.scroll_to(y=max(above - (visible - 1) // 2, 0), animate=False)

    def on_resize(self) -> None:
        if self.app.size.width != self._laid_out_for:
            self.refill(self.query_one("#filter", Input).value, keep_cursor=True)

    def column_widths(self) -> list[int]:
        """Column widths for the rows shown: each fits its longest cell; the first three
        share the screen by ``SHARES`` (room one of them does not need goes to the
        others), the others stay within their caps."""
        room = max(self.app.size.width - 2 - 2 * len(SHARES), 30)  # scrollbar, cell padding
        wanted = [max(max((len(e.cells[n]) for e in self.shown), default=0), len(column))
                  for n, column in enumerate(COLUMNS)]
        shared = [0] * len(SHARES)
        open_ = set(range(len(SHARES)))
        while open_:
            total = sum(SHARES[n] for n in open_)
            fits = [n for n in open_ if wanted[n] <= room * SHARES[n] / total]
            if not fits:  # every one left wants more than its share: split what is left
                for n in open_:
                    shared[n] = int(room * SHARES[n] / total)
                break
            for n in fits:
                shared[n] = wanted[n]
                room -= wanted[n]
                open_.discard(n)
        return shared + [min(w, cap or w) for w, cap in zip(wanted[len(SHARES):], WIDTH_CAPS[len(SHARES):])]

    def refill(self, query: str, keep_cursor: bool = False) -> None:
        """Show the entries matching ``query``; an empty query shows all. The cursor goes
        to the first row (``keep_cursor``: stays on its row)."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        self.shown = [e for e in self.entries if matches(e, query)]
        self._laid_out_for = self.app.size.width
        widths = self.column_widths()
        for column, width in zip(COLUMNS, widths):
            table.add_column(column, key=column, width=width)
        for entry in self.shown:
            cells = [Text(printable(cell), no_wrap=column not in WRAPPED,
                          overflow="fold" if column in WRAPPED else "ellipsis")
                     for column, cell in zip(COLUMNS, entry.cells)]
            wraps = any(column in WRAPPED and len(cell) > width
                        for column, cell, width in zip(COLUMNS, entry.cells, widths))
            table.add_row(*cells, height=2 if wraps else 1)
        self.sub_title = f"{len(self.shown)} of {len(self.entries)} rows"
        if self.shown:
            row = min(row, len(self.shown) - 1) if keep_cursor else 0
            table.move_cursor(row=row)
            self.show_source(row)
        else:
            self.query_one(SourceView).show(None, [], "No row matches the filter.")

    def show_source(self, index: int) -> None:
        """Show the source lines of the shown row ``index`` (0-based) below the table."""
        if 0 <= index < len(self.shown):
            citation = self.shown[index].citation
            self.query_one(SourceView).show(citation, self.assistant.context(citation, radius=2))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_source(event.cursor_row)

    def action_back(self) -> None:
        self.dismiss()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()
