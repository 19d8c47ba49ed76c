"""Catalogue questions on the multi-vendor corpus: "which of our products …?" answered by
checking every product against its own sheet (filter answers), conditions read from
questions and held against real rows, cross-vendor comparisons by feature, and the
catalogue views of ``datasheet-assistant spec`` (``--feature``, ``--list``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from assistant.answer.conditions import Condition, evaluate, parse_conditions
from assistant.answer.filter import is_filter
from assistant.answer.gate import unsupported_numbers
from assistant.cli import main
from assistant.evaluation import identifier_map, normalise

BANK = Path(__file__).parent / "questions" / "filter.jsonl"


def _rows(assistant, item):
    table = assistant.tables[item]
    return table.product, list(table.rows), list(table.approvals)


# ---------------------------------------------------------------- the question bank


def test_filter_bank_sets_are_exact(vendor_assistant):
    """Every question of tests/questions/filter.jsonl gets exactly the expected products
    (set equality, any identifier), each match cited from its own sheet, no number without
    a source, and no product the bank says "doesn't say" among the matches."""
    ids = identifier_map(vendor_assistant.products())
    sources = {p.item: p.source for p in vendor_assistant.products()}
    misses = []
    for line in BANK.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        answer = vendor_assistant.ask(q["question"], q["history"])
        expected = {ids.get(normalise(p), p) for p in q["products"]}
        got = set(answer.products) if answer.kind == "filter" else None
        if got != expected:
            misses.append(f"{q['id']} {q['question']!r}: {answer.kind} missing "
                          f"{sorted(expected - (got or set()))} extra {sorted((got or set()) - expected)}")
            continue
        assert unsupported_numbers(answer, vendor_assistant.tables) == [], q["id"]
        for item in answer.products:
            assert any(c.product == item and c.source == sources[item] for c in answer.citations), (q["id"], item)
        doesnt_say = {ids.get(normalise(p), p) for p in q["doesnt_say"]}
        assert not doesnt_say & got, q["id"]
    assert not misses, "\n".join(misses)


def test_a_sheet_that_does_not_say_is_not_a_match(vendor_assistant):
    """The 2002-1204 sheet prints no IP rating: it is named as "doesn't say", never listed
    as IP20, and the condition's outcome on its rows is None, not False."""
    answer = vendor_assistant.ask("which of our products are IP20")
    assert answer.kind == "filter"
    assert "2002-1204" not in answer.products and "MCN116" in answer.products
    said, rest = answer.answer.split("don't say", 1)
    assert "2002-1204" in rest and "2002-1204" not in said
    product, rows, approvals = _rows(vendor_assistant, "2002-1204")
    outcome = evaluate(Condition("ip_rating", "has", text="IP20"), product, rows, approvals)
    assert outcome.verdict is None
    product, rows, approvals = _rows(vendor_assistant, "770-1252/076-000")
    outcome = evaluate(Condition("ip_rating", "has", text="IP67"), product, rows, approvals)
    assert outcome.verdict is False and outcome.rows[0].value == "IP20"


def test_filter_answer_carries_a_table(vendor_assistant):
    """What the TUI's table needs: per matched product its vendor (products()), deciding
    value (facts) and source (citations), best first for "at least"."""
    answer = vendor_assistant.ask("which products are rated 20 A or more (IEC rated current)")
    assert answer.kind == "filter" and answer.verdict is None
    vendors = {p.item: p.vendor for p in vendor_assistant.products()}
    assert all(vendors[item] for item in answer.products)
    values = {f.product: f.value for f in answer.facts}
    assert values["PM25K2PE01"] == "25A" and values["2002-1204"] == "24 A"
    assert answer.products.index("PM25K2PE01") < answer.products.index("2002-1204")  # 25 A before 24 A
    assert {c.product for c in answer.citations} == set(answer.products)


def test_follow_up_replaces_a_condition(vendor_assistant):
    answer = vendor_assistant.ask("black ones?", ["which products come in blue"])
    assert answer.kind == "filter" and set(answer.products) == {"PM25K2PE01", "92.931.3053.1"}
    assert "blue" not in answer.answer.split("don't say")[0].lower()


@pytest.mark.parametrize("question", [
    "what is the strip length of the phoenix terminal block",   # a value of one product
    "is the siemens socket IP20?",                               # yes/no about one product
    "pheonix M12 connector rated voltage",                       # a feature asked, not products
    "which adapter fits 4 mm plugs?",                            # a length no feature names
])
def test_not_every_question_without_an_item_is_a_filter(vendor_assistant, question):
    assert vendor_assistant.ask(question).kind != "filter"


# ---------------------------------------------------------------- reading questions


