"""Messages that workers post back to the app (thread workers never touch widgets)."""

from __future__ import annotations

from textual.message import Message

from ..answer.assistant import Assistant
from ..records import Answer


class IndexRebuilding(Message):
    """The index is missing or stale and is being built; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class IndexNotice(Message):
    """What opening the index tells the user while it goes on (waiting for another
    process's build, a recorded corpus folder that is gone): ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class IndexProgress(Message):
    """Index build progress: ``stage`` is ``reading`` or ``embedding``, ``done`` of ``total``."""

    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.stage, self.done, self.total = stage, done, total


class AssistantReady(Message):
    """The index is open; questions can be answered."""

    def __init__(self, assistant: Assistant) -> None:
        super().__init__()
        self.assistant = assistant


class AssistantFailed(Message):
    """The index could not be opened; ``error`` is one sentence for people."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ModelLoaded(Message):
    """The embedding model is in memory (answers no longer wait for it)."""


class Answered(Message):
    """The answer to question number ``number`` of the conversation."""

    def __init__(self, number: int, answer: Answer) -> None:
        super().__init__()
        self.number, self.answer = number, answer
