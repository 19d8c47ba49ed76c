"""Command palette (ctrl+p): products' spec tables and the chat's actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from ..records import Product
from .text import literal, printable, shown_identifiers

if TYPE_CHECKING:
    from .app import DatasheetApp

HELP_TITLE = 48  # characters of a product's title under its palette entry (one line at 80 columns)


def highlight(matcher: Matcher, text: str) -> Content:
    """``text`` (literally, never as markup) with the fuzzy-matched characters styled.

    ``Matcher.highlight`` parses its argument as markup, and product titles come from
    datasheets, so the match is styled here instead.
    """
    content = literal(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


@lru_cache(maxsize=None)  # built once a product, not at every keystroke (~110 ms at 10,000)
def product_entry(product: Product) -> tuple[str, str, str]:
    """A product's palette entry: the text shown (``Spec table: ABB 2CDS251001R0164
    (S201-C16, S200) · miniature circuit breaker · System pro M compact S200``), the text
    searched (that, plus identifiers shown only by another spelling, like the file stem)
    and the help line (the sheet's title and file)."""
    shown = shown_identifiers(product)
    text = f"Spec table: {printable(product.name)}"
    if len(shown) > 1:
        text += f" ({', '.join(shown[1:])})"
    about = [v for v in (product.kind, product.series) if v and v not in shown]
    if about:
        text += " · " + " · ".join(about)
    hidden = [i for i in product.identifiers if i not in shown]
    searched = " ".join([text, *hidden])
    title = product.title if product.title not in shown else ""
    if len(title) > HELP_TITLE:
        title = title[:HELP_TITLE - 1].rstrip() + "…"
    return printable(text), printable(searched), printable(" · ".join(v for v in (title, product.source) if v))


class DatasheetCommands(Provider):
    """Spec table of each product (found by any identifier, the vendor, kind or series),
    plus help, new conversation and copying."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object], str]]:
        """``(shown text, searched text, command, help)`` of every command."""
        app: DatasheetApp = self.app  # type: ignore[assignment]
        if app.assistant is not None:
            for product in app.assistant.products():
                text, searched, about = product_entry(product)
                yield text, searched, partial(app.show_spec_table, product.item), about
        for text, command, help in (
                ("Help: keys and what answers mean", app.action_help, "Show the help screen"),
                ("New conversation", app.action_new_conversation, "Clear the chat; follow-ups start afresh"),
                ("Copy answer", app.action_copy_answer, "Copy the selected answer with its sources"),
                ("Copy citation", app.action_copy_citation, "Copy the highlighted citation")):
            yield text, text, command, help

    async def discover(self) -> Hits:
        for text, _searched, command, help in self._commands():
            yield DiscoveryHit(literal(text), command, text=text, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, searched, command, help in self._commands():
            score = matcher.match(searched)
            if score > 0:
                yield Hit(score, highlight(matcher, text), command, text=text, help=help)