def _summary(question: str) -> list[tuple]:
    return [(c.feature, c.op, c.value, c.unit, c.conductor or c.text, c.standard, c.count)
            for c in parse_conditions(question)]


@pytest.mark.parametrize("question, expected", [
    ("which terminal blocks take 6 mm² fine-stranded with a ferrule?",
     [("kind", "is", None, "", "terminal block", "", 0), ("cross_section", "fits", 6.0, "mm²", "ferrule", "", 0)]),
    ("2.5mm2 with plastic collar ferrule - which ones accept that",
     [("cross_section", "fits", 2.5, "mm²", "ferrule_collar", "", 0)]),
    ("anything rated 600 V under UL and at least 20 A?",
     [("rated_voltage", "==", 600.0, "V", "600 V", "UL", 0), ("rated_current", ">=", 20.0, "A", "20 A", "UL", 0)]),
    ("which products can be stored at -40 °C",
     [("storage_temperature", "fits", -40.0, "°C", "-40 °C", "", 0)]),
    ("anything rated down to -60C", [("operating_temperature", "<=", -60.0, "°C", "-60C", "", 0)]),
    ("which products let me put two 1.5 mm² solid wires under one terminal",
     [("cross_section", "fits", 1.5, "mm²", "solid", "", 2)]),
    ("terminal screw torque below 1 Nm - which products", [("tightening_torque", "<", 1.0, "N·m", "1 Nm", "", 0)]),
    ("which circuit breakers have 10 kA breaking capacity (IEC 60947-2)",
     [("kind", "is", None, "", "circuit breaker", "", 0),
      ("breaking_capacity", "==", 10.0, "kA", "10 kA", "IEC 60947-2", 0)]),
    ("which connectors have 5 or more contacts",
     [("kind", "is", None, "", "connector", "", 0), ("number_of_contacts", ">=", 5.0, "", "5 or more contacts", "", 0)]),
    ("which breakers are single pole",
     [("kind", "is", None, "", "circuit breaker", "", 0), ("poles", "==", 1.0, "", "single pole", "", 0)]),
    # a number becomes a condition only against a feature of its own dimension
    ("which adapter fits 4 mm plugs?", [("kind", "is", None, "", "connector", "", 0)]),
    ("which products fit a 35 mm DIN rail", [("mounting_type", "has", None, "", "35 mm DIN rail", "", 0)]),
    ("which products are UL94 V-0", [("flammability_class", "has", None, "", "UL94 V-0", "", 0)]),
    ("what is the strip length?", []),
])
def test_parse_conditions(question, expected):
    assert _summary(question) == expected


def test_parse_approvals_vendors_and_text_values():
    conditions = parse_conditions("which products have ship approvals (DNV, ABS, BV, LR, RINA)")
    assert len(conditions) == 1 and conditions[0].feature == "approval"
    assert {"DNV", "ABS", "BV", "LR", "RINA"} <= set(conditions[0].any_of)
    negated = parse_conditions("which products are explicitly NOT UL approved")
    assert negated[0].feature == "approval" and negated[0].negated
    assert [(c.feature, c.text) for c in parse_conditions("anything from pheonix?")] == [("vendor", "Phoenix Contact")]
    screws = parse_conditions("relay sockets with screw terminals?")
    assert [(c.feature, c.term) for c in screws] == [("kind", ""), ("connection_technology", "screw")]
    # "terminal screws" with a torque asks no screw terminals
    assert [c.feature for c in parse_conditions("which products need 2 N·m or more on the terminal screws")] == \
        ["tightening_torque"]


# ---------------------------------------------------------------- evaluating real rows


def test_min_max_sub_rows_form_one_range(vendor_assistant):
    product, rows, _ = _rows(vendor_assistant, "LZS:RT78725")
    at = lambda t: evaluate(Condition("operating_temperature", "fits", t, "°C", f"{t} °C"), product, rows)  # noqa: E731
    yes, no = at(-40.0), at(-45.0)
    assert yes.verdict is True and [r.value for r in yes.rows] == ["-40 °C", "+70 °C"]
    assert no.verdict is False
    storage = evaluate(Condition("storage_temperature", "fits", 80.0, "°C", "80 °C"), product, rows)
    assert storage.verdict is True  # storage max +85 °C, operating max +70 °C
    hot = evaluate(Condition("operating_temperature", "fits", 80.0, "°C", "80 °C"), product, rows)
    assert hot.verdict is False


