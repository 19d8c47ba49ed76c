"""The answering engine on the shipped datasheets, one behaviour per test.

Questions are written as installers type them; they are not the dev set's phrasings.
"""

from __future__ import annotations

import pytest

from assistant.answer.gate import unsupported_numbers

TB, PLUG = "2002-1204", "770-1252/076-000"


def _values(answer):
    return [(f.product, f.attribute, f.qualifier, f.value) for f in answer.facts]


def _faithful(answer):
    assert unsupported_numbers(answer) == [], answer.answer
    for c in answer.citations:
        assert c.quote and c.source.startswith("corpus/")


# ------------------------------------------------------------------ product resolution

@pytest.mark.parametrize("typed", ["2002-1204", "2002 1204", "20021204", "the blue TOPJOB S"])
def test_item_number_typed_many_ways(assistant, typed):
    answer = assistant.ask(f"strip length {typed}")
    assert answer.products == (TB,)
    assert answer.headline == "10 … 12 mm / 0.39 … 0.47 inch"


@pytest.mark.parametrize("typed", ["770-1252", "the 770 plug", "WINSTA plug", "770 1252 076 000"])
def test_plug_typed_many_ways(assistant, typed):
    answer = assistant.ask(f"how much do I strip for {typed}?")
    assert answer.products == (PLUG,)
    assert "9 mm" in answer.answer


def test_unknown_item_number_is_refused_not_answered_from_another(assistant):
    answer = assistant.ask("rated current of the 2002-9999")
    assert answer.kind == "not_found"
    assert "2002-9999" in answer.answer and answer.facts == ()
    assert "24 A" not in answer.answer


def test_no_product_named_answers_each_product_of_a_small_corpus(assistant):
    answer = assistant.ask("what colour is it?")
    assert set(answer.products) == {TB, PLUG}
    assert {f.value for f in answer.facts} == {"blue", "light turquoise"}


# ------------------------------------------------------------------ spec

def test_all_qualifiers_shown_when_none_picked(assistant):
    answer = assistant.ask("how many amps can the 2002-1204 carry?")
    assert answer.kind == "spec"
    got = {(f.qualifier, f.value) for f in answer.facts}
    assert {("", "24 A"), ("UL (Use Group B)", "20 A"), ("CSA (Use Group B)", "20 A"),
            ("(Ex e II)", "22 A")} <= got
    assert all(f.attribute == "Rated current" for f in answer.facts)
    _faithful(answer)


def test_qualifier_named_narrows_the_rows(assistant):
    answer = assistant.ask("UL current rating for use group C, 2002-1204")
    assert _values(answer) == [(TB, "Rated current", "UL (Use Group C)", "20 A")]
    assert answer.citations[0].line_start == 23
    assert answer.citations[0].quote == "Rated current UL (Use Group C) 20 A"


def test_ul_rating_of_the_plug_gives_voltage_and_current(assistant):
    answer = assistant.ask("UL rating of the WINSTA plug")
    assert {(f.attribute, f.value) for f in answer.facts} == {("Rated voltage", "600 V"), ("Rated current", "23 A")}


def test_wire_sizes_list_every_conductor_range(assistant):
    answer = assistant.ask("what wire sizes go in the 770-1252?")
    attributes = [f.attribute for f in answer.facts]
    assert "Solid conductor" in attributes and "Stranded conductor" in attributes
    assert "Fine-stranded conductor with ferrule without plastic collar" in attributes
    _faithful(answer)


def test_approval_certificate_broken_over_lines(assistant):
    answer = assistant.ask("ATEX certificate number of the terminal block")
    assert "PTB 03 ATEX 1162 U" in answer.answer
    assert answer.citations[0].line_start == 133


def test_accessories_listed_with_item_numbers(assistant):
    answer = assistant.ask("which locking levers can I get for the 770 plug?")
    assert {"770-101", "770-111", "770-121", "770-131"} <= set(answer.answer.replace(";", " ").split())


def test_follow_up_keeps_the_product(assistant):
    answer = assistant.ask("how heavy is it?", history=["strip length 2002-1204"])
    assert _values(answer) == [(TB, "Weight", "", "4.9 g")]


def test_elliptical_follow_up_repeats_the_question_for_the_new_product(assistant):
    answer = assistant.ask("and for the 770 plug?", history=["strip length 2002-1204"])
    assert answer.products == (PLUG,)
    assert answer.headline == "9 mm / 0.35 inch"


def test_follow_up_switches_qualifier(assistant):
    answer = assistant.ask("and under CSA?", history=["rated current of the 2002-1204"])
    assert {f.qualifier for f in answer.facts} == {"CSA (Use Group B)", "CSA (Use Group C)"}


# ------------------------------------------------------------------ check

