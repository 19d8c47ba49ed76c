"""The chat app: conversation, source pane, question line; the index opens in a worker.

``make_app`` is the one factory used by ``run`` (the CLI's ``chat``) and by the tests.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import NoReturn

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, ProgressBar, Static

from ..index import indexing, store
from ..answer.assistant import Assistant
from ..index.embedding import ModelUnavailable
from ..ingest.loading import DatasheetError
from ..records import Answer, Citation, ContextLine, Product
from .commands import DatasheetCommands
from .messages import (Answered, AssistantFailed, AssistantReady, IndexNotice, IndexProgress, IndexRebuilding,
                       ModelLoaded)
from .screens.help import HelpScreen
from .screens.spec_table import SpecTableScreen
from .text import literal, printable
from .widgets.conversation import Conversation, Exchange
from .widgets.filter_table import FilterTable
from .widgets.question_input import QuestionInput
from .widgets.source import SourcePane

log = logging.getLogger(__name__)

# Errors of opening an index that are the user's to fix; they become one sentence.
OPEN_ERRORS = (FileNotFoundError, indexing.NothingIndexed, store.IndexError_, ModelUnavailable,
               DatasheetError, ValueError, OSError)


class DatasheetApp(App[None]):
    """Ask about datasheets; see every answer's source.

    Give ``assistant`` to use an open one (tests); otherwise the index of ``index_dir``
    (built from ``corpus_dir`` when missing or stale) is opened in a thread worker after
    the first frame. Questions asked before it is ready are queued.
    """

    CSS_PATH = ["app.tcss", "widgets/conversation.tcss", "widgets/source.tcss"]
    TITLE = "datasheet-assistant"
    COMMANDS = App.COMMANDS | {DatasheetCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+t", "spec_table", "Spec table"),
        Binding("ctrl+n", "new_conversation", "New chat"),
    ]

    def __init__(self, assistant: Assistant | None = None, corpus_dir: Path | None = None,
                 index_dir: Path | None = None) -> None:
        super().__init__()
        self.assistant: Assistant | None = None
        self._given = assistant
        self.corpus_dir, self.index_dir = corpus_dir, index_dir
        self.questions: list[str] = []  # the conversation so far, oldest first (ask's history)
        self.pending: list[tuple[int, str, list[str]]] = []  # asked before the index was ready
        self._shown_notices: set[str] = set()  # notices of opening already shown
        self.failed: str | None = None
        self._asked = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="chat"):
                with VerticalScroll(id="welcome"):  # a catalogue's datasheets scroll
                    yield Static(literal("Ask a question about a datasheet, e.g. “strip length 2002-1204”."),
                                 id="welcome-text")
                yield Conversation(id="conversation")
            yield SourcePane(id="source")
        with Horizontal(id="status"):
            yield Static(literal("Loading index…"), id="status-text")
            yield ProgressBar(id="progress", show_eta=False)
        yield QuestionInput(id="question", placeholder="Ask about a datasheet, e.g. strip length 2002-1204")
        yield Footer()

    def on_mount(self) -> None:
        # Breakpoint classes normally arrive with the first resize event, which can come
        # after the first frame; set them now so an 80-column start is not drawn wide first.
        narrow = self.size.width < self.HORIZONTAL_BREAKPOINTS[1][0]
        self.screen.set_class(narrow, "-narrow")
        self.screen.set_class(not narrow, "-wide")
        self.query_one("#progress", ProgressBar).display = False
        self.query_one(QuestionInput).focus()
        if self._given is not None:
            self._use_assistant(self._given)
        else:
            self.set_status("Loading index…")
            self.open_in_background()

    # ------------------------------------------------------------ opening the index

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_in_background(self) -> None:
        """Open (building when needed) the index in a thread; results come back as messages."""
        self.open_assistant()

    def open_assistant(self) -> None:
        """Open (building when needed) the index, then load the model, reporting each step
        by a message (blocking: run it in a thread)."""
        post = self.post_message
        try:
            assistant = Assistant.open(
                self.index_dir, self.corpus_dir,
                progress=lambda stage, done, total: post(IndexProgress(stage, done, total)),
                on_rebuild=lambda reason: post(IndexRebuilding(reason)),
                on_notice=lambda text: post(IndexNotice(text)))
        except OPEN_ERRORS as exc:
            post(AssistantFailed(str(exc) or type(exc).__name__))
            return
        except Exception as exc:  # a bug below the UI still must not end in a traceback
            log.exception("opening the index failed")
            post(AssistantFailed(f"the index could not be opened ({type(exc).__name__}: {exc})"))
            return
        post(AssistantReady(assistant))
        try:
            assistant.warm_up()
        except Exception as exc:
            log.exception("loading the model failed")
            post(AssistantFailed(f"the embedding model could not be loaded ({exc})"))
            return
        post(ModelLoaded())

    def set_status(self, text: str, progress: tuple[int, int] | None = None) -> None:
        """Show the status line (``text``, and a progress bar for ``(done, total)``)."""
        self.query_one("#status").display = True
        self.query_one("#status-text", Static).update(literal(text))
        bar = self.query_one("#progress", ProgressBar)
        bar.display = progress is not None
        if progress is not None:
            bar.update(total=max(progress[1], 1), progress=progress[0])

    def on_index_rebuilding(self, message: IndexRebuilding) -> None:
        self.set_status(f"Building index ({message.reason})…")

    def on_index_notice(self, message: IndexNotice) -> None:
        """Shown as it happens (a wait for another build would otherwise look like a hang)."""
        self._shown_notices.add(message.text)
        self.set_status(message.text)
        self.notify(message.text, title="Index", severity="warning", timeout=20, markup=False)

    def on_index_progress(self, message: IndexProgress) -> None:
        stage = {"reading": "reading datasheets", "embedding": "embedding passages"}.get(message.stage, message.stage)
        self.set_status(f"Building index: {stage} {message.done}/{message.total}", (message.done, message.total))

    def on_assistant_ready(self, message: AssistantReady) -> None:
        self._use_assistant(message.assistant)
        self.set_status("Loading the language model… (questions are answered as soon as it is in)")

    def on_model_loaded(self, message: ModelLoaded) -> None:
        self.query_one("#status").display = False

    def _use_assistant(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.query_one(SourcePane).context = self.context_lines
        self.query_one("#status").display = False
        products = assistant.products()
        self.sub_title = f"{len(products)} datasheet{'s' if len(products) != 1 else ''}"
        self.query_one("#welcome-text", Static).update(welcome(products))
        names = {p.item: p.name for p in products}  # answers name products by item
        conversation = self.query_one(Conversation)
        conversation.names = names
        conversation.products = {p.item: p for p in products}
        self.query_one(SourcePane).names = names
        for text in getattr(assistant, "notices", ()):  # e.g. the index's corpus folder is gone
            if text not in self._shown_notices:  # an assistant opened elsewhere told nobody yet
                self.notify(text, title="Index", severity="warning", timeout=20, markup=False)
        pending, self.pending = self.pending, []
        for number, question, history in pending:
            self.ask(number, question, history)

    def on_assistant_failed(self, message: AssistantFailed) -> None:
        self.failed = message.error
        self.set_status(f"Could not open the index: {message.error}")
        self.query_one("#status").add_class("-error")
        self.notify(message.error, title="Could not open the index", severity="error",
                    timeout=30, markup=False)
        conversation = self.query_one(Conversation)
        for number, _question, _history in self.pending:
            exchange = conversation.exchange(number)
            if exchange:
                exchange.wait("not answered: the index could not be opened")
        self.pending = []

    def context_lines(self, citation: Citation, radius: int = 4) -> list[ContextLine]:
        """The datasheet lines around a citation ([] when the index cannot give them)."""
        if self.assistant is None:
            return []
        try:
            return self.assistant.context(citation, radius)
        except Exception:  # a damaged index must not take the chat down
            log.exception("context of %s failed", citation)
            return []

    # ------------------------------------------------------------ asking

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not isinstance(event.input, QuestionInput):
            return
        question = event.value.strip()
        if not question:
            return
        event.input.remember(question)
        event.input.clear()
        history = list(self.questions)
        self.questions.append(question)
        self._asked += 1
        self.query_one("#welcome").display = False
        exchange = self.query_one(Conversation).add(self._asked, question)
        if self.failed:
            exchange.wait("not answered: the index could not be opened")
        elif self.assistant is None:
            exchange.wait("queued: answered as soon as the index is ready…")
            self.pending.append((self._asked, question, history))
        else:
            self.ask(self._asked, question, history)

    @work(thread=True, group="ask", exit_on_error=False)
    def ask(self, number: int, question: str, history: list[str]) -> None:
        """Answer question ``number`` in a thread worker; the answer comes back as a message.
        Workers run side by side; each answer finds its own exchange by number."""
        self.post_message(Answered(number, self.answer(question, history)))

    def answer(self, question: str, history: list[str]) -> Answer:
        """The assistant's answer (blocking); never raises."""
        assert self.assistant is not None
        try:
            return self.assistant.ask(question, history)
        except Exception as exc:  # ask never raises by contract; if it does, say so
            log.exception("ask failed for %r", question)
            return Answer(question, "not_found", f"No answer: the assistant failed ({type(exc).__name__}).")

    def on_answered(self, message: Answered) -> None:
        self.query_one(Conversation).show_answer(message.number, message.answer)

    def on_conversation_answer_selected(self, message: Conversation.AnswerSelected) -> None:
        self.query_one(SourcePane).show(message.answer, message.product)

    def on_filter_table_picked(self, message: FilterTable.Picked) -> None:
        """A filter table's row: its exchange becomes the selected answer and the row's
        citation is shown; Enter (or a click) on the row whose lines are shown opens its
        product's spec table at the cited row."""
        exchange = next((a for a in message.table.ancestors if isinstance(a, Exchange)), None)
        conversation = self.query_one(Conversation)
        pane = self.query_one(SourcePane)
        if exchange is None or exchange.answer is None:
            return
        if conversation.selected is not exchange:
            conversation.select_exchange(exchange)  # its sources follow, at this row
            return
        item = message.row.item
        shown = pane.citation
        if message.open and pane.answer is exchange.answer and shown is not None and shown.product == item:
            self.show_spec_table(item, shown)
        else:
            pane.show_product(item)

    # ------------------------------------------------------------ actions

    def conversation_product(self) -> str | None:
        """The product of the latest answer that names one."""
        for exchange in reversed(list(self.query_one(Conversation).query("Exchange"))):
            answer = getattr(exchange, "answer", None)
            if answer is not None and answer.products:
                return answer.products[0]
        return None

    def show_spec_table(self, item: str, cited: Citation | None = None) -> None:
        """Push the spec table screen of an item number (a notification while loading),
        its cursor on the row of the ``cited`` lines when there is one."""
        if self.assistant is None:
            self.notify("The index is still loading.", severity="warning", markup=False)
            return
        try:
            screen = SpecTableScreen(self.assistant, item, cited)
        except KeyError:
            self.notify(f"No spec table for {item}.", severity="warning", markup=False)
            return
        self.push_screen(screen)

    def action_spec_table(self) -> None:
        if self.assistant is None:
            self.notify("The index is still loading.", severity="warning", markup=False)
            return
        cited = self.query_one(SourcePane).citation  # the row just cited, if any
        if cited is not None and cited.product:
            self.show_spec_table(cited.product, cited)
            return
        item = self.conversation_product()
        products = self.assistant.products()
        if item is None and products:
            item = products[0].item
        if item is not None:
            self.show_spec_table(item)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_new_conversation(self) -> None:
        self.questions.clear()
        self.query_one(Conversation).clear()
        self.query_one("#welcome").display = True
        self.query_one(SourcePane).show(None)
        self.query_one(QuestionInput).focus()

    def action_copy_answer(self) -> None:
        self.query_one(Conversation).action_copy_answer()

    def action_copy_citation(self) -> None:
        self.query_one(SourcePane).action_copy_citation()


