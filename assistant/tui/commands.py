"""Command palette (ctrl+p): products' spec tables and the chat's actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from .text import literal

if TYPE_CHECKING:
    from .app import DatasheetApp


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


class DatasheetCommands(Provider):
    """Spec table of each product, plus help, new conversation and copying."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app: DatasheetApp = self.app  # type: ignore[assignment]
        if app.assistant is not None:
            for product in app.assistant.products():
                about = product.title if product.title != product.item else f"{product.family} {product.kind}"
                yield (f"Spec table: {product.item} {about}".strip(),
                       partial(app.show_spec_table, product.item),
                       "Browse every row of the datasheet's spec table, filter as you type")
        yield "Help: keys and what answers mean", app.action_help, "Show the help screen"
        yield "New conversation", app.action_new_conversation, "Clear the chat; follow-ups start afresh"
        yield "Copy answer", app.action_copy_answer, "Copy the selected answer with its sources"
        yield "Copy citation", app.action_copy_citation, "Copy the highlighted citation"

    async def discover(self) -> Hits:
        for text, command, help in self._commands():
            yield DiscoveryHit(literal(text), command, text=text, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlight(matcher, text), command, text=text, help=help)
