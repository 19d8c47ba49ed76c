"""The help screen: what the assistant does and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = ("Every answer is a value from a datasheet's spec table or a quoted passage, with its "
         "source, or “the datasheets don't say”. Follow-ups (“and for the 770 plug?”) keep or "
         "switch the product.")

KEYS = (
    ("enter", "ask the question"),
    ("↑ ↓", "question line: earlier / later questions"),
    ("tab shift+tab", "next / previous pane"),
    ("↑ ↓", "conversation: pick an answer, see its sources"),
    ("↑ ↓", "sources: pick a citation (▌ marks cited lines)"),
    ("↑ ↓ enter", "a filter answer's products: cited line / spec table"),
    ("c", "copy the selected answer / citation"),
    ("ctrl+t", "spec table, at the row just cited"),
    ("ctrl+n", "new conversation"),
    ("ctrl+p", "command palette: spec tables, actions, theme"),
    ("f1", "this help"),
    ("escape", "back (spec table, help)"),
    ("ctrl+q", "quit"),
)


def help_content() -> Content:
    """The help text: what the assistant promises, then the key bindings, as literal content."""
    width = max(len(key) for key, _ in KEYS) + 2
    parts: list[str | tuple[str, str]] = [(INTRO, ""), "\n\n"]
    for key, does in KEYS:
        parts += [(key.ljust(width), "bold $text-accent"), does, "\n"]
    return Content.assemble(*parts).rstrip()


class HelpScreen(ModalScreen[None]):
    """Keys and a word on what answers mean; any of escape, f1 or q closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("f1", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Help · datasheet-assistant"
            yield Static(help_content())
