"""What the user sees, as SVG snapshots (pytest-textual-snapshot), on the shipped corpus.

Review a changed snapshot in the report pytest writes before accepting it with
``pytest tests/test_tui_snapshots.py --snapshot-update``. Every app here is given an open
``Assistant`` and waits for its workers, so nothing depends on timing.
"""

from __future__ import annotations

from assistant.answer.assistant import Assistant
from assistant.tui.app import make_app
from assistant.tui.widgets.question_input import QuestionInput


def asking(*questions: str, then: tuple[str, ...] = ()):
    """A ``run_before`` that asks ``questions`` in turn (each answered before the next),
    then presses the keys ``then``."""

    async def run_before(pilot) -> None:
        app = pilot.app
        field = app.query_one(QuestionInput)
        field.cursor_blink = False
        for question in questions:
            field.value = question
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
        if then:
            await pilot.press(*then)
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.pause()

    return run_before


def test_chat_with_answers(snap_compare, assistant: Assistant):
    """A spec answer and a follow-up for another product; the follow-up's sources on the right."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(100, 30), run_before=asking(
        "strip length 2002-1204", "and for the 770 plug?"))


def test_chat_check_verdict_narrow(snap_compare, assistant: Assistant):
    """A check answer (verdict "no") at 80×24: sources below the conversation."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(80, 24), run_before=asking("does 6 mm² fit the 2002-1204?"))


def test_chat_refusal(snap_compare, assistant: Assistant):
    """not_found: marked as such, related rows and passages labelled "not an answer"."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(100, 30),
                        run_before=asking("what is the insulation resistance of the 2002-1204?"))


def test_chat_refusal_narrow_light(snap_compare, assistant: Assistant):
    """The refusal at 80×24 in the light theme."""
    app = make_app(assistant=assistant)
    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=(80, 24), run_before=asking("what is the price of the 2002-1204?"))


def test_chat_markup_shown_literally(snap_compare, assistant: Assistant):
    """Markup and an escape sequence in a question are characters on the screen."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(80, 24), run_before=asking(
        "[bold]x[/bold] [@click=app.quit]y \x1b[31mred " + "w" * 120))


def test_spec_table_filtered(snap_compare, assistant: Assistant):
    """The 2002-1204 spec table filtered to "current", the first row's source below."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(100, 30), run_before=asking(
        "strip length 2002-1204", then=("ctrl+t", *"current")))


def test_spec_table_narrow(snap_compare, assistant: Assistant):
    """The 770 plug's spec table at 80×24, unfiltered."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(80, 24), run_before=asking(
        "strip length 770 plug", then=("ctrl+t",)))


def test_help(snap_compare, assistant: Assistant):
    """The help screen over the chat at 80×24."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(80, 24), run_before=asking(then=("f1",)))


def test_empty_chat(snap_compare, assistant: Assistant):
    """The first frame: nothing asked yet."""
    app = make_app(assistant=assistant)
    assert snap_compare(app, terminal_size=(100, 30), run_before=asking())
