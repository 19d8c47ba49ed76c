"""Faithfulness: no number reaches the user unless a datasheet (or the question) states it.

``answering.unsupported_numbers`` lists the numbers of an answer's text that none of its
facts, citations, related passages or the question give; ``Assistant.ask`` withholds such
an answer (it becomes ``not_found`` with the passages) and logs a warning. Tested on
crafted answers, on the gate itself (an engine that invents a number), and as a property of
the real engine over 45 installer questions about both shipped products, hypothesis
variations of them and generated does-it-fit questions (any value, unit and conductor
detail): every answer is faithful, the gate never has to step in, and every citation's
quote is verbatim in the index lines it names. Two engine bugs the gate catches are
marked xfail with their cause.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from hypothesis import HealthCheck, given, settings, strategies as st

from assistant.answer.assistant import Assistant
from assistant.answer.gate import unsupported_numbers
from assistant.records import Answer, Citation, Fact
from assistant.ingest.sections import join_lines

TOPJOB, WINSTA = "2002-1204", "770-1252/076-000"
SOURCE = "corpus/2002-1204.txt"
RATED = Citation(TOPJOB, SOURCE, "Electrical data", 9, 9, "Rated current 24 A")
RATED_FACT = Fact(TOPJOB, "Rated current", "24 A", "Electrical data", SOURCE, 9)
TEMPERATURE = Citation(WINSTA, "corpus/770-1252_076-000.md", "Material data", 143, 143,
                       "Continuous operating temperature -35 … +85 °C")


def spec(text: str, question: str = "What is the rated current of the 2002-1204?", **kw) -> Answer:
    fields = dict(products=(TOPJOB,), facts=(RATED_FACT,), citations=(RATED,))
    fields.update(kw)
    return Answer(question, "spec", text, **fields)


# ------------------------------------------------------------------ unsupported_numbers


def test_invented_number_is_unsupported():
    assert unsupported_numbers(spec("2002-1204: Rated current 42 A.")) == ["42"]
    assert unsupported_numbers(spec("2002-1204: Rated current 24 A, 25 A when cooled.")) == ["25"]


def test_numbers_from_facts_citations_and_question_are_supported():
    assert unsupported_numbers(spec("2002-1204: Rated current 24 A.")) == []
    # only in the citation, not in a fact
    assert unsupported_numbers(spec("2002-1204: Rated current 24 A.", facts=())) == []
    # echoing the question's own value is no claim
    answer = spec("2002-1204: no: 30 A is above Rated current 24 A", "Is the 2002-1204 OK at 30 A?")
    assert unsupported_numbers(answer) == []
    # a refusal's related passages back its text too
    refusal = Answer("Max current?", "not_found", "Related: Rated current 24 A", (TOPJOB,), related=(RATED,))
    assert unsupported_numbers(refusal) == []


def test_decimal_comma_and_unicode_minus_in_sources_read_as_numbers():
    cited = replace(RATED, quote="Fine-stranded conductor 0,5 … 4 mm²")
    assert unsupported_numbers(spec("0.5 … 4 mm²", facts=(), citations=(cited,))) == []
    minus = replace(TEMPERATURE, quote="Continuous operating temperature −35 … +85 °C")
    assert unsupported_numbers(spec("-35 … +85 °C", products=(WINSTA,), facts=(), citations=(minus,))) == []


def test_numbers_compare_by_value():
    """``4`` is the question's ``4.0``; ``0.50`` is the sheet's ``0.5``; ``40`` is not ``4``."""
    asked = spec("yes: 4 °C is within -5 … +40 °C", "Can it be installed at 4.0 degrees C?",
                 products=(WINSTA,), facts=(), citations=(replace(TEMPERATURE, quote="Processing temperature -5 … +40 °C"),))
    assert unsupported_numbers(asked) == []
    assert unsupported_numbers(spec("2002-1204: Rated current 24.00 A.")) == []
    assert unsupported_numbers(spec("2002-1204: Rated current 2.4 A.")) == ["2.4"]


def test_sign_counts():
    """A flipped sign is a different value: ``+35`` is not backed by ``-35``; ``+85`` is ``85``."""
    answer = spec("770-1252/076-000: Continuous operating temperature 35 … 85 °C",
                  products=(WINSTA,), facts=(), citations=(TEMPERATURE,))
    assert unsupported_numbers(answer) == ["35"]
    answer = replace(answer, answer="770-1252/076-000: Continuous operating temperature -35 … 85 °C")
    assert unsupported_numbers(answer) == []
    asked = spec("no: -40 °C is outside -35 … +85 °C", "Can it run at 40 °C?", products=(WINSTA,),
                 facts=(), citations=(TEMPERATURE,))
    assert unsupported_numbers(asked) == ["-40"]


def test_item_numbers_and_line_references_name_things_but_back_nothing():
    """Item numbers and "lines a–b" are taken out of the text: they do not back a bare
    number elsewhere (a current of ``770`` A, a width of ``9`` mm from a line number)."""
    passage = Answer("How do I strip?", "passage",
                     f"{TOPJOB} (Electrical data, lines 9–9): “Rated current 24 A”", (TOPJOB,),
                     citations=(RATED,))
    assert unsupported_numbers(passage) == []
    assert unsupported_numbers(replace(passage, answer=passage.answer + " Strip 9 mm.")) == ["9"]
    both = spec(f"{TOPJOB}: Rated current 24 A. {WINSTA}: Rated current 770 A.", products=(TOPJOB, WINSTA))
    assert unsupported_numbers(both) == ["770"]
    unknown = Answer("Does the 9999-1234 take 4 mm²?", "not_found",
                     f"9999-1234 is not in the datasheets I have (known item numbers: {TOPJOB}, {WINSTA}).")
    assert unsupported_numbers(unknown, item_numbers=[TOPJOB, WINSTA]) == []
    assert unsupported_numbers(unknown) == ["2002", "1204", "770", "1252", "076", "000"]


# ------------------------------------------------------------------ the gate in Assistant.ask


def test_gate_withholds_an_answer_with_an_invented_number(assistant, monkeypatch, caplog):
    invented = spec("2002-1204: Rated current 42 A.", "placeholder")
    monkeypatch.setattr(assistant, "_ask", lambda question, history: invented)
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        answer = assistant.ask("What is the rated current of the 2002-1204?", id="Q1")
    assert answer.kind == "not_found" and answer.id == "Q1"
    assert "42" not in answer.answer and answer.facts == () and answer.citations == ()
    assert answer.related == (RATED,)  # the passages stay visible, not as an answer
    assert answer.question == "What is the rated current of the 2002-1204?"
    assert unsupported_numbers(answer) == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "assistant.answer.assistant"]
    assert len(warnings) == 1 and "42" in warnings[0].getMessage()


def test_gate_lets_a_faithful_answer_through(assistant, monkeypatch, caplog):
    faithful = spec("2002-1204: Rated current 24 A.", "placeholder")
    monkeypatch.setattr(assistant, "_ask", lambda question, history: faithful)
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        answer = assistant.ask("What is the rated current of the 2002-1204?")
    assert answer.kind == "spec" and answer.answer == faithful.answer
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# ------------------------------------------------------------------ the real engine

QUESTIONS = [  # (question, history): strip length, ratings, conductors, ferrules, approvals …
    ("What is the strip length of the 2002-1204?", ()),
    ("How much insulation do I strip for the 770-1252/076-000?", ()),
    ("Rated current of the 2002-1204?", ()),
    ("What is the rated voltage of the 2002-1204?", ()),
    ("Rated current of the WINSTA MIDI plug 770-1252/076-000?", ()),
    ("Rated voltage of the 770-1252/076-000 per UL?", ()),
    ("What is the rated impulse voltage of the 2002-1204?", ()),
    ("Which solid conductor sizes in mm² does the 2002-1204 take?", ()),
    ("What AWG range does the 2002-1204 accept for stranded conductors?", ()),
    ("Fine-stranded conductor range of the 770-1252/076-000 in AWG?", ()),
    ("What is the nominal cross section of the 2002-1204?", ()),
    ("Can I use 2.5 mm² fine-stranded wire with a ferrule in the 2002-1204?", ()),
    ("Does 14 AWG solid wire fit the 770-1252/076-000?", ()),
    ("Does a 6 mm² conductor fit the 2002-1204?", ()),
    ("Will 0,75 mm² solid wire push in to the 2002-1204 without a tool?", ()),
    ("Range for fine-stranded conductor with ferrule with plastic collar on the 2002-1204?", ()),
    ("Which sizes with ferrule without plastic collar for the 770-1252/076-000?", ()),
    ("What approvals does the 2002-1204 have?", ()),
    ("Which UL certificate does the 770-1252/076-000 have?", ()),
    ("What is the ATEX certificate of the 2002-1204?", ()),
    ("Which accessories are available for the 770-1252/076-000?", ()),
    ("Which operating tool fits the 770-1252/076-000?", ()),
    ("Which counterpart mates with the 770-1252/076-000?", ()),
    ("What colour is the 2002-1204?", ()),
    ("What color is the 770-1252/076-000 plug?", ()),
    ("Continuous operating temperature of the 770-1252/076-000?", ()),
    ("Processing temperature range for the 770-1252/076-000?", ()),
    ("Can the 770-1252/076-000 run continuously at 90 °C?", ()),
    ("Can the 770-1252/076-000 be installed at -10 °C?", ()),
    ("Can the 770-1252/076-000 run continuously at 150 °F?", ()),
    ("Is the 2002-1204 OK at 30 A?", ()),
    ("Does the 2002-1204 work at 1 kV?", ()),
    ("How wide is the 2002-1204?", ()),
    ("Weight of the 770-1252/076-000?", ()),
    ("Which has the higher rated current, the 2002-1204 or the 770-1252/076-000?", ()),
    ("How do I remove a jumper from the 2002-1204?", ()),
    ("What is the coding of the 770-1252/076-000?", ()),
    ("Insulating material of the 770-1252/076-000?", ()),
    ("GTIN of the 770-1252/076-000?", ()),
    ("How many mating cycles is the 770-1252/076-000 rated for?", ()),
    ("And for the 770 plug?", ("What is the strip length of the 2002-1204?",)),
    ("And under UL?", ("What is the rated current of the 2002-1204?",)),
    ("Tell me about the 2002-1204", ()),
    ("What is the short-circuit breaking capacity of the 2002-1204?", ()),
    ("Does the 9999-1234 take 4 mm²?", ()),
]
ANSWERED = ("spec", "check", "compare", "passage")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\t", " ")).strip()


def assert_faithful(assistant: Assistant, answer: Answer) -> None:
    """No unsupported number, and every quote verbatim in the index lines it names."""
    assert unsupported_numbers(answer, assistant.tables) == [], answer
    for citation in answer.citations + answer.related:
        lines = [l for l in assistant.index.lines(citation.source, citation.line_start, citation.line_end) if l.text]
        assert lines, citation
        assert lines[0].number == citation.line_start and lines[-1].number == citation.line_end, citation
        texts = (_norm(" ".join(l.text for l in lines)), _norm(join_lines(lines)))
        assert citation.quote and any(_norm(citation.quote) in t for t in texts), citation


def withheld(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "withheld" in r.getMessage()]


def test_real_answers_are_faithful_and_quotes_verbatim(assistant, caplog):
    kinds = []
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        for question, history in QUESTIONS:
            answer = assistant.ask(question, list(history))
            assert_faithful(assistant, answer)
            kinds.append(answer.kind)
    assert withheld(caplog) == []  # the engine's own answers never needed the gate
    assert sum(k in ANSWERED for k in kinds) >= 35, list(zip([q for q, _ in QUESTIONS], kinds))
    assert kinds[-1] == "not_found"  # an item number the corpus does not have


def _vary(question: str, case: int, spaces: int, tail: str) -> str:
    text = question.rstrip("?")
    text = {0: text, 1: text.lower(), 2: text.upper()}[case]
    return "  " * spaces + text.replace(" ", " " * (1 + spaces % 2)) + tail


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(QUESTIONS), st.integers(0, 2), st.integers(0, 3),
       st.sampled_from(["?", "", " ??", ".", " please?", "\t?"]))
def test_varied_questions_stay_faithful(assistant, caplog, item, case, spaces, tail):
    """Case, spacing and punctuation variations of the questions: still faithful."""
    question, history = item
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        answer = assistant.ask(_vary(question, case, spaces, tail), list(history))
    assert_faithful(assistant, answer)
    assert withheld(caplog) == []


check_question = st.builds(
    lambda opener, product, verb, number, unit, extra: f"{opener} the {product} {verb} {number} {unit}{extra}?",
    st.sampled_from(["Can", "Does", "Is", "Will"]),
    st.sampled_from(["2002-1204", "770-1252/076-000", "770 plug", "TOPJOB S block", "WINSTA MIDI plug"]),
    st.sampled_from(["take", "fit", "handle", "run at", "work at", "be used at", "accept"]),
    st.one_of(st.integers(-60, 2000).map(str), st.decimals(0, 100, places=2).map(str),
              st.sampled_from(["0,75", "2,5", "-40", "+85", "1.5", "4.0", "0.50"])),
    st.sampled_from(["mm²", "mm2", "sq mm", "AWG", "A", "amps", "V", "volts", "kV", "°C",
                     "degrees C", "°F", "mm"]),  # "degrees F": see the xfail below
    st.sampled_from(["", " fine-stranded", " solid", " with a ferrule", " without ferrule",
                     " push-in", " with the operating tool", " continuously", " under UL"]))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(check_question)
def test_generated_check_questions_stay_faithful(assistant, caplog, question):
    """Does-it-fit questions with any value and unit: the engine's answer never needs the gate."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        answer = assistant.ask(question)
    assert_faithful(assistant, answer)
    assert withheld(caplog) == []


def test_fahrenheit_in_words_is_answered(assistant, caplog):
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        answer = assistant.ask("Can the 770-1252/076-000 run continuously at 150 degrees F?")
    assert answer.kind == "check" and withheld(caplog) == []


def test_unicode_minus_in_question_is_read(assistant, caplog):
    with caplog.at_level(logging.WARNING, logger="assistant.answer.assistant"):
        answer = assistant.ask("Can the 770-1252/076-000 run continuously at \u221240 °C?")
    assert answer.kind == "check" and answer.verdict == "no" and withheld(caplog) == []
