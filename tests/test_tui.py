"""The chat TUI driven like a user would: typed questions on the shipped corpus, and vendors'
products on the multi-vendor corpus (``vendor_assistant``, tests/conftest.py) (Pilot)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.fuzzy import Matcher
from textual.widgets import DataTable, Input, OptionList, Static

from assistant.answer.assistant import Assistant
from assistant.records import Answer, Citation, ContextLine, Fact
from assistant.tui.app import DatasheetApp, make_app
from assistant.tui.commands import highlight
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.spec_table import COLUMNS, SpecTableScreen
from assistant.vocabulary import vocabulary
from assistant.tui.widgets.conversation import Conversation, Exchange
from assistant.tui.widgets.filter_table import FilterTable, doesnt_say
from assistant.tui.widgets.question_input import QuestionInput
from assistant.tui.widgets.source import ContextRow, SourcePane

SIZE = (100, 30)


async def ask(pilot, question: str) -> Exchange:
    """Type ``question`` into the question line, press enter, wait for the answer."""
    app = pilot.app
    app.query_one(QuestionInput).focus()
    await pilot.press(*["space" if c == " " else c for c in question])
    await pilot.press("enter")
    return await settle(pilot)


async def settle(pilot) -> Exchange | None:
    """Wait for workers and messages; the latest exchange."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    exchanges = pilot.app.query(Exchange)
    return exchanges.last() if exchanges else None


def text_of(exchange: Exchange, part: str) -> str:
    return str(exchange.query_one(f".{part}", Static).content)


def passage_lines(app: DatasheetApp, screen=None) -> list[tuple[int, str, bool]]:
    """``(number, text, cited)`` of the lines shown in the (first) source view."""
    root = screen or app.screen
    return [(row.line.number, row.line.text, row.has_class("-cited")) for row in root.query(ContextRow)]