@pytest.mark.parametrize("question, verdict, deciding", [
    ("can I push 1.5 mm² solid wire straight into the 770 plug?", "yes", "1.5 … 4 mm²"),
    ("is 0.5 mm² solid ok for push-in on the 770-1252?", "no", "1.5 … 4 mm²"),
    ("does 14 AWG stranded fit the 770-1252?", "yes", "20 … 14 AWG"),
    ("will 6 mm² solid fit the 2002-1204?", "no", "0.25 … 4 mm²"),
    ("2.5 mm² fine-stranded with a ferrule with plastic collar in the 2002-1204, ok?", "yes", "1 … 2.5 mm²"),
    ("can I run the 770 plug at 90 °C?", "no", "-35 … +85 °C"),
    ("can I wire the 770 plug at -10 °C?", "no", "-5 … +40 °C"),
    ("is 16 A ok for the 2002-1204?", "yes", "24 A"),
])
def test_fit_checks(assistant, question, verdict, deciding):
    answer = assistant.ask(question)
    assert answer.kind == "check"
    assert answer.verdict == verdict, answer.answer
    assert deciding in answer.answer
    assert answer.headline.startswith(verdict)
    _faithful(answer)


@pytest.mark.parametrize("size, verdict", [("0.75 mm²", "no"), ("18 AWG", "no"), ("2.5 mm²", "conditional")])
def test_push_in_minimum_is_a_lower_limit(assistant, size, verdict):
    """The plug's sheet gives push-in with a ferrule "from 1.5 mm²": a smaller conductor is
    not push-in; a larger one is bounded by the ferrule ranges (collar or not)."""
    answer = assistant.ask(f"is {size} fine-stranded with a ferrule ok for push-in on the 770 plug?")
    assert answer.verdict == verdict, answer.answer
    if verdict == "no":
        assert answer.headline == "no: 1.5 mm² / 16 AWG"


def test_awg_converted_when_the_sheet_prints_no_awg(assistant):
    """A check in AWG against a row printed in mm² only uses the standard AWG formula."""
    answer = assistant.ask("does 12 AWG solid fit the 2002-1204?")
    assert answer.verdict == "yes"


# ------------------------------------------------------------------ compare, passage, not_found

def test_compare_two_products(assistant):
    answer = assistant.ask("which is wider, 2002-1204 or 770-1252?")
    assert answer.kind == "compare"
    assert {(f.product, f.value) for f in answer.facts} == {(TB, "5.2 mm / 0.205 inch"), (PLUG, "20 mm / 0.787 inch")}
    assert answer.answer.startswith(PLUG)


def test_procedure_is_quoted(assistant):
    answer = assistant.ask("how do I get a conductor out of the 770 plug again?")
    assert answer.kind == "passage"
    quote = answer.citations[0].quote
    assert "screwdriver" in quote and quote in answer.answer
    assert answer.citations[0].section.startswith("Installation Notes")


@pytest.mark.parametrize("question", [
    "what torque do I tighten the 2002-1204 to?",
    "what is the short-circuit rating of the 2002-1204?",
    "price of the 770 plug",
])
def test_not_in_the_datasheet(assistant, question):
    answer = assistant.ask(question)
    assert answer.kind == "not_found"
    assert answer.facts == () and answer.citations == ()
    assert "don't say" in answer.answer


# ------------------------------------------------------------------ hostile input

@pytest.mark.parametrize("question", ["", "   ", "\x00\x01\x02\x1b[31m", "???"])
def test_empty_or_control_characters_ask_for_a_question(assistant, question):
    answer = assistant.ask(question)
    assert answer.kind == "clarify"


def test_ten_thousand_characters(assistant):
    answer = assistant.ask("strip length 2002-1204 " + "x" * 10_000)
    assert answer.kind in {"spec", "not_found", "clarify"}
    assert len(answer.answer) < 2_000


def test_answer_json_follows_the_contract(assistant):
    data = assistant.ask("rated voltage 770-1252", id="T1").to_json()
    assert {"id", "question", "kind", "answer", "verdict", "products", "facts", "citations"} <= set(data)
    assert data["id"] == "T1" and data["products"] == [PLUG]
    assert {"product", "source", "section", "line_start", "line_end", "quote"} <= set(data["citations"][0])
    assert data["citations"][0]["page"] == 0  # a text file has no pages


def test_context_marks_the_cited_lines(assistant):
    citation = assistant.ask("rated current 2002-1204").citations[0]
    lines = assistant.context(citation, radius=2)
    cited = [l for l in lines if l.cited]
    assert [l.number for l in cited] == [9] and cited[0].text == "Rated current 24 A"
    assert len(lines) > len(cited)


@pytest.mark.parametrize("question, attribute", [
    ("what is the housing made of on the 2002-1204?", "Insulating material"),
    ("what ambient temperature can the 770 plug take long term?", "Continuous operating temperature"),
    ("max working voltage 2002-1204", "Rated voltage"),
    ("how many poles has the 770 plug", "No. of poles"),
    ("is the 770 plug keyed?", "Coding"),
    ("what's the EAN of the 770-1252/076-000", "GTIN"),
    ("how deep is the winsta plug", "Depth"),
])
def test_installer_words_find_datasheet_attributes(assistant, question, attribute):
    answer = assistant.ask(question)
    # a yes/no question ("is the 770 plug keyed?") is answered with a verdict and the row
    assert answer.kind in ("spec", "check") and answer.facts[0].attribute == attribute
    assert answer.verdict in (None, "yes")
