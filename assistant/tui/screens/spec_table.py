"""The spec table of one product: every row, approval and accessory, filter as you type."""

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
from ...records import Citation, SpecTable
from ..text import lines_label, literal, printable
from ..widgets.source import SourceView

COLUMNS = ("Attribute", "Value", "Standard", "Section", "Lines")
WIDTH_CAPS = (34, 30, 16, 44, 14)


@dataclass(frozen=True)
class Entry:
    """One line of the table: its cells (plain text) and the datasheet lines it comes from."""

    cells: tuple[str, str, str, str, str]
    citation: Citation

    @property
    def search_text(self) -> str:
        """The row's cells as one case-folded string, for the filter."""
        return " ".join(self.cells).casefold()


def entries(table: SpecTable) -> list[Entry]:
    """Rows, then approvals, then accessories, in datasheet order."""
    item = table.product.item
    out = []
    for r in table.rows:
        out.append(Entry((r.label, r.value, r.standard, r.section, lines_label(r.line_start, r.line_end)),
                         Citation(item, r.source, r.section, r.line_start, r.line_end, r.raw)))
    for a in table.approvals:
        section = f"Approvals / Certificates › {a.group}" if a.group else "Approvals / Certificates"
        value = " ".join(v for v in (a.certificate, a.note) if v)
        out.append(Entry((f"{a.approval} ({a.issuer})" if a.issuer else a.approval, value, a.standard,
                          section, lines_label(a.line_start, a.line_end)),
                         Citation(item, a.source, section, a.line_start, a.line_end, value)))
    for a in table.accessories:
        out.append(Entry((a.group, f"{a.item_number} {a.description}", "", a.group,
                          lines_label(a.line_start, a.line_end)),
                         Citation(item, a.source, a.group, a.line_start, a.line_end, a.description)))
    return out


def matches(entry: Entry, query: str) -> bool:
    """Every word of the filter occurs somewhere in the row (case-insensitive)."""
    text = entry.search_text
    return all(word in text for word in query.casefold().split())


class SpecTableScreen(Screen[None]):
    """A product's whole spec table; the highlighted row's source lines below it."""

    CSS_PATH = "spec_table.tcss"
    AUTO_FOCUS = "#filter"
    BINDINGS = [
        Binding("escape", "back", "Back to chat"),
        Binding("ctrl+f", "focus_filter", "Filter"),
    ]

    def __init__(self, assistant: Assistant, item: str) -> None:
        super().__init__()
        self.assistant = assistant
        self.table = assistant.spec_table(item)
        self.entries = entries(self.table)
        self.shown: list[Entry] = []

    def compose(self) -> ComposeResult:
        product = self.table.product
        yield Header()
        with Vertical(id="spec"):
            yield Static(Content.assemble(
                (product.item, "bold"), "  ",
                literal(" · ".join(v for v in (product.title, product.family, product.kind) if v and v != product.item),
                        "$text-muted"),
                "  ", (product.source, "$text-muted")), id="product")
            yield Input(placeholder="Filter rows (e.g. strip, current, UL)…", id="filter", select_on_focus=False)
            yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
            yield SourceView(id="row-source")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Spec table · {self.table.product.item}"
        self.refill("")

    def refill(self, query: str) -> None:
        """Show the entries matching ``query``; an empty query shows all."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.shown = [e for e in self.entries if matches(e, query)]
        # Widths fit the rows shown, capped so one long approval issuer or accessory
        # description does not push the value off a small terminal.
        for n, (column, cap) in enumerate(zip(COLUMNS, WIDTH_CAPS)):
            width = max((len(e.cells[n]) for e in self.shown), default=0)
            table.add_column(column, key=column, width=min(max(width, len(column)), cap))
        for entry in self.shown:
            table.add_row(*(Text(printable(cell)) for cell in entry.cells))
        count = f"{len(self.shown)} of {len(self.entries)} rows"
        self.sub_title = count
        if self.shown:
            table.move_cursor(row=0)
            self.show_source(0)
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