def test_conductor_classes_ferrules_collars_and_counts(vendor_assistant):
    def check(item, question):
        product, rows, approvals = _rows(vendor_assistant, item)
        (condition,) = [c for c in parse_conditions(question) if c.feature == "cross_section"]
        return evaluate(condition, product, rows, approvals, question=question)

    # A2C 2.5: DIN 46228/4 (with collar) up to 1.5 mm², DIN 46228/1 (without) up to 2.5 mm²
    assert check("1521850000", "2.5 mm² ferrule with plastic collar").verdict is False
    assert check("1521850000", "1.5 mm² ferrule with plastic collar").verdict is True
    assert check("1521850000", "2.5 mm² ferrule without plastic collar").verdict is True
    assert check("1521850000", "2.5 mm² with a ferrule").verdict is True  # either ferrule
    # AK950: a ferrule row that says nothing of a collar does not answer a collar question
    assert check("AK950/..-7.5-V", "1.5 mm² ferrule with plastic collar").verdict is None
    assert check("AK950/..-7.5-V", "1.5 mm² with ferrule").verdict is True
    # 770 plug: push-in with a ferrule from 1.5 mm² only
    assert check("770-1252/076-000", "0.75 mm² fine-stranded with ferrule, push-in").verdict is False
    assert check("770-1252/076-000", "0.75 mm² fine-stranded with ferrule").verdict is True
    # two conductors per clamping point: Siemens 2x (0.5 … 1.5), PTR 2x 1.0 mm²
    assert check("LZS:RT78725", "two 1.5 mm² solid wires").verdict is True
    assert check("LZS:RT78725", "two 2.5 mm² solid wires").verdict is False
    assert check("AK950/..-7.5-V", "two 1.5 mm² solid wires").verdict is False
    # a sheet that names no class for its range can only say no
    assert check("PM25K2PE01", "4 mm² solid").verdict is False
    assert check("PM25K2PE01", "2.5 mm² solid").verdict is None


def test_units_pairs_first_then_pint_then_the_gauge_table(vendor_assistant):
    def check(item, condition):
        product, rows, approvals = _rows(vendor_assistant, item)
        return evaluate(condition, product, rows, approvals)

    cold = Condition("operating_temperature", "fits", 0.0, "°F", "0 °F")  # -17.8 °C
    assert check("230912201", cold).verdict is True        # its own pair: -13 … +167 °F
    assert check("1436741", cold).verdict is True          # -25 … 85 °C, by pint
    assert check("MCN116", Condition("operating_temperature", "fits", -20.0, "°F", "-20 °F")).verdict is False
    torque = Condition("tightening_torque", ">=", 20.0, "lb·in", "20 lb-in")  # ≈ 2.26 N·m
    assert check("2CDS251001R0164", torque).verdict is True  # 2.8 N·m / 24.8 lb-in: the pair
    assert check("MCN116", torque).verdict is True           # 2.8 Nm, by pint
    assert check("95.05SPA", torque).verdict is False        # 0.8 Nm
    narrow = Condition("width", "<", 0.25, "inch", "0.25 inch")  # 6.35 mm
    assert check("3209510", narrow).verdict is True          # 5.2 mm
    assert check("2CDS251001R0164", narrow).verdict is False  # 17.5 mm
    gauge = Condition("cross_section", "fits", 12.0, "AWG", "12 AWG")
    by_pair = check("2002-1204", gauge)
    assert by_pair.verdict is True and not by_pair.converted
    by_table = check("2CDS251001R0164", gauge)  # mm² only: 12 AWG ≈ 3.31 mm² by the table
    assert by_table.verdict is None and by_table.converted
    assert check("LZS:RT78725", gauge).verdict is False     # its AWG row: 20 … 14


def test_ratings_under_a_standard(vendor_assistant):
    def check(item, question):
        product, rows, approvals = _rows(vendor_assistant, item)
        (condition,) = [c for c in parse_conditions(question) if c.feature == "rated_voltage"]
        return evaluate(condition, product, rows, approvals, question=question)

    assert check("PM25K2PE01", "which products are rated 600 V under UL").verdict is True   # 600VAC (UL)
    assert check("PM25K2PE01", "any connector for 400 V or more (IEC)?").verdict is True    # 400V (IEC)
    assert check("PM25K2PE01", "rated 600 V (IEC)").verdict is False
    assert check("AK950/..-7.5-V", "rated 300 V under UL").verdict is True  # UL (File E77054) 300 V …
    assert check("92.931.3053.1", "rated 600 V under UL").verdict is True   # cULus 600 V, 20 A
    assert check("LZS:RT78725", "rated 600 V under UL").verdict is None


# ---------------------------------------------------------------- compare across vendors