def welcome(products: list[Product]) -> Content:
    """What the empty chat says: how to ask, and which datasheets there are."""
    parts: list[str | Content | tuple[str, str]] = [
        ("Ask a question about a datasheet", "bold"), ", e.g. “strip length 2002-1204”, "
        "“does 2.5 mm² fine-stranded with a ferrule fit the 770 plug?”. Every answer cites "
        f"its datasheet lines. F1 for help.\n\n{len(products)} datasheet{'s' if len(products) != 1 else ''} "
        "(ctrl+p to open one's spec table):"]
    for product in products:
        about = " · ".join(v for v in (product.title, product.family, product.kind) if v and v != product.item)
        parts += ["\n  ", (printable(product.name), "bold $text-accent"), "  ", literal(about)]
    return Content.assemble(*parts, strip_control_codes=False)


def make_app(assistant: Assistant | None = None, corpus_dir: Path | None = None,
             index_dir: Path | None = None) -> DatasheetApp:
    """The chat app; with ``assistant`` it is used as is, else the index is opened in a worker
    (defaults: the shipped ``corpus/`` and ``index/``)."""
    return DatasheetApp(assistant, Path(corpus_dir) if corpus_dir else None,
                        Path(index_dir) if index_dir else None)


def run(corpus_dir: Path | str | None = None, index_dir: Path | str | None = None) -> NoReturn:
    """Run the chat in the terminal until the user quits, then end the process at once.

    Once Textual has restored the terminal nothing is left to save (the index is read-only
    here, builds write atomically), but a normal interpreter exit would spend ~1.4 s in
    torch's and transformers' teardown and wait for a model still loading in a worker
    thread; ``os._exit`` ends it in milliseconds (``benchmarks/quit.py``). A build still
    running is cut short safely: generations are switched atomically and the embedding
    cache is committed as it goes.
    """
    import os

    from textual.logging import TextualHandler

    # Library warnings go to Textual's log, not over the screen.
    logging.basicConfig(level=logging.WARNING, handlers=[TextualHandler()], force=True)
    app = make_app(corpus_dir=Path(corpus_dir) if corpus_dir else None,
                   index_dir=Path(index_dir) if index_dir else None)
    app.run()  # an exception leaves the normal way, with its traceback
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.return_code or 0)
