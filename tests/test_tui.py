"""The chat TUI driven like a user would: typed questions on the shipped corpus, and vendors'
products on the multi-vendor corpus (``vendor_assistant``, tests/conftest.py) (Pilot)."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace

import pytest
from textual.command import CommandList, CommandPalette
from textual.fuzzy import Matcher
from textual.widgets import DataTable, Input, OptionList, Static

from assistant.answer.assistant import Assistant
from assistant.records import Answer, Citation, ContextLine
from assistant.tui.app import DatasheetApp, make_app
from assistant.tui.commands import highlight
from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.spec_table import COLUMNS, SpecTableScreen
from assistant.vocabulary import vocabulary
from assistant.tui.widgets.conversation import Conversation, Exchange
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
        exchange = await ask(pilot, "what is the price of the 2002-1204?")
        assert exchange.answer.kind == "not_found"
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

    def slow_open(index_dir=None, corpus_dir=None, progress=None, embedder_=None, on_rebuild=None):
        assert gate.wait(30)
        return original(index_dir, corpus_dir, progress=progress, embedder=embedder, on_rebuild=on_rebuild)

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


async def test_building_the_index_shows_progress(monkeypatch, tmp_path, corpus_dir, embedder):
    original = Assistant.open
    monkeypatch.setattr(Assistant, "open", staticmethod(
        lambda index_dir=None, corpus_dir=None, progress=None, embedder_=None, on_rebuild=None:
        original(index_dir, corpus_dir, progress=progress, embedder=embedder, on_rebuild=on_rebuild)))
    app = make_app(corpus_dir=corpus_dir, index_dir=tmp_path / "index")
    seen: list[str] = []
    real_status = app.set_status
    monkeypatch.setattr(app, "set_status", lambda text, progress=None: (seen.append(text), real_status(text, progress)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.assistant is not None
        assert any(s.startswith("Building index") for s in seen)
        assert any("embedding passages" in s for s in seen)


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