async def test_spec_answer_shows_value_and_cited_source(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        exchange = await ask(pilot, "rated current 2002-1204")
        assert exchange.answer is not None and exchange.answer.kind == "spec"
        assert text_of(exchange, "headline").strip() == "24 A"
        assert exchange.query_one(".headline").display
        assert "Rated current 24 A" in text_of(exchange, "body")
        assert text_of(exchange, "question") == "› rated current 2002-1204"

        pane = app.query_one(SourcePane)
        assert pane.citations == exchange.answer.citations
        assert app.query_one("#citations", OptionList).option_count == len(exchange.answer.citations)
        lines = passage_lines(app)
        cited = [(n, t) for n, t, c in lines if c]
        assert cited == [(9, "Rated current 24 A")]
        assert any(not c for _, _, c in lines), "the cited line is shown in its surrounding text"

        # Moving through the citations updates the passage.
        app.query_one("#citations", OptionList).focus()
        await pilot.press("down")
        await pilot.pause()
        second = exchange.answer.citations[1]
        assert [n for n, _, c in passage_lines(app) if c] == list(range(second.line_start, second.line_end + 1))


async def test_check_answer_shows_verdict(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        exchange = await ask(pilot, "does 6 mm² fit the 2002-1204?")
        assert exchange.answer.kind == "check" and exchange.answer.verdict == "no"
        assert exchange.has_class("-no")
        assert text_of(exchange, "headline").strip().startswith("no: ")
        exchange = await ask(pilot, "does 2.5 mm² fine-stranded with a ferrule fit the 770 plug?")
        assert exchange.answer.verdict == "conditional"
        assert exchange.has_class("-conditional")
        assert text_of(exchange, "headline").strip() == exchange.answer.headline
        assert [c for _, _, c in passage_lines(app)].count(True) >= 1


async def test_not_found_is_visibly_not_an_answer(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        exchange = await ask(pilot, "what is the insulation resistance of the 2002-1204?")
        assert exchange.answer.kind == "not_found"
        assert exchange.answer.related  # the close rows, shown apart
        assert exchange.has_class("-not_found")
        assert not exchange.query_one(".headline").display
        assert text_of(exchange, "state").startswith("the datasheets don't say")
        assert "not an answer" in text_of(exchange, "sources")
        pane = app.query_one(SourcePane)
        assert pane.has_class("-related")
        assert str(pane.query_one(".title", Static).content) == "Related passages — not an answer"
        assert pane.citations == exchange.answer.related


async def test_follow_up_keeps_the_conversation(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        first = await ask(pilot, "strip length 2002-1204")
        assert first.answer.products == ("2002-1204",)
        assert text_of(first, "state") == "from the spec table · WAGO 2002-1204"  # vendor and item
        assert "10 … 12 mm" in first.answer.headline
        second = await ask(pilot, "and for the 770 plug?")
        assert second.answer.products == ("770-1252/076-000",)
        assert second.answer.kind == "spec"
        assert text_of(second, "headline").strip() == "9 mm / 0.35 inch"
        assert app.questions == ["strip length 2002-1204", "and for the 770 plug?"]

        # Selecting the earlier answer shows its sources again.
        app.query_one(Conversation).focus()
        await pilot.press("up")
        await pilot.pause()
        assert app.query_one(SourcePane).citations == first.answer.citations
        assert [n for n, _, c in passage_lines(app) if c] == [65]

        # A new conversation forgets the product.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.questions == [] and len(app.query(Exchange)) == 0


async def test_markup_in_a_question_is_shown_literally(assistant: Assistant):
    question = "[bold]x[/bold] [@click=app.quit]y"
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        exchange = await ask(pilot, question)
        assert app.is_running
        assert text_of(exchange, "question") == f"› {question}"
        assert exchange.answer is not None and exchange.answer.question == question
        await pilot.click(exchange.query_one(".question"))
        await pilot.pause()
        assert app.is_running
        assert app.query_one(QuestionInput).history == [question]


async def test_ansi_escapes_and_long_words_render_literally(assistant: Assistant):
    question = "\x1b[31mred\x1b[0m strip length 2002-1204 " + "x" * 300
    app = make_app(assistant=assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(QuestionInput).value = question
        await pilot.press("enter")
        exchange = await settle(pilot)
        assert text_of(exchange, "question").startswith("› ␛[31mred␛[0m strip length")
        conversation = app.query_one(Conversation)
        assert conversation.max_scroll_x == 0
        assert exchange.region.right <= conversation.region.right
        assert app.is_running


async def test_datasheet_text_is_never_markup(assistant: Assistant):
    """Source-pane text comes from datasheets: markup and escapes there stay characters."""
    nasty = "[bold]24 A[/bold] [@click=app.quit]quit[/] \x1b[2J"
    citation = Citation("2002-1204", "corpus/[red]x.txt", "Electrical [b]data", 9, 9, nasty)
    answer = Answer("q", "spec", nasty, ("2002-1204",), headline=nasty, citations=(citation,))
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(SourcePane)
        pane.context = lambda c, radius: [ContextLine(8, "[i]before", False), ContextLine(9, nasty, True)]
        pane.show(answer)
        await pilot.pause()
        await pilot.pause()
        rows = list(app.query(ContextRow))
        assert str(rows[1].query_one(".text", Static).content) == "[bold]24 A[/bold] [@click=app.quit]quit[/] ␛[2J"
        assert str(app.query_one("#citations", OptionList).get_option_at_index(0).prompt).startswith(
            "L9 Electrical [b]data · corpus/[red]x.txt")
        await pilot.click(rows[1].query_one(".text"))
        await pilot.pause()
        assert app.is_running


async def test_input_history_up_and_down(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "strip length 2002-1204")
        await ask(pilot, "rated current 2002-1204")
        field = app.query_one(QuestionInput)
        await pilot.press("d", "r", "a")
        await pilot.press("up")
        assert field.value == "rated current 2002-1204"
        await pilot.press("up")
        assert field.value == "strip length 2002-1204"
        await pilot.press("up")
        assert field.value == "strip length 2002-1204"
        await pilot.press("down")
        assert field.value == "rated current 2002-1204"
        await pilot.press("down")
        assert field.value == "dra", "the line being typed comes back"
        await pilot.press("up", "enter")
        exchange = await settle(pilot)
        assert exchange.question == "rated current 2002-1204"


async def test_spec_table_filter_narrows_rows_and_shows_source(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "strip length 2002-1204")
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SpecTableScreen)
        table = screen.query_one(DataTable)
        total = table.row_count
        assert total == len(screen.entries) > 40
        await pilot.press(*"strip")
        await pilot.pause()
        assert 0 < table.row_count < total
        assert all("strip" in e.search_text for e in screen.shown)
        assert screen.shown[0].cells[:3] == ("Strip length", "strip length", "10 … 12 mm / 0.39 … 0.47 inch")
        assert [n for n, _, c in passage_lines(app, screen) if c] == [65]
        await pilot.press("space", *"current")
        await pilot.pause()
        assert table.row_count == 0
        screen.query_one("#filter").value = "rated current UL"
        await pilot.pause()
        assert table.row_count >= 2 and all(e.cells[0].startswith("Rated current UL") for e in screen.shown)
        # Moving through rows shows each row's lines.
        await pilot.press("enter", "down")
        await pilot.pause()
        row = screen.shown[1].citation
        assert [n for n, _, c in passage_lines(app, screen) if c] == [row.line_start]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SpecTableScreen)


async def test_command_palette_opens_a_products_spec_table(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"spec table 770")
        await app.workers.wait_for_complete()  # the palette searches in a worker
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecTableScreen)
        assert app.screen.table.product.item == "770-1252/076-000"


def table_rows(screen: SpecTableScreen) -> list[dict[str, str]]:
    """The rows the spec table shows, as column name → cell text."""
    table = screen.query_one(DataTable)
    return [dict(zip(COLUMNS, (str(cell) for cell in table.get_row_at(n)))) for n in range(table.row_count)]


async def filter_rows(pilot, screen: SpecTableScreen, text: str) -> list[str]:
    """Put ``text`` into the filter (the field posts the same ``Changed`` message as when
    typed, see test_spec_table_filter_narrows_rows_and_shows_source); the attributes of
    the rows left."""
    screen.query_one("#filter", Input).value = text
    await pilot.pause()
    return [row["Attribute"] for row in table_rows(screen)]


async def test_vendor_spec_table_shows_vendor_identifiers_and_features(vendor_assistant: Assistant):
    """ABB's miniature circuit breaker (a PDF), reached by its type designation."""
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=SIZE) as pilot:
        exchange = await ask(pilot, "rated current of the S201-C16")
        assert exchange.answer.products == ("2CDS251001R0164",)
        assert text_of(exchange, "state") == "from the spec table · ABB 2CDS251001R0164"
        heading = str(app.query_one("#passage .heading", Static).content)
        assert heading.startswith("ABB 2CDS251001R0164 · page 1, line 16 · ")

        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SpecTableScreen)
        assert screen.title == "Spec table · ABB 2CDS251001R0164"
        header = str(screen.query_one("#product", Static).content)
        first, second = header.split("\n")
        assert first.startswith("ABB 2CDS251001R0164  miniature circuit breaker · System pro M compact S200")
        assert second == "Identifiers 2CDS251001R0164 · S201-C16 · S200  corpus/2CDS251001R0164.pdf"

        assert [str(c.label) for c in screen.query_one(DataTable).columns.values()] == list(COLUMNS)
        rows = {row["Attribute"]: row for row in table_rows(screen)}
        # PDF rows stand at a page and a line on it (page 1 line 16 as pdfplumber reads the page)
        assert rows["Rated current (In)"] | {"Section": ""} == {
            "Attribute": "Rated current (In)", "Feature": "rated current", "Value": "16 A",
            "Standard": "", "Section": "", "Lines": "page 1, line 16"}
        cross_section = vocabulary().features["cross_section"].name
        assert rows["Conductor cross-section flexible"]["Feature"] == f"{cross_section} · fine-stranded"
        assert rows["Conductor cross-section rigid (solid and stranded)"]["Feature"] == f"{cross_section} · solid"
        labels = [r.label for r in screen.table.rows]
        unknown = next(r.label for r in screen.table.rows if not r.feature and labels.count(r.label) == 1)
        assert rows[unknown]["Feature"] == ""  # a label the vocabulary does not know

        # the highlighted row's lines below the table, by page and line on the page
        assert (await filter_rows(pilot, screen, "rated current"))[0] == "Rated current (In)"
        below = screen.query_one("#row-source")
        assert str(below.query_one(".heading", Static).content).startswith("page 1, line 16 · ")
        cited = [str(row.query_one(".number", Static).content).strip()
                 for row in below.query(ContextRow) if row.has_class("-cited")]
        assert cited == ["16"]


