"""The conversation: one :class:`Exchange` (question and answer) per question asked."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import ListItem, ListView, Static

from ...records import Answer, Product
from ..text import answer_text, literal
from .filter_table import DOESNT_SAY, FilterTable, doesnt_say, filter_rows

KIND_LABELS = {
    "spec": "from the spec table",
    "check": "check against the spec table",
    "compare": "comparison",
    "passage": "quoted from the datasheet",
    "filter": "products that match",
    "not_found": "the datasheets don't say",
    "clarify": "please say more",
}
VERDICT_CLASSES = {"yes": "-yes", "no": "-no", "conditional": "-conditional"}
NAMED = 3  # products named in an answer's header; more are counted (a filter may match dozens)


def products_label(items: tuple[str, ...], names: Mapping[str, str]) -> str:
    """The products of an answer for its header, by name (item → ``WAGO 2002-1204``; the
    item when unnamed): ``WAGO 2002-1204, WAGO 770-1252/076-000``; beyond ``NAMED`` the
    rest are counted: ``…, ABB 2CDS251001R0164 and 4 more`` (one more is named)."""
    if len(items) <= NAMED + 1:
        return ", ".join(names.get(item, item) for item in items)
    shown = ", ".join(names.get(item, item) for item in items[:NAMED])
    return f"{shown} and {len(items) - NAMED} more"


class Exchange(ListItem):
    """A question and, once it arrives, its answer.

    The answer's kind sets a class (``-spec``, ``-not_found`` …) and a check's verdict
    another (``-yes``/``-no``/``-conditional``), so the stylesheet can set them apart. A
    ``filter`` answer shows what it asked for, its products in a :class:`FilterTable` and,
    apart below it, the products whose sheets don't say.
    """

    def __init__(self, number: int, question: str) -> None:
        super().__init__(classes="-pending")
        self.number = number
        self.question = question
        self.answer: Answer | None = None
        self.names: Mapping[str, str] = {}  # item → product name, for the answer's products
        self.products: Mapping[str, Product] = {}  # item → product (a filter table's rows)
        self._state = "thinking…"
        self._mounted = False  # answers may arrive before the children are composed

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("› ", "bold $accent"), literal(self.question)), classes="question")
        yield Static(literal(self._state), classes="state")
        yield Static(classes="headline")
        yield Static(classes="body")
        yield Static(classes="doesnt-say")
        yield Static(classes="sources")

    def on_mount(self) -> None:
        self._mounted = True
        if self.answer is not None:
            self.show(self.answer)

    def wait(self, why: str) -> None:
        """Say why there is no answer yet (``queued until the index is ready``)."""
        self._state = why
        if self._mounted:
            self.query_one(".state", Static).update(literal(why))

    def show(self, answer: Answer, names: Mapping[str, str] | None = None,
             products: Mapping[str, Product] | None = None) -> None:
        """Render the answer: its kind and products (by ``names``, item → ``WAGO
        2002-1204``; else as the answer names them), the decisive value, the text, the
        source count; a filter answer's products as a table (``products``: item →
        :class:`Product`, for their names and kinds)."""
        self.answer = answer
        if names is not None:
            self.names = names
        if products is not None:
            self.products = products
        if not self._mounted:
            return
        self.remove_class("-pending")
        self.add_class(f"-{answer.kind}")
        if answer.verdict in VERDICT_CLASSES:
            self.add_class(VERDICT_CLASSES[answer.verdict])
        label = KIND_LABELS.get(answer.kind, answer.kind)
        products = products_label(answer.products, self.names)
        if answer.kind == "filter" and answer.headline:
            products = answer.headline  # the table names them: "3 of 14 products"
        self.query_one(".state", Static).update(literal(f"{label}" + (f" · {products}" if products else "")))
        headline = self.query_one(".headline", Static)
        if answer.headline and answer.kind in ("spec", "check", "compare"):
            headline.update(literal(f" {answer.headline} "))
        else:
            headline.display = False
        self.query_one(".body", Static).update(literal(answer.answer))
        self.query_one(".doesnt-say", Static).display = False
        if answer.kind == "filter":
            self._show_filter(answer)
        sources = self.query_one(".sources", Static)
        if answer.citations:
            n = len(answer.citations)
            sources.update(literal(f"{n} citation{'s' if n > 1 else ''} · see Sources"))
        elif answer.related:
            n = len(answer.related)
            sources.update(literal(f"{n} related passage{'s' if n > 1 else ''} (not an answer) · see Sources"))
        else:
            sources.display = False

    def _show_filter(self, answer: Answer) -> None:
        """The filter answer's lead (what it looked for), its products as a table, then the
        products whose sheets don't say, apart and muted. The text stays whole where it is
        not worded as the filter module words it."""
        for table in self.query(FilterTable):
            table.remove()
        lead = filter_lead(answer, self.names)
        if lead is not None:
            self.query_one(".body", Static).update(literal(lead))
        rows = filter_rows(answer, self.products)
        if rows:
            self.mount(FilterTable(rows, classes="products"), after=self.query_one(".body"))
        unknown, more = doesnt_say(answer, self.products)
        if unknown:
            by_why: dict[str, list[str]] = {}  # one reason stated once for all its products
            for item, why in unknown:
                by_why.setdefault(why, []).append(self.names.get(item, item))
            named = "; ".join(", ".join(names) + (f" ({why})" if why else "") for why, names in by_why.items())
            shown = self.query_one(".doesnt-say", Static)
            shown.update(literal(f"Sheets don't say ({len(unknown)}{'+' if more else ''}), not listed: {named}"
                                 + (", and others" if more else "")))
            shown.display = True

    @property
    def table(self) -> FilterTable | None:
        """A filter answer's table of products (None for other answers)."""
        tables = self.query(FilterTable)
        return tables.first() if tables else None

    def copy_text(self) -> str:
        """What "copy answer" puts on the clipboard."""
        return answer_text(self.answer) if self.answer else self.question


