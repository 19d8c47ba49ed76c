"""The question line, with ↑/↓ recall of earlier questions."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class QuestionInput(Input):
    """An :class:`Input` remembering submitted questions; ↑ recalls older ones, ↓ newer
    ones and finally the line being typed before recall started."""

    BINDINGS = [
        Binding("up", "history_previous", "Earlier question"),
        Binding("down", "history_next", "Later question", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0  # == len(history) when not recalling
        self._draft = ""

    def remember(self, question: str) -> None:
        """Add a submitted question to the history (repeats of the last one are kept once)."""
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._position = len(self.history)
        self._draft = ""

    def _show(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    def action_history_previous(self) -> None:
        if self._position == 0:
            return
        if self._position == len(self.history):
            self._draft = self.value
        self._position -= 1
        self._show(self.history[self._position])

    def action_history_next(self) -> None:
        if self._position >= len(self.history):
            return
        self._position += 1
        self._show(self._draft if self._position == len(self.history) else self.history[self._position])