async def test_spec_table_filter_finds_rows_by_feature_and_conductor_class(vendor_assistant: Assistant):
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_spec_table("2CDS251001R0164")
        await pilot.pause()
        screen = app.screen
        # the vocabulary's names for rows printed "EAN" and "Max. altitude"
        assert await filter_rows(pilot, screen, "gtin") == ["EAN"]
        assert await filter_rows(pilot, screen, "installation altitude") == ["Max. altitude"]
        assert await filter_rows(pilot, screen, "fine-stranded") == ["Conductor cross-section flexible"]
        assert await filter_rows(pilot, screen, "cross section solid") == [
            "Conductor cross-section rigid (solid and stranded)"]
        assert screen.sub_title == f"1 of {len(screen.entries)} rows"


@pytest.mark.parametrize("query, item, shown", [
    ("S201-C16", "2CDS251001R0164", "Spec table: ABB 2CDS251001R0164 (S201-C16, S200)"),
    ("siemens", "LZS:RT78725", "Spec table: Siemens LZS:RT78725"),
    ("A2C", "1521850000", "Spec table: Weidmüller 1521850000 (A2C 2.5)"),
    ("770-1252_076-000", "770-1252/076-000", "Spec table: WAGO 770-1252/076-000 · plug"),  # the file stem
    ("surge protective", "167592", "Spec table: Eaton 167592"),  # the kind
])
async def test_palette_finds_a_product_by_any_identifier_vendor_or_kind(vendor_assistant: Assistant, query, item, shown):
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*["space" if c == " " else c for c in query])
        await app.workers.wait_for_complete()  # the palette searches in a worker
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        first = palette.query_one(CommandList).get_option_at_index(0)
        assert str(first.prompt).startswith(shown)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecTableScreen)
        assert app.screen.table.product.item == item