def filter_lead(answer: Answer, names: Mapping[str, str]) -> str | None:
    """What a filter answer's text says it looked for, without the products the table and
    the doesn't-say line show: ``Products that satisfy IP67``, ``None of the products
    satisfies rated current = 63 A.``; None when the text is not worded so."""
    text = answer.answer
    if answer.products:
        first = names.get(answer.products[0], answer.products[0])
        at = text.find(f": {first}")
        return text[:at] if at > 0 else None
    at = text.find(DOESNT_SAY)
    return text[:at] if at > 0 else text


class Conversation(ListView, can_focus_children=True):
    """The list of exchanges; the highlighted one is the selected answer. ``names`` (item →
    ``Product.name``) names the products in the answers' headers, ``products`` (item →
    :class:`Product`) fills filter tables; the app sets both. A filter answer's table is
    focusable (tab, or Enter on its exchange)."""

    BINDINGS = [Binding("c", "copy_answer", "Copy answer")]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.names: Mapping[str, str] = {}
        self.products: Mapping[str, Product] = {}

    class AnswerSelected(Message):
        """The selected exchange changed (``answer`` is None while it is pending);
        ``product`` is the item under a filter table's cursor, whose citation to show."""

        def __init__(self, answer: Answer | None, product: str | None = None) -> None:
            super().__init__()
            self.answer, self.product = answer, product

    def add(self, number: int, question: str) -> Exchange:
        """Append a pending exchange and select it."""
        exchange = Exchange(number, question)
        self.append(exchange)
        self.index = len(self) - 1
        return exchange

    def exchange(self, number: int) -> Exchange | None:
        """The exchange of question ``number``, if it is still in the conversation."""
        return next((e for e in self.query(Exchange) if e.number == number), None)

    @property
    def selected(self) -> Exchange | None:
        """The highlighted exchange."""
        item = self.highlighted_child
        return item if isinstance(item, Exchange) else None

    def show_answer(self, number: int, answer: Answer) -> None:
        """Fill in the answer of question ``number``; re-announce it when it is selected."""
        exchange = self.exchange(number)
        if exchange is None:
            return
        exchange.show(answer, self.names, self.products)
        if exchange is self.selected:
            self.post_message(self.AnswerSelected(answer))

    def select_exchange(self, exchange: Exchange) -> None:
        """Make ``exchange`` the selected one (its sources are then shown)."""
        children = list(self.query_children(Exchange))
        if exchange in children and self.index != children.index(exchange):
            self.index = children.index(exchange)

    def _on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        if event.list_view is self:
            item = event.item
            if isinstance(item, Exchange):
                table = item.table
                current = table.current if table is not None else None
                self.post_message(self.AnswerSelected(item.answer, current.item if current else None))
            else:
                self.post_message(self.AnswerSelected(None))

    def _on_list_view_selected(self, event: ListView.Selected) -> None:
        """Enter on a filter answer goes into its table of products."""
        if event.list_view is self and isinstance(event.item, Exchange) and event.item.table is not None:
            event.item.table.focus()

    def action_copy_answer(self) -> None:
        exchange = self.selected
        if exchange is None:
            self.notify("No answer to copy yet.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(exchange.copy_text())
        self.notify("Answer copied to the clipboard.", markup=False)
