"""Golden spec table of the TOPJOB S terminal block 2002-1204 (text extracted from a PDF)."""

import pytest

from golden import numbers, row, shipped_tables

N = None


@pytest.fixture(scope="module")
def table():
    return shipped_tables()["2002-1204"]


def test_product_record(table):
    p = table.product
    assert (p.item, p.family, p.color, p.kind) == ("2002-1204", "TOPJOB S", "blue", "terminal block")
    assert p.source == "corpus/2002-1204.txt"


def test_row_count(table):
    assert len(table.rows) >= 45


@pytest.mark.parametrize("attribute, qualifier, standard, expected, line", [
    ("Rated voltage", "(III / 3)", "IEC/EN 60664-1", (800, 800, "V", "", N, N, N), 5),
    ("Rated impulse voltage", "(III / 3)", "IEC/EN 60664-1", (8, 8, "kV", "", N, N, N), 7),
    ("Rated current", "", "IEC/EN 60664-1", (24, 24, "A", "", N, N, N), 9),
    ("Rated voltage", "UL (Use Group B)", "UL 1059", (600, 600, "V", "", N, N, N), 17),
    ("Rated current", "UL (Use Group B)", "UL 1059", (20, 20, "A", "", N, N, N), 19),
    ("Rated current", "UL (Use Group C)", "UL 1059", (20, 20, "A", "", N, N, N), 23),
    ("Rated current", "CSA (Use Group B)", "CSA", (20, 20, "A", "", N, N, N), 29),
    ("Rated voltage", "EN (Ex e II)", "", (550, 550, "V", "", N, N, N), 37),
    ("Rated current", "(Ex e II)", "", (22, 22, "A", "", N, N, N), 39),
    ("Rated current", "(Ex e II) with jumper", "", (20, 20, "A", "", N, N, N), 41),
    ("Nominal cross section", "", "", (2.5, 2.5, "mm²", "", N, N, N), 52),
    ("Solid conductor", "", "", (0.25, 4, "mm²", "", 22, 12, "AWG"), 54),
    ("Solid conductor, push-in termination", "", "", (0.75, 4, "mm²", "", 18, 12, "AWG"), 56),
    ("Fine-stranded conductor", "", "", (0.25, 4, "mm²", "", 22, 12, "AWG"), 58),
    ("Fine-stranded conductor with ferrule with plastic collar", "", "", (1, 2.5, "mm²", "", 18, 12, "AWG"), 60),
    ("Strip length", "", "", (10, 12, "mm", "", 0.39, 0.47, "inch"), 65),
    ("Width", "", "", (5.2, 5.2, "mm", "", 0.205, 0.205, "inch"), 82),
    ("Height from upper-edge of DIN-35 rail", "", "", (32.9, 32.9, "mm", "", 1.295, 1.295, "inch"), 84),
    ("Depth", "", "", (48.5, 48.5, "mm", "", 1.909, 1.909, "inch"), 86),
    ("Fire load", "", "", (0.109, 0.109, "MJ", "", N, N, N), 102),
    ("Weight", "", "", (4.9, 4.9, "g", "", N, N, N), 104),
])
def test_numeric_rows(table, attribute, qualifier, standard, expected, line):
    r = row(table, attribute, qualifier)
    assert numbers(r) == expected
    assert r.standard == standard
    assert r.line_start == line and r.source == "corpus/2002-1204.txt"


def test_section_paths_follow_headings(table):
    assert row(table, "Rated current", "UL (Use Group B)").section == "Electrical data › Approvals per UL 1059"
    assert row(table, "Strip length").section == "Connection data"
    assert row(table, "Depth").section == "Geometrical Data"


@pytest.mark.parametrize("attribute, value", [
    ("Connection technology", "Push-in CAGE CLAMP®"),
    ("Actuation type", "Push-in, Open Tool Slot"),
    ("Connectable conductor materials", "Copper"),
    ("Type of mounting", "DIN-35 rail"),
    ("Color", "blue"),
    ("Insulating material", "Polyamide 66 (PA 66)"),
    ("Packaging type", "BOX"),
])
def test_text_rows(table, attribute, value):
    r = row(table, attribute)
    assert r.value == value and r.quantity is None


def test_page_break_duplicate_is_one_row(table):
    """The PDF repeats a row at the top of page 2; it is one record, from its first line."""
    found = [r for r in table.rows if r.attribute.startswith("Fine-stranded conductor with ferrule, push-in")]
    assert len(found) == 1 and found[0].line_start == 62


def test_approvals(table):
    by_name = {a.approval: a for a in table.approvals}
    assert set(by_name) == {"AEx", "ATEx", "IECEx", "CCA", "CSA", "KEMA/KEUR", "ABS", "BV", "DNV GL", "LR"}
    atex = by_name["ATEx"]
    # broken over five lines in the PDF text
    assert atex.certificate == "PTB 03 ATEX 1162 U"
    assert atex.standard == "EN 60079"
    assert atex.issuer == "Physikalisch Technische Bundesanstalt (PTB)"
    assert atex.note == "(II 2 G/D Ex e II bzw. I M 2 Ex e I)"
    assert (atex.line_start, atex.line_end) == (133, 141)
    assert by_name["CSA"].standard == "C22.2 No. 158" and by_name["CSA"].certificate == "1536069"
    assert by_name["CSA"].issuer == "DEKRA Certification B.V."
    assert by_name["KEMA/KEUR"].certificate == "71-107687"
    assert by_name["ABS"].certificate == "14-HG1293677-PDA"
    assert by_name["DNV GL"].certificate == "TAE00001V2" and by_name["DNV GL"].standard == ""
    assert by_name["IECEx"].certificate == "IECEx PTB 03.0004U"
    assert by_name["AEx"].group == "Ex-Approvals" and by_name["BV"].group == "Ship Approvals"


def test_no_accessories(table):
    assert table.accessories == ()
