"""Golden spec table of the WINSTA MIDI plug 770-1252/076-000 (datasheet converted to Markdown)."""

import pytest

from golden import numbers, row, shipped_tables

N = None


@pytest.fixture(scope="module")
def table():
    return shipped_tables()["770-1252/076-000"]


def test_product_record(table):
    p = table.product
    assert p.item == "770-1252/076-000"
    assert p.title == "Plug; 2-pole; Cod. B; 4.00 mm²; light turquoise"
    assert (p.color, p.kind) == ("light turquoise", "plug")
    assert "WINSTA" in p.family
    assert p.source == "corpus/770-1252_076-000.md"


def test_row_count(table):
    assert len(table.rows) >= 55


@pytest.mark.parametrize("attribute, qualifier, standard, expected, line", [
    ("Rated voltage", "(III / 3)", "IEC/EN 60664-1", (250, 250, "V", "", N, N, N), 69),
    ("Rated impulse voltage", "(III / 3)", "IEC/EN 60664-1", (4, 4, "kV", "", N, N, N), 70),
    ("Rated current", "", "IEC/EN 60664-1", (25, 25, "A", "", N, N, N), 71),
    ("Rated voltage", "per UL 1977 (factory wiring only)", "UL 1977", (600, 600, "V", "", N, N, N), 76),
    ("Rated current", "per UL 1977 (factory wiring only)", "UL 1977", (23, 23, "A", "", N, N, N), 77),
    ("Nominal cross section", "", "", (4, 4, "mm²", "", N, N, N), 88),
    ("Solid conductor", "", "", (0.5, 4, "mm²", "", 20, 12, "AWG"), 89),
    ("Solid conductor, push-in termination", "", "", (1.5, 4, "mm²", "", 16, 12, "AWG"), 90),
    ("Stranded conductor", "", "", (0.5, 2.5, "mm²", "", 20, 14, "AWG"), 91),
    ("Fine-stranded conductor", "", "", (0.5, 4, "mm²", "", 20, 12, "AWG"), 92),
    ("Fine-stranded conductor with ferrule with plastic collar", "", "", (0.25, 1.5, "mm²", "", 20, 16, "AWG"), 93),
    ("Fine-stranded conductor with ferrule without plastic collar", "", "", (0.25, 2.5, "mm²", "", 20, 14, "AWG"), 94),
    ("Fine-stranded conductor with ferrule, push-in termination, from", "", "", (1.5, 1.5, "mm²", "", 16, 16, "AWG"), 95),
    ("Pin spacing", "", "", (10, 10, "mm", "", 0.394, 0.394, "inch"), 105),
    ("Width", "", "", (20, 20, "mm", "", 0.787, 0.787, "inch"), 106),
    ("Height", "", "", (12.9, 12.9, "mm", "", 0.508, 0.508, "inch"), 107),
    ("Depth", "", "", (37.5, 37.5, "mm", "", 1.476, 1.476, "inch"), 108),
    ("Mating force of a plug-in connection", "", "", (20, 70, "N", "approx.", N, N, N), 113),
    ("Retention force of a plug-in connection", "", "", (80, 80, "N", ">", N, N, N), 114),
    ("Weight", "", "", (6.5, 6.5, "g", "", N, N, N), 137),
    ("Processing temperature", "", "", (-5, 40, "°C", "", N, N, N), 142),
    ("Continuous operating temperature", "", "", (-35, 85, "°C", "", N, N, N), 143),
    ("Note on Continuous Service Temperature", "", "", (105, 105, "°C", "≤", N, N, N), 144),
])
def test_numeric_rows(table, attribute, qualifier, standard, expected, line):
    r = row(table, attribute, qualifier)
    assert numbers(r) == expected
    assert r.standard == standard
    assert r.line_start == line and r.source == "corpus/770-1252_076-000.md"


def test_strip_length_in_two_sections(table):
    """The sheet gives the strip length in its connection data (with inch) and again in the
    installation notes; both are rows, each cited to its own section."""
    found = [r for r in table.rows if r.attribute == "Strip length"]
    assert [(r.section, r.value) for r in found] == [
        ("Connection data", "9 mm / 0.35 inch"),
        ("Installation Notes › Conductor termination", "9 mm"),
    ]


@pytest.mark.parametrize("attribute, qualifier, value", [
    ("Coding", "", "B"),
    ("Protection class", "", "IP20"),
    ("Contact type", "(pluggable connector)", "Male connector/plug"),
    ("Locking of plug-in connection", "", "locking lever"),
    ("Color", "", "light turquoise"),
    ("Clamping spring material", "", "Chrome nickel spring steel (CrNi)"),
])
def test_text_rows(table, attribute, qualifier, value):
    r = row(table, attribute, qualifier)
    assert r.value == value and r.quantity is None


def test_markup_is_gone(table):
    for r in table.rows:
        assert "<sup>" not in r.value and "**" not in r.value and "\t" not in r.value


def test_approvals(table):
    assert [(a.approval, a.issuer, a.standard, a.certificate) for a in table.approvals] == [
        ("DNV GL", "Det Norske Veritas, Germanischer Lloyd", "", "TAE00001Z6")]


def test_accessories(table):
    acc = {(a.group, a.item_number): a.description for a in table.accessories}
    assert len(acc) == 16
    assert acc[("Counterpart", "770-1242/076-000")] == "Socket; 2-pole; Cod. B; 4.00 mm²; light turquoise"
    assert acc[("tools", "210-719")] == "Operating tool; Blade: 2.5 x 0.4 mm; with a partially insulated shaft"
    assert acc[("Locking lever", "770-131")] == "Locking lever; for flying leads; for tool operation; white"
    assert acc[("Strain relief plate", "770-502/042-000")].startswith("Strain relief housing; 2-pole")
    # the same description under two item numbers is two records
    assert acc[("General accessories", "770-317")] == acc[("General accessories", "770-337")]
    groups = [a.group for a in table.accessories]
    assert groups.count("Locking lever") == 4 and groups.count("Strain relief plate") == 4
