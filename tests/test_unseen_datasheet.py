"""A datasheet in a layout the shipped corpus does not have: PDF-like text with no blank
lines between rows, other section names (``Physical data``) and another UL standard.

The sheet (``tests/data/unseen/999-413.txt``) is invented for this test; its values are
not a real product's. It checks that parsing and answering follow the text's structure,
not the shipped sheets' wording.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.index import indexing
from assistant.answer.assistant import Assistant

SHEET = Path(__file__).parent / "data" / "unseen" / "999-413.txt"


@pytest.fixture(scope="module")
def unseen(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("unseen")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(SHEET, corpus / SHEET.name)
    indexing.build(corpus, base / "index", embedder)
    return Assistant.open(base / "index", corpus, embedder=embedder)


def test_rows_one_per_line(unseen):
    rows = {r.label: r for r in unseen.spec_table("999-413").rows}
    assert rows["Rated current UL"].value == "20 A" and rows["Rated current UL"].standard == "UL 486C"
    assert rows["Width"].section == "Physical data"
    assert rows["Color"].value == "transparent"  # not swallowing the lines below it
    assert rows["Weight"].value == "1.6 g"
    assert "Material group IIIa" not in {r.value for r in rows.values()}


@pytest.mark.parametrize("question, expected", [
    ("rated current of the 999-413", "32 A"),
    ("how much do I strip for the 999-413?", "11 mm / 0.43 inch"),
    ("how wide is the 999-413", "18.9 mm / 0.744 inch"),
    ("operating temperature range 999-413", "-40 … +85 °C"),
])
def test_lookups(unseen, question, expected):
    answer = unseen.ask(question)
    assert answer.kind == "spec" and expected in answer.answer


def test_check_and_passage_and_refusal(unseen):
    assert unseen.ask("does 6 mm² solid fit the 999-413?").verdict == "no"
    assert unseen.ask("is 0.2 mm² fine-stranded ok in the 999-413?").verdict == "yes"
    passage = unseen.ask("how do I remove a wire from the 999-413?")
    assert passage.kind == "passage" and "open the lever" in passage.answer
    assert unseen.ask("tightening torque for the 999-413?").kind == "not_found"


SPACED = """Contact insert, screw terminal, 4 poles, female
Part number: 41 20 004 3301

Technical data
Rated current    10 A
Rated voltage    400 V
Conductor cross-section    0.5 ... 2.5 mm²

Mating insert    41 20 004 3201 (male)
"""


def test_a_spaced_part_number_differing_in_its_last_group_is_another_part(tmp_path, embedder):
    # "41 20 004 3201" starts like the sheet's "41 20 004 3301": the mating insert, which
    # must never be given this insert's 10 A
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "41200043301.txt").write_text(SPACED, encoding="utf-8")
    assistant = Assistant.open(tmp_path / "index", corpus, embedder=embedder)
    own = assistant.ask("rated current of the 41 20 004 3301")
    assert own.kind == "spec" and "10 A" in own.answer, own.answer
    mate = assistant.ask("rated current of the 41 20 004 3201 male insert")
    assert mate.kind in ("not_found", "passage") and "10 A" not in mate.answer, mate.answer