def test_cross_vendor_compare_by_feature(vendor_assistant):
    answer = vendor_assistant.ask("compare the strip length of the 2002-1204, the AK950 and the PT 2,5")
    assert answer.kind == "compare"
    quotes = {c.product: c.quote for c in answer.citations}
    assert quotes["AK950/..-7.5-V"].startswith("Stripping length 6.5 mm")
    assert "8 mm … 10 mm" in quotes["3209510"] and "10 … 12 mm" in quotes["2002-1204"]
    assert unsupported_numbers(answer, vendor_assistant.tables) == []
    heavier = vendor_assistant.ask("which is heavier, the PT 2,5 or the A2C 2.5?")
    assert heavier.kind == "compare" and heavier.headline.startswith("3209510")
    ul = vendor_assistant.ask("UL voltage: AK950 compared to PT 2,5")
    assert "300 V" in ul.answer and "600 V" in ul.answer


# ---------------------------------------------------------------- the spec command


def _cli(capsys, vendor_assistant, vendor_corpus, *args):
    code = main(["spec", *args, "--corpus", str(vendor_corpus), "--index", str(vendor_assistant.index.path.parent)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_spec_feature_csv(capsys, vendor_assistant, vendor_corpus):
    code, out, _err = _cli(capsys, vendor_assistant, vendor_corpus, "--feature", "strip_length", "--csv")
    assert code == 0
    rows = {r["item"]: r for r in csv.DictReader(io.StringIO(out))}
    assert len(rows) == len(vendor_assistant.products())
    wago = rows["2002-1204"]
    assert (wago["value"], wago["low"], wago["high"], wago["unit"]) == ("10 … 12 mm / 0.39 … 0.47 inch", "10", "12", "mm")
    assert wago["source"].endswith("2002-1204.txt") and wago["line_start"] == "65"
    assert rows["LZS:RT78725"]["value"] == ""                      # the Siemens sheet gives none
    assert rows["167592"]["conductor"] == "solid"                  # Eaton: per conductor class
    assert rows["2CDS251001R0164"]["page"] == "2"                  # a PDF row: its page
    code, out, _err = _cli(capsys, vendor_assistant, vendor_corpus, "--feature", "Operating temperature", "--json")
    records = {r["item"]: r for r in json.loads(out)}
    assert (records["LZS:RT78725"]["low"], records["LZS:RT78725"]["high"]) == ("-40", "70")  # min / max rows
    code, _out, err = _cli(capsys, vendor_assistant, vendor_corpus, "--feature", "strip")
    assert code != 0 and "strip_length" in err


def test_spec_list(capsys, vendor_assistant, vendor_corpus):
    code, out, _err = _cli(capsys, vendor_assistant, vendor_corpus, "--list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(vendor_assistant.products())
    assert any(line.startswith("2CDS251001R0164") and "ABB" in line and "S201-C16" in line for line in lines)
    code, out, _err = _cli(capsys, vendor_assistant, vendor_corpus, "--list", "--json")
    records = {r["item"]: r for r in json.loads(out)}
    assert records["3209510"]["vendor"] == "Phoenix Contact" and "PT 2,5" in records["3209510"]["identifiers"]


# ---------------------------------------------------------------- the catalogue query


def test_rows_are_read_by_feature(vendor_assistant):
    by_item = vendor_assistant.index.rows_with_features(["strip_length"], attributes=("UL",))
    assert set(by_item) >= {"2002-1204", "AK950/..-7.5-V"}
    assert all(r.feature == "strip_length" or r.attribute == "UL" for rows in by_item.values() for r in rows)
    table = [r for r in vendor_assistant.tables["AK950/..-7.5-V"].rows if r.feature == "strip_length" or r.attribute == "UL"]
    assert by_item["AK950/..-7.5-V"] == table  # sheet order, the same records
    assert is_filter("which products are IP67") and not is_filter("is it IP67?")


def test_catalogue_filters_match_the_generators_sets(tmp_path, embedder):
    """The synthetic catalogue's filter questions (benchmarks/make_catalogue.py): every set
    exactly the one computed from the generator's own values."""
    import sys

    from assistant.answer.assistant import Assistant
    from assistant.evaluation import read_questions, score
    from assistant.index import indexing

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from make_catalogue import make_catalogue

    make_catalogue(20, tmp_path / "cat", n_questions=0)
    corpus, index = tmp_path / "cat" / "corpus", tmp_path / "index"
    indexing.build(corpus, index, embedder)
    assistant = Assistant.open(index, corpus, embedder=embedder)
    ids = identifier_map(assistant.products())
    questions = read_questions(tmp_path / "cat" / "filters.jsonl")
    assert len(questions) >= 25 and any(len(q.products) > 5 for q in questions)
    wrong = [q.question for q in questions
             if not score(q, assistant.ask(q.question), tuple(assistant.tables), ids).passed]
    assert not wrong, wrong