async def test_answer_naming_many_products_keeps_its_header_short(vendor_assistant: Assistant):
    """A filter answer may name every product: the header names three and counts the rest,
    so it stays within two lines at 80×24."""
    products = vendor_assistant.products()
    question = "which products take 2.5 mm²?"
    answer = Answer(question, "filter", "They all do.", tuple(p.item for p in products))
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = app.query_one(Conversation)
        exchange = conversation.add(1, question)
        await pilot.pause()
        conversation.show_answer(1, answer)
        await pilot.pause()
        named = ", ".join(p.name for p in products[:3])
        assert text_of(exchange, "state") == f"products that match · {named} and {len(products) - 3} more"
        assert exchange.query_one(".state").region.height <= 2
        conversation.show_answer(1, replace(answer, products=answer.products[:4]))  # one more: named
        await pilot.pause()
        assert text_of(exchange, "state") == "products that match · " + ", ".join(p.name for p in products[:4])


FILTER_BANK = Path(__file__).parent / "questions" / "filter.jsonl"


def bank_question(id_: str) -> dict:
    """A question of the shipped filter bank by its id."""
    return next(q for q in map(json.loads, FILTER_BANK.read_text(encoding="utf-8").splitlines()) if q["id"] == id_)


def items_of(assistant: Assistant, identifiers: list[str]) -> set[str]:
    """The items of the products the bank names by any of their identifiers."""
    products = assistant.products()
    return {next(p.item for p in products if i == p.item or i in p.identifiers) for i in identifiers}


def cited_numbers(app: DatasheetApp) -> list[int]:
    return [n for n, _, cited in passage_lines(app) if cited]


async def open_table(pilot) -> FilterTable:
    """Focus the selected filter answer's table the keyboard way: the conversation, then
    Enter on the answer."""
    app = pilot.app
    app.query_one(Conversation).focus()
    await pilot.press("enter")
    await pilot.pause()
    table = app.query_one(Conversation).selected.table
    assert table is not None and table.has_focus
    return table


