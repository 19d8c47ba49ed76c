"""Loading and normalising real files: shipped text, generated PDFs, and bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.index import indexing
from assistant.ingest.loading import DatasheetError, load_file
from assistant.ingest.normalising import normalise
from pdfs import DATASHEET, write_pdf, write_textless_pdf

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _doc(path: Path):
    return normalise(load_file(path, f"corpus/{path.name}"))


def test_generated_pdf_is_read_into_a_spec_table(tmp_path):
    write_pdf(tmp_path / "sheet.pdf", DATASHEET)
    ingested, skipped = indexing.ingest(tmp_path)
    assert skipped == []
    table = ingested[0].table
    assert table.product.item == "2002-9901"
    rows = {r.label: r for r in table.rows}
    assert rows["Rated current"].value == "16 A"
    strip = rows["Strip length"]
    # decimal commas and "..." normalised; the inch form kept as the alternate unit
    assert strip.value == "8 … 9 mm / 0.31 … 0.35 inch"
    assert (strip.quantity.low, strip.quantity.high, strip.quantity.unit) == (8, 9, "mm")
    assert (strip.alternate.low, strip.alternate.high, strip.alternate.unit) == (0.31, 0.35, "inch")
    assert rows["Solid conductor"].quantity.low == 0.14
    assert rows["Color"].value == "grey"
    assert strip.source == "tmp/sheet.pdf".replace("tmp", tmp_path.name)


def test_pdf_boilerplate_removed_and_lines_keep_numbers(tmp_path):
    doc = _doc(write_pdf(tmp_path / "sheet.pdf", DATASHEET))
    texts = [l.text for l in doc.lines if l.text]
    assert not any("Subject to changes" in t or "www.wago.com" in t for t in texts)
    strip = next(l for l in doc.lines if l.text.startswith("Strip length"))
    assert strip.number == DATASHEET.index("Strip length 8 ... 9 mm / 0,31 ... 0,35 inch") + 1


def test_markdown_markup_and_superscripts_normalised():
    doc = _doc(CORPUS / "770-1252_076-000.md")
    line = next(l for l in doc.lines if l.text.startswith("Nominal cross section"))
    assert line.number == 88 and "<sup>" in line.raw
    assert line.text.endswith("4 mm²")
    assert not any("**" in l.text or "<sup>" in l.text for l in doc.lines)
    assert not any(l.text.startswith("Subject to changes") for l in doc.lines)


def test_repeated_page_header_dropped_but_table_cells_kept():
    doc = _doc(CORPUS / "2002-1204.txt")
    texts = [l.text for l in doc.lines]
    assert texts.count("Fine-stranded conductor with ferrule, push-in termination, from 1 … 2.5 mm² / 18 … 12 AWG") == 1
    # the same issuer under three approvals is three table cells, not page furniture
    assert texts.count("DEKRA Certification B.V.") == 3
    assert not any("Item number: 2002-1204" in t for t in texts)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
    ("latin.md", "Data sheet | Item number: 2002-1111\n".encode() + b"\xff\xfe\xfa" * 40, "decod"),
    ("fake.pdf", b"this is not a pdf", "not a PDF"),
    ("broken.pdf", b"%PDF-1.4\n" + b"garbage " * 100, "broken PDF"),
])
def test_bad_files_raise_a_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DatasheetError) as err:
        load_file(path, f"corpus/{name}")
    assert reason.lower() in err.value.reason.lower()
    assert name in str(err.value)


def test_truncated_pdf_raises(tmp_path):
    whole = write_pdf(tmp_path / "whole.pdf", DATASHEET).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])  # a download that stopped half-way
    with pytest.raises(DatasheetError, match="broken PDF"):
        load_file(cut, "corpus/cut.pdf")


def test_password_protected_pdf_raises(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, "Data sheet | Item number: 2002-9901")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(DatasheetError, match="password"):
        load_file(tmp_path / "locked.pdf", "corpus/locked.pdf")


def test_pdf_lines_have_pages_and_lines_on_the_page(tmp_path):
    raw = load_file(write_pdf(tmp_path / "sheet.pdf", DATASHEET), "corpus/sheet.pdf")
    assert raw.lines == tuple(DATASHEET)  # evenly spaced lines: no paragraph gaps
    assert raw.pages == (1,) * len(DATASHEET)
    assert raw.page_lines == tuple(range(1, len(DATASHEET) + 1))
    assert raw.headings == (False,) * len(DATASHEET)  # one size, one weight: no headings


def test_textless_pdf_raises(tmp_path):
    with pytest.raises(DatasheetError, match="no text"):
        load_file(write_textless_pdf(tmp_path / "scan.pdf"), "corpus/scan.pdf")


def test_bad_files_are_skipped_and_the_rest_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.md").write_bytes(b"\x00" * 100)
    write_textless_pdf(corpus / "scan.pdf")
    ingested, skipped = indexing.ingest(corpus)
    assert sorted(i.doc.item for i in ingested) == ["2002-1204", "770-1252/076-000"]
    assert dict(skipped).keys() == {"corpus/empty.txt", "corpus/binary.md", "corpus/scan.pdf"}


def test_nothing_readable_raises(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(indexing.NothingIndexed, match="empty.txt"):
        indexing.build(tmp_path, tmp_path / "index")


def test_missing_corpus_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        indexing.ingest(tmp_path / "nope")
