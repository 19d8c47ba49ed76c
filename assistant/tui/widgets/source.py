"""The source pane: the selected answer's citations and the cited passage in its context."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...records import Answer, Citation, ContextLine
from ..text import citation_heading, citation_option, citation_text, literal

ContextLookup = Callable[[Citation, int], list[ContextLine]]
ProductNames = Mapping[str, str]  # item number → how the product is shown (``Product.name``)


def line_label(line: ContextLine) -> str:
    """The number shown beside a line: its line number, for a PDF its line on the page
    (nothing for a blank line between paragraphs)."""
    if line.page:
        return str(line.page_line) if line.page_line else ""
    return str(line.number)


class ContextRow(Horizontal):
    """One datasheet line: its number (for a PDF: line on the page) and text (``-cited``
    when the citation quotes it). Two widgets rather than one string so a wrapped line
    keeps its hanging indent."""

    def __init__(self, line: ContextLine, width: int) -> None:
        super().__init__(classes="-cited" if line.cited else "")
        self.line, self.number_width = line, width

    def compose(self) -> ComposeResult:
        yield Static(literal(line_label(self.line).rjust(self.number_width)), classes="number")
        yield Static(literal(self.line.text), classes="text")


def context_rows(citation: Citation, lines: list[ContextLine]) -> list[Static | ContextRow]:
    """The rows showing ``lines``: for a PDF, a ``page N`` divider wherever the page
    changes (and first, when the lines start on another page than the citation's)."""
    width = max(len(line_label(l)) for l in lines)
    rows: list[Static | ContextRow] = []
    page = citation.page
    for line in lines:
        if line.page and line.page != page:
            rows.append(Static(literal(f"page {line.page}"), classes="page"))
        page = line.page or page
        rows.append(ContextRow(line, width))
    return rows


class SourceView(Vertical):
    """One citation shown in the datasheet's own lines, cited lines highlighted; the
    heading (datasheet, section, lines) stays put while the lines scroll."""

    def compose(self) -> ComposeResult:
        yield Static(classes="heading")
        yield VerticalScroll(classes="lines")

    def show(self, citation: Citation | None, lines: list[ContextLine], hint: str = "",
             product: str = "") -> None:
        """Show ``lines`` around ``citation``; without a citation, the ``hint``. The heading
        names the ``product`` when given (``WAGO 2002-1204``)."""
        heading = self.query_one(".heading", Static)
        self.set_class(citation is None, "-empty")
        heading.update(citation_heading(citation, product) if citation else "")
        scroll = self.query_one(".lines", VerticalScroll)
        with self.app.batch_update():
            scroll.remove_children()
            if citation is None:
                scroll.mount(Static(literal(hint), classes="hint"))
            elif not lines:
                scroll.mount(Static(literal("(these lines are not in the index)"), classes="hint"))
            else:
                scroll.mount_all(context_rows(citation, lines))
            scroll.scroll_home(animate=False)


class SourcePane(Vertical):
    """Citations of the selected answer (or, for a refusal, its related passages, marked as
    not an answer); the highlighted citation's passage below them, headed by its product's
    name from ``names`` (item → name; the item itself when missing)."""

    BINDINGS = [Binding("c", "copy_citation", "Copy citation")]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.context: ContextLookup | None = None
        self.names: ProductNames = {}
        self.citations: tuple[Citation, ...] = ()
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static(literal("Sources"), classes="title")
        yield OptionList(id="citations")
        yield SourceView(id="passage")

    def on_mount(self) -> None:
        self.show(None)

    def show(self, answer: Answer | None, product: str | None = None) -> None:
        """Show the citations of ``answer`` (None: nothing selected or still pending), the
        first of ``product``'s highlighted when given (a filter table's row), else the first."""
        self.answer = answer
        title = self.query_one(".title", Static)
        options = self.query_one(OptionList)
        self.remove_class("-related")
        if answer is None:
            self.citations = ()
            title.update(literal("Sources"))
        elif answer.citations:
            self.citations = answer.citations
            title.update(literal(f"Sources · {len(self.citations)}"))
        elif answer.related:
            self.citations = answer.related
            self.add_class("-related")
            title.update(literal("Related passages — not an answer"))
        else:
            self.citations = ()
            title.update(literal("Sources · none"))
        options.clear_options()
        options.add_options([Option(citation_option(c)) for c in self.citations])
        options.display = bool(self.citations)
        if self.citations:
            options.highlighted = 0
            if product is not None:
                self.show_product(product)
        else:
            hint = "Ask a question; the cited datasheet lines appear here." if answer is None \
                else "This answer cites no datasheet lines."
            self.query_one(SourceView).show(None, [], hint)

    def show_product(self, item: str) -> None:
        """Highlight the first citation of product ``item`` (its lines are then shown)."""
        index = next((n for n, c in enumerate(self.citations) if c.product == item), None)
        if index is not None:
            self.query_one(OptionList).highlighted = index

    @property
    def citation(self) -> Citation | None:
        """The highlighted citation."""
        index = self.query_one(OptionList).highlighted
        return self.citations[index] if index is not None and index < len(self.citations) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        citation = self.citation
        if citation is not None:
            # Fewer lines around the citation in a short pane, so the cited ones show
            # without scrolling.
            radius = 2 if self.screen.has_class("-narrow") else 4
            lines = self.context(citation, radius) if self.context else []
            self.query_one(SourceView).show(citation, lines,
                                            product=self.names.get(citation.product, citation.product))

    def action_copy_citation(self) -> None:
        citation = self.citation
        if citation is None:
            self.notify("No citation to copy.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(citation_text(citation))
        self.notify("Citation copied to the clipboard.", markup=False)