@pytest.mark.parametrize("id_", ["F037", "F009"])
async def test_filter_answer_lists_its_products_in_a_table(vendor_assistant: Assistant, id_):
    """A catalogue question of the shipped bank: its matching products are the table's rows
    (name, kind, value as printed, source), the products whose sheets don't say are listed
    apart below it, and all of it fits 80×24."""
    question = bank_question(id_)
    products = {p.item: p for p in vendor_assistant.products()}
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        exchange = await ask(pilot, question["question"])
        answer = exchange.answer
        assert answer.kind == "filter"
        table = exchange.table
        assert table is not None
        rows = table.rows_shown
        assert {r.item for r in rows} == items_of(vendor_assistant, question["products"])
        assert [r.item for r in rows] == list(answer.products)  # best first, as answered
        assert table.row_count == len(rows)
        for n, row in enumerate(rows):
            product = products[row.item]
            assert (row.name, row.kind) == (product.name, product.kind)
            facts = [f.value for f in answer.facts if f.product == row.item]
            assert facts and all(value in row.value for value in facts), "the deciding values as printed"
            first = next(c for c in answer.citations if c.product == row.item)
            assert row.citation == first
            shown = [str(cell) for cell in table.get_row_at(n)]
            assert shown[0].split("\n")[-1].endswith(row.item)  # the item is never cut
            assert shown[3].startswith(f"L{first.line_start}") and Path(first.source).name[:8] in shown[3]
            for cell, column in zip(shown, table.ordered_columns):
                assert all(len(line) <= column.width for line in cell.split("\n"))
        assert text_of(exchange, "state") == f"products that match · {answer.headline}"
        assert "satisfy" in text_of(exchange, "body") and products[rows[0].item].name not in text_of(exchange, "body")

        # the products whose sheets don't say: apart, below the table, none of them a row
        unknown = items_of(vendor_assistant, question["doesnt_say"])
        assert {item for item, _ in doesnt_say(answer, products)[0]} == unknown
        apart = exchange.query_one(".doesnt-say", Static)
        assert apart.display and apart.region.y >= table.region.bottom
        said = str(apart.content)
        assert all(products[item].name in said for item in unknown)
        assert not any(products[r.item].name in said for r in rows)
        assert not unknown & {r.item for r in rows}

        # 80×24: nothing sticks out sideways
        conversation = app.query_one(Conversation)
        assert conversation.max_scroll_x == 0 and table.max_scroll_x == 0
        assert table.region.right <= exchange.region.right
        assert app.query_one(QuestionInput).region.bottom <= 23


async def test_filter_table_row_shows_its_source_and_opens_its_spec_table(vendor_assistant: Assistant):
    """↑/↓ (or a click) on a product shows its cited line in the source pane; Enter (or a
    second click) on it opens that product's spec table at the cited row."""
    question = bank_question("F037")  # which products are IP67
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        exchange = await ask(pilot, question["question"])
        table = await open_table(pilot)
        rows = table.rows_shown
        pane = app.query_one(SourcePane)
        assert pane.citation == rows[0].citation
        assert cited_numbers(app) == list(range(rows[0].citation.line_start, rows[0].citation.line_end + 1))

        await pilot.press("down")
        await pilot.pause()
        second = rows[1].citation
        assert pane.citation == second and second.product == rows[1].item
        assert cited_numbers(app) == list(range(second.line_start, second.line_end + 1))
        assert any("IP67" in text for _, text, cited in passage_lines(app) if cited)

        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SpecTableScreen)
        assert screen.table.product.item == rows[1].item
        at = screen.shown[screen.query_one(DataTable).cursor_row]
        assert (at.citation.source, at.citation.line_start) == (second.source, second.line_start)
        assert at.cells[1] == "IP rating"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen and table.has_focus

        # the mouse: a click on a row shows its source, a second click opens it
        third = rows[2]
        y = 1 + sum(table.rows[r.item].height for r in rows[:2])  # below the header and two rows
        await pilot.click(table, offset=(3, y))
        await pilot.pause()
        assert pane.citation == third.citation
        assert cited_numbers(app) == list(range(third.citation.line_start, third.citation.line_end + 1))
        assert not isinstance(app.screen, SpecTableScreen)
        await pilot.click(table, offset=(3, y))
        await pilot.pause()
        assert isinstance(app.screen, SpecTableScreen) and app.screen.table.product.item == third.item


async def test_filter_table_of_an_earlier_answer_brings_its_sources_back(vendor_assistant: Assistant):
    """Picking a product in an earlier filter answer's table makes that answer the
    selected one again, its sources at that product."""
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(100, 40)) as pilot:
        first = await ask(pilot, bank_question("F037")["question"])
        await ask(pilot, "strip length 2002-1204")
        pane = app.query_one(SourcePane)
        assert pane.answer is not first.answer
        table = first.table
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        await pilot.pause()
        assert app.query_one(Conversation).selected is first
        assert pane.answer is first.answer and pane.citation == table.rows_shown[1].citation


async def test_filter_table_shows_datasheet_text_literally(vendor_assistant: Assistant):
    """Values and quotes in the table come from datasheets: markup stays characters."""
    products = vendor_assistant.products()
    item = products[0].item
    nasty = "[bold]IP67[/bold] [@click=app.quit]x"
    citation = Citation(item, "corpus/[red]x.txt", "Data", 5, 5, nasty)
    answer = Answer("which [b]?", "filter", f"Products that satisfy IP67: {products[0].name} ({nasty}).", (item,),
                    headline="1 of 14 products", facts=(Fact(item, "IP", nasty, "Data", "corpus/[red]x.txt", 5),),
                    citations=(citation,))
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        conversation = app.query_one(Conversation)
        exchange = conversation.add(1, answer.question)
        await pilot.pause()
        conversation.show_answer(1, answer)
        await pilot.pause()
        table = exchange.table
        assert table.rows_shown[0].value == nasty
        assert str(table.get_row_at(0)[2]).replace("\n", " ") == nasty
        assert text_of(exchange, "body") == "Products that satisfy IP67"
        assert not exchange.query_one(".doesnt-say").display
        await pilot.click(table, offset=(3, 1))
        await pilot.pause()
        assert app.is_running


async def test_ctrl_t_opens_the_spec_table_at_the_cited_row(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        exchange = await ask(pilot, "strip length 770 plug")
        cited = app.query_one(SourcePane).citation
        assert cited is not None and cited.product == "770-1252/076-000"
        await pilot.press("ctrl+t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SpecTableScreen)
        table = screen.query_one(DataTable)
        at = screen.shown[table.cursor_row]
        assert table.cursor_row > 0 and at.citation.line_start == cited.line_start
        assert at.cells[0] == "Strip length"
        assert [n for n, _, c in passage_lines(app, screen) if c] == [cited.line_start]
        top = sum(row.height for row in table.ordered_rows[:table.cursor_row])  # lines above the row
        assert table.scroll_y <= top < table.scroll_y + table.scrollable_content_region.height - 1, "in view"


async def test_welcome_lists_every_datasheet_of_a_catalogue(vendor_assistant: Assistant):
    """14 datasheets at 80×24: the welcome counts them and scrolls to the last."""
    products = vendor_assistant.products()
    app = make_app(assistant=vendor_assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        welcome = app.query_one("#welcome")
        text = str(app.query_one("#welcome-text", Static).content)
        assert f"{len(products)} datasheets" in text and all(p.name in text for p in products)
        assert welcome.max_scroll_y > 0
        assert welcome.region.bottom <= app.query_one(SourcePane).region.y
        welcome.scroll_end(animate=False)
        await pilot.pause()
        assert welcome.scroll_y == welcome.max_scroll_y


async def test_help_and_copy(assistant: Assistant):
    app = make_app(assistant=assistant)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)

        exchange = await ask(pilot, "rated current 2002-1204")
        app.query_one(Conversation).focus()
        await pilot.press("c")
        assert app.clipboard.startswith("Q: rated current 2002-1204\nA: 2002-1204: Rated current 24 A")
        assert "line 9" in app.clipboard
        app.query_one("#citations", OptionList).focus()
        await pilot.press("c")
        assert app.clipboard == f"“Rated current 24 A” — {exchange.answer.citations[0].source} · " \
            "Electrical data › Ratings per IEC/EN 60664-1 · line 9"


async def test_question_asked_while_loading_is_queued(monkeypatch, corpus_dir, index_dir, embedder):
    """The first frame comes before the index is open; a question typed then is answered
    once it is."""
    gate = threading.Event()
    original = Assistant.open

    def slow_open(index_dir=None, corpus_dir=None, progress=None, embedder_=None, on_rebuild=None, on_notice=None):
        assert gate.wait(30)
        return original(index_dir, corpus_dir, progress=progress, embedder=embedder, on_rebuild=on_rebuild,
                        on_notice=on_notice)

    monkeypatch.setattr(Assistant, "open", staticmethod(slow_open))
    app = make_app(corpus_dir=corpus_dir, index_dir=index_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.assistant is None
        assert str(app.query_one("#status-text", Static).content) == "Loading index…"
        app.query_one(QuestionInput).value = "strip length 2002-1204"
        await pilot.press("enter")
        await pilot.pause()
        exchange = app.query_one(Exchange)
        assert text_of(exchange, "state").startswith("queued")
        await pilot.press(*"typing")  # the UI stays live while the index loads
        assert app.query_one(QuestionInput).value == "typing"
        gate.set()
        await settle(pilot)
        assert app.assistant is not None
        assert exchange.answer is not None and "10 … 12 mm" in exchange.answer.headline
        assert not app.query_one("#status").display


def open_with(monkeypatch, embedder) -> None:
    """The app opens its index with the session's embedder (no second model load)."""
    original = Assistant.open
    monkeypatch.setattr(Assistant, "open", staticmethod(
        lambda index_dir=None, corpus_dir=None, progress=None, embedder_=None, on_rebuild=None, on_notice=None:
        original(index_dir, corpus_dir, progress=progress, embedder=embedder, on_rebuild=on_rebuild,
                 on_notice=on_notice)))


def statuses(monkeypatch, app: DatasheetApp) -> list[str]:
    """Every status line the app shows from now on, in order."""
    seen: list[str] = []
    real_status = app.set_status
    monkeypatch.setattr(app, "set_status", lambda text, progress=None: (seen.append(text), real_status(text, progress)))
    return seen


async def test_building_the_index_shows_progress(monkeypatch, tmp_path, corpus_dir, embedder):
    open_with(monkeypatch, embedder)
    app = make_app(corpus_dir=corpus_dir, index_dir=tmp_path / "index")
    seen = statuses(monkeypatch, app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.assistant is not None
        assert any(s.startswith("Building index") for s in seen)
        assert any("embedding passages" in s for s in seen)


async def test_index_notice_is_shown_once_while_opening(monkeypatch, tmp_path, corpus_dir, embedder):
    """An index whose datasheet folder is gone answers as built; the user is told so as the
    index opens (status line and one notification), not twice."""
    import shutil

    copy = tmp_path / "sheets"
    shutil.copytree(corpus_dir, copy)
    Assistant.open(tmp_path / "index", copy, embedder=embedder)
    shutil.rmtree(copy)
    open_with(monkeypatch, embedder)
    app = make_app(index_dir=tmp_path / "index")
    seen = statuses(monkeypatch, app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.assistant is not None
        assert any("is missing" in s for s in seen)
        notes = [n for n in app._notifications if "is missing" in n.message]
        assert len(notes) == 1


async def test_unreadable_corpus_is_a_message_not_a_traceback(tmp_path):
    app = make_app(corpus_dir=tmp_path / "missing", index_dir=tmp_path / "index")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running and app.assistant is None
        assert app.failed
        assert str(app.query_one("#status-text", Static).content).startswith("Could not open the index")
        app.query_one(QuestionInput).value = "strip length 2002-1204"
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(app.query_one(Exchange), "state").startswith("not answered")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_layout_at_small_and_large_sizes(assistant: Assistant, size):
    app = make_app(assistant=assistant)
    async with app.run_test(size=size) as pilot:
        await ask(pilot, "strip length 2002-1204")
        narrow = size[0] < 100
        assert app.screen.has_class("-narrow") == narrow
        source = app.query_one(SourcePane)
        conversation = app.query_one(Conversation)
        if narrow:
            assert source.region.y >= conversation.region.bottom
        else:
            assert source.region.x >= conversation.region.right
        assert source.region.height >= 7
        assert app.query_one(QuestionInput).region.bottom <= size[1] - 1


def test_palette_highlight_never_parses_markup():
    content = highlight(Matcher("plug"), "Spec table: [bold]770[/bold] [@click=app.quit]Plug")
    assert content.plain == "Spec table: [bold]770[/bold] [@click=app.quit]Plug"


def test_nothing_below_the_ui_imports_textual():
    """The UI is a client: every other module of the package loads without Textual or Rich."""
    code = ("import importlib, pkgutil, sys, assistant\n"
            "for m in pkgutil.iter_modules(assistant.__path__, 'assistant.'):\n"
            "    if not m.name.endswith('.tui'):\n"
            "        importlib.import_module(m.name)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
