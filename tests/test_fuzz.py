"""Parsers under arbitrary and adversarial input (hypothesis).

Every stage from bytes on disk to spec rows is fed text no datasheet has — control
characters, broken markup, mixed encodings, lone numbers, huge lines — mixed with real
lines of the shipped datasheets. Only the documented errors may escape (DatasheetError for
an unreadable file, ValueError for a file without an item number), every kept line keeps
its provenance, and the value parser reads back what it printed. A subprocess checks that
1 MB inputs stay fast (the regexes are linear; a quadratic one takes hours on such input).

Runs are reproducible: ``derandomize=True`` and no example database.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from assistant.index import indexing
from assistant.answer.assistant import Assistant
from assistant.answer.gate import unsupported_numbers
from assistant.ingest.loading import DatasheetError, RawFile, load_file
from assistant.ingest.normalising import normalise, normalise_text
from assistant.records import Quantity
from assistant.ingest.sections import MAX_CHUNK_WORDS, chunk_sections, split_sections
from assistant.ingest.layouts import classify
from assistant.ingest.spectable import build_spec_table, corpus_attributes, known_labels, split_label
from assistant.records import Line
from assistant.ingest.values import UNITS, format_number, parse_value

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def fuzz(examples: int):
    """Hypothesis settings of this file: fixed budget, reproducible, no example database."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# ------------------------------------------------------------------ strategies

CORPUS_LINES = sorted({line for path in CORPUS.iterdir()
                       for line in path.read_text(encoding="utf-8").split("\n")})
# Pieces that the normaliser and the parsers treat specially, and characters that break
# naive line handling (form feed, NEL, U+2028, BOM, NUL).
ATOMS = [
    "<sup>2</sup>", "<sup>", "</sup>", " <sup> 3 </sup>", "[", "]", "](", ")", "(", "**", "__",
    "$", "# ", "### ", "- ", "* ", "\t", " \t ", "…", "...", "−", "–", "‑", ",", ";", ":", "=",
    "Item no.: ", "Item no. 770-101 ", "Item number: ", "Data sheet | Item number: 2002-1204",
    "Approvals / Certificates", "Electrical data", "Connection data", "Installation Notes",
    "Rated current", "Rated voltage", "Strip length", "Solid conductor", "Color", "UL 1059",
    "IEC/EN 60664-1", "(Use Group B)", "approx. ", "ca. ", ">", "<", "≤", "≥", "/", " / ",
    "mm²", "mm2", "AWG", "mm", "inch", "°C", "A", "V", "kV", "0,5", "0.25", "-35", "+85",
    "4017332999175", " ", "  ", "\x00", "\x0c", "\x0b", "\x1b[31m", "\x85", "\u2028", "\ufeff",
    "\u00a0", "\u2003", "²", "Ω", "ß", "漢字", "😀", "\u0301", "\u202e",
]
atom = st.sampled_from(ATOMS)
number_text = st.builds(
    lambda sign, whole, frac: f"{sign}{whole}" + (f",{frac}" if frac else ""),
    st.sampled_from(["", "-", "+"]), st.integers(0, 10**9), st.sampled_from(["", "5", "25", "08"]))
value_text = st.builds(
    lambda marker, low, high, unit: f"{marker}{low}" + (f" ... {high}" if high else "") + (f" {unit}" if unit else ""),
    st.sampled_from(["", "approx. ", "> ", "≤ "]), number_text, st.none() | number_text,
    st.sampled_from(("",) + UNITS))  # as datasheets print values
free_text = st.text(max_size=60)
line = st.one_of(
    st.sampled_from(CORPUS_LINES),
    st.lists(st.one_of(atom, value_text, free_text), max_size=8).map("".join),
    st.tuples(st.sampled_from(CORPUS_LINES), atom, st.integers(0, 200)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2]:]),  # a real line with something inserted
    st.tuples(st.one_of(atom, st.characters()), st.integers(1, 3000)).map(lambda t: t[0] * t[1]),
)
newline = st.sampled_from(["\n", "\r\n", "\r"])
document = st.builds(
    lambda head, lines, nl: nl.join(([head] if head else []) + lines),
    st.sampled_from(["", "Data sheet | Item number: 2002-1204", "Item number: 770-1252/076-000",
                     "# Item number 2002-9901"]),
    st.lists(line, max_size=40), newline)


def _write(data: bytes, suffix: str) -> tuple[tempfile.TemporaryDirectory, Path]:
    folder = tempfile.TemporaryDirectory(prefix="fuzz-")
    path = Path(folder.name) / f"2002-1204{suffix}"
    path.write_bytes(data)
    return folder, path


def _load(data: bytes, suffix: str) -> RawFile | DatasheetError:
    folder, path = _write(data, suffix)
    with folder:
        try:
            return load_file(path, f"corpus/{path.name}")
        except DatasheetError as exc:
            assert exc.reason and path.name in str(exc)
            return exc


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for text in lines:
        pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


REAL_PDF = _pdf(["Data sheet | Item number: 2002-1204", "Electrical data",
                 "Rated current 24 A", "Strip length 10 ... 12 mm / 0,39 ... 0,47 inch"])


# ------------------------------------------------------------------ loading


@fuzz(300)
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".md", ".pdf", ".TXT", ".Md"]))
@example(b"\xff\xfe" + "Item number: 2002-1204\n".encode("utf-16-le"), ".txt")
@example(b"\xff\xfe\x00", ".txt")
@example(b"%PDF-1.7\n" + b"\x00" * 100, ".pdf")
@example(b"\xef\xbb\xbf", ".md")
def test_loader_takes_any_bytes(data, suffix):
    """Any file content gives lines or a DatasheetError with a reason, nothing else."""
    result = _load(data, suffix)
    if isinstance(result, RawFile):
        assert result.lines and any(l.strip() for l in result.lines)
        assert not any("\n" in l or "\r" in l for l in result.lines)


@fuzz(150)
@given(st.binary(max_size=2000), st.integers(0, len(REAL_PDF)), st.integers(0, 255))
def test_loader_takes_broken_pdfs(tail, cut, byte):
    """A real PDF truncated, with a byte changed, or followed by garbage: lines or
    DatasheetError (PDFium's own errors are turned into the reason)."""
    damaged = bytearray(REAL_PDF[:cut] + tail)
    if cut < len(damaged):
        damaged[cut] = byte
    for data in (bytes(damaged), b"%PDF-1.4\n" + tail):
        _load(data, ".pdf")


@fuzz(60)
@given(st.lists(st.text(st.characters(codec="latin-1", exclude_categories=("Cc",)), max_size=70),
                max_size=25))
def test_generated_pdfs_keep_their_words(lines):
    """Text PDFs with arbitrary Latin-1 lines: the words come back, or the PDF is reported
    as having no text layer."""
    result = _load(_pdf(lines), ".pdf")
    words = [w for l in lines for w in re.findall(r"[A-Za-z0-9]+", l)]
    if isinstance(result, DatasheetError):
        assert not words and "no text" in result.reason
        return
    extracted = re.sub(r"\s+", "", "".join(result.lines))
    for w in words:
        assert w in extracted


def test_password_protected_pdf_is_refused_with_a_reason():
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5, "Data sheet | Item number: 2002-1204")
    result = _load(bytes(pdf.output()), ".pdf")
    assert isinstance(result, DatasheetError) and "password" in result.reason


@fuzz(200)
@given(document, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-16-le"]))
def test_loader_reads_text_in_any_encoding_or_says_why(text, encoding):
    """UTF-8 (with or without BOM) and BOM-marked UTF-16 are read line for line, numbered as
    an editor numbers them; other encodings are read or refused with a reason."""
    data = text.encode(encoding, errors="replace")
    result = _load(data, ".txt")
    decoded = text.removeprefix("\ufeff") if encoding == "utf-8" else text
    readable = encoding in ("utf-8", "utf-8-sig", "utf-16") and decoded.strip() \
        and "\x00" not in decoded
    if readable:
        assert isinstance(result, RawFile), result
        expected = re.split(r"\r\n|\r|\n", decoded)
        if expected[-1] == "":
            expected.pop()
        assert result.lines == tuple(expected)


def test_form_feeds_and_unicode_line_separators_do_not_shift_line_numbers(tmp_path):
    """pdftotext puts a form feed at each page break; U+2028 and NEL occur in converted
    text. Citations give line numbers as ``sed -n`` counts them (only \\n, \\r\\n, \\r)."""
    text = ("Data sheet | Item number: 2002-1204\n\x0cElectrical data\nSome\u2028thing\x85else\n"
            "\nRated current 24 A\n")
    path = tmp_path / "2002-1204.txt"
    path.write_text(text, encoding="utf-8")
    raw = load_file(path, "corpus/2002-1204.txt")
    assert raw.lines == tuple(text.split("\n")[:-1])
    doc = normalise(raw)
    row = next(l for l in doc.lines if l.text == "Rated current 24 A")
    assert row.number == 5
    assert [l.text for l in doc.lines if l.number == 2] == ["Electrical data"]


# ------------------------------------------------------------------ normalising → spec table

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


@fuzz(300)
@given(st.one_of(line, free_text), st.booleans())
def test_normalise_text_gives_one_clean_line(text, markdown):
    """One line out, trimmed, single-spaced, no control characters, one tab between cells."""
    out = normalise_text(text, markdown)
    assert out == out.strip()
    assert not _CONTROL.search(out)
    assert "  " not in out and " \t" not in out and "\t " not in out and "\t\t" not in out


def _check_pipeline(text: str, suffix: str) -> None:
    result = _load(text.encode("utf-8"), suffix)
    if isinstance(result, DatasheetError):
        return
    raw = result
    try:
        doc = normalise(raw)
    except ValueError as exc:
        assert "no item number" in str(exc)
        return
    numbers = [l.number for l in doc.lines]
    assert numbers == sorted(set(numbers))
    for l in doc.lines:  # provenance: every kept line is the file's line with that number
        assert 1 <= l.number <= len(raw.lines) and l.raw == raw.lines[l.number - 1]
        assert not _CONTROL.search(l.text)
    kept = {l.number: l for l in doc.lines}
    sections = split_sections(doc)
    for s in sections:
        assert s.lines and all(kept[l.number] == l for l in s.lines)
    for c in chunk_sections(sections):
        assert c.line_start <= c.line_end and c.line_start in kept and c.line_end in kept
        title, _, body = c.text.partition("\n")
        assert title == c.section and len(body.split()) <= 2 * MAX_CHUNK_WORDS
    known = corpus_attributes([(doc, sections)])
    table = build_spec_table(doc, sections, known)
    spans = [(r.line_start, r.line_end) for r in table.rows]
    spans += [(a.line_start, a.line_end) for a in table.approvals + table.accessories]
    for start, end in spans:
        assert start <= end and start in kept and end in kept
    for r in table.rows:
        assert r.value
        for q in (r.quantity, r.alternate):
            assert q is None or (math.isfinite(q.low) and math.isfinite(q.high))


@fuzz(400)
@given(document, st.sampled_from([".txt", ".md"]))
def test_pipeline_takes_any_text(text, suffix):
    """load → normalise → sections → chunks → spec table on arbitrary text: only the
    documented errors, and every line, chunk and row points at real lines of the file."""
    _check_pipeline(text, suffix)


@fuzz(60)
@given(st.lists(st.sampled_from(CORPUS_LINES), min_size=1, max_size=300), st.randoms(use_true_random=False))
def test_pipeline_takes_shuffled_datasheets(lines, rnd):
    """Real datasheet lines in any order and number (headings without bodies, rows
    without headings, approvals tables cut in half)."""
    rnd.shuffle(lines)
    _check_pipeline("Data sheet | Item number: 2002-1204\n" + "\n".join(lines), rnd.choice([".txt", ".md"]))


@fuzz(300)
@given(st.one_of(line, free_text))
def test_row_splitting_takes_any_line(text):
    """A text row splits into a label and a value that the line holds: a label the line
    starts with, and a text value that is the rest of the line."""
    text = normalise_text(text)
    shape = classify(Line("corpus/x.txt", 1, text, text), known_labels())
    if shape.kind == "row" and "\t" not in text:
        assert shape.label.split(" ")[0] in text  # "2. Strip length = 9 mm" → "Strip length"
        if shape.how in ("known", "yesno", "code"):
            assert text.endswith(shape.value)
    attribute, qualifier = split_label(text)
    assert attribute or not text.strip()


# ------------------------------------------------------------------ values

units = st.sampled_from([u for u in UNITS if u != "mm2"])  # parse_value reads "mm2" as mm²
markers = st.sampled_from(["", "approx.", "ca.", ">", "<", "≤", "≥"])
decimal = st.builds(lambda n, places: n / 10**places, st.integers(-10**12, 10**12), st.integers(0, 4))


def show(q: Quantity) -> str:
    """A quantity printed as a datasheet prints it (the grammar parse_value reads)."""
    text = format_number(q.low) + (f" … {format_number(q.high)}" if q.high != q.low else "")
    return " ".join(p for p in (q.marker, text, q.unit) if p)


@fuzz(400)
@given(decimal, st.none() | decimal, units, markers, st.none() | st.tuples(decimal, decimal, units))
@example(1234567.0, None, "V", "", None)  # printed "1.23457e+06" before format_number was fixed
@example(0.00001, None, "mm", "", None)
@example(-0.0, 5.0, "°C", "", None)
def test_value_round_trip(low, high, unit, marker, alternate):
    """format → parse gives the same quantity (and its alternate-unit form after ``/``),
    also through the normaliser, as the spec table reads values."""
    assume(alternate is None or alternate[2] != unit)  # "/" introduces the value in another unit
    q = Quantity(low, low if high is None else high, unit, marker)
    alt = Quantity(alternate[0], alternate[1], alternate[2]) if alternate else None
    text = show(q) + (f" / {show(alt)}" if alt else "")
    assert parse_value(text) == (q, alt)
    assert parse_value(normalise_text(text)) == (q, alt)


@fuzz(300)
@given(st.sampled_from(["", "approx. ", "ca. ", "> ", "≤ "]), number_text, st.none() | number_text,
       st.sampled_from(("",) + UNITS))
def test_printed_values_parse_to_their_numbers(marker, low, high, unit):
    """Datasheet forms (``0,5 ... 4 mm <sup>2</sup>``, ``approx. 7 g``), read through the
    normaliser, parse to the printed numbers; printed again they parse to themselves."""
    printed = f"{marker}{low}" + (f" ... {high}" if high else "") + (f" {unit}" if unit else "")
    q, _alt = parse_value(normalise_text(printed.replace("mm²", "mm <sup>2</sup>")))
    if q is None:  # identifiers (GTIN, tariff numbers) are not quantities
        assert not unit and len(low.lstrip("+-")) >= 8
        return
    assert q.low == float(low.replace(",", "."))
    assert q.high == float((high or low).replace(",", "."))
    assert q.unit == ("mm²" if unit == "mm2" else unit) and q.marker == marker.strip()
    assert parse_value(show(q)) == (q, None)


@fuzz(400)
@given(st.one_of(free_text, line, st.text(st.sampled_from("0123456789.,-+… /approx<>≤°CmAVW²"), max_size=40)))
@example("9" * 400 + " V")
@example("1" + "0" * 320)
def test_parse_value_takes_any_text(text):
    """Never raises; a quantity is finite and printing it reads back the same."""
    for t in (text, normalise_text(text)):
        q, alt = parse_value(t)
        for x in (q, alt):
            if x is not None:
                assert math.isfinite(x.low) and math.isfinite(x.high)
        if q is not None:
            assert parse_value(show(q))[0] == q


# ------------------------------------------------------------------ performance

PERF_SCRIPT = textwrap.dedent("""
    import sys, tempfile, time
    from pathlib import Path
    from assistant.ingest.loading import DatasheetError, load_file
    from assistant.ingest.normalising import normalise
    from assistant.ingest.sections import chunk_sections, split_sections
    from assistant.ingest.spectable import build_spec_table, corpus_attributes

    MB = 1 << 20
    HEAD = "Data sheet | Item number: 2002-1204\\n"
    CASES = {
        "1 MB of one character": "a" * MB,
        "1 MB line of spaces, then text": HEAD + " " * MB + "x",
        "1 MB line of '['": HEAD + "[" * MB,
        "1 MB line of '[a]('": HEAD + "[a](" * (MB // 4),
        "1 MB line of '<sup>'": HEAD + "<sup>" * (MB // 5),
        "1 MB line of em spaces after a number": HEAD + "Rated current 1" + "\\u2003" * MB + "A",
        "1 MB line of spaces before a tab": HEAD + "Width" + " " * MB + "x\\t5 mm",
        "1 MB line of numbers": HEAD + "1 " * (MB // 2),
        "1 MB of digits": HEAD + "7" * MB,
        "1 MB of newlines": HEAD + "\\n" * MB + "x",
        "1 MB of NUL-free control characters": HEAD + "\\x1b\\x0c\\x07" * (MB // 3),
        "1 MB of rows": HEAD + "".join(f"Rated current {i} A\\n\\n" for i in range(MB // 22)),
        "1 MB of tab rows": HEAD + "".join(f"Width {i}\\t{i} mm\\n" for i in range(MB // 18)),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, text in CASES.items():
            path = Path(folder) / "2002-1204.md"
            path.write_text(text, encoding="utf-8")
            print("START", name, flush=True)
            started = time.perf_counter()
            try:
                doc = normalise(load_file(path, "corpus/2002-1204.md"))
                sections = split_sections(doc)
                chunk_sections(sections)
                build_spec_table(doc, sections, corpus_attributes([(doc, sections)]))
            except (DatasheetError, ValueError):
                pass
            print("DONE", name, round(time.perf_counter() - started, 3), flush=True)
""")
PER_CASE_SECONDS = 30.0  # the 58,000 rows of "1 MB of tab rows" take ~7 s on 2 quiet cores (more under
# load); a quadratic regex takes hours: the limit catches those, never a busy machine. Parsing speed itself
# is measured by benchmarks/run.py


def test_one_megabyte_inputs_finish_quickly():
    """Thirteen 1 MB inputs that make quadratic regexes hang (long runs of spaces,
    brackets, ``<sup>``; many rows) each parse in seconds."""
    try:
        proc = subprocess.run([sys.executable, "-c", PERF_SCRIPT], cwd=REPO, capture_output=True,
                              text=True, timeout=240)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        started = [l for l in out.splitlines() if l.startswith("START")]
        pytest.fail(f"parsing did not finish within 240 s; stuck on: {started[-1] if started else '?'}")
    assert proc.returncode == 0, proc.stderr
    times = {l.split(" ", 1)[1].rsplit(" ", 1)[0]: float(l.rsplit(" ", 1)[1])
             for l in proc.stdout.splitlines() if l.startswith("DONE")}
    assert len(times) == 13, proc.stdout
    slow = {name: t for name, t in times.items() if t > PER_CASE_SECONDS}
    assert not slow, f"1 MB inputs parsed too slowly: {slow}"


# ------------------------------------------------------------------ a hostile corpus, end to end

HOSTILE = {
    "empty.txt": b"",
    "binary.txt": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8,
    "latin1.txt": "Item number: 2002-7001\nTemperature 90 \xb0C\n".encode("latin-1"),
    "broken.pdf": REAL_PDF[: len(REAL_PDF) // 3],
    "utf16.txt": "\ufeffData sheet | Item number: 2002-7002\n\nElectrical data\n\nRated current 17 A\n".encode("utf-16-le"),
    "controls.txt": ("Data sheet | Item number: 2002-7003\n\x0c\nElectrical data\n\n"
                     "Rated \x1b[31mcurrent\x1b[0m 19 A\n\nStrip length 7 … 8 mm\n\n" + "x" * 9000
                     + "\x00\n\nColor grey\n").encode("utf-8"),
    "huge-line.md": ("# Item number 2002-7004\n\n## Electrical data\n\nRated current\t13 A\n\n"
                     + "[" * 200_000 + "\n\nWidth\t6 mm\n").encode("utf-8"),
}


def test_hostile_corpus_builds_reports_and_answers(index_dir, corpus_dir, embedder, tmp_path):
    """The shipped datasheets plus unreadable and odd files: the unreadable ones are skipped
    with a reason, the odd ones are read and answered from, with verbatim citations."""
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    for name, data in HOSTILE.items():
        (corpus / name).write_bytes(data)
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)  # with its embedding cache: only new text is embedded
    report = indexing.build(corpus, index, embedder)
    skipped = dict(report.skipped)
    assert set(skipped) == {f"corpus/{n}" for n in ("empty.txt", "binary.txt", "latin1.txt", "broken.pdf")}
    assert all(skipped.values())
    assistant = Assistant.open(index, corpus, embedder=embedder)
    for question, value in [("Rated current of the 2002-7002?", "17 A"), ("Rated current of the 2002-7003?", "19 A"),
                            ("Strip length of the 2002-7003?", "7 … 8 mm"), ("Width of the 2002-7004?", "6 mm"),
                            ("Rated current of the 2002-1204?", "24 A")]:
        answer = assistant.ask(question)
        assert answer.kind == "spec" and value in answer.answer, answer
        assert unsupported_numbers(answer, assistant.tables) == []
        for c in answer.citations:
            lines = assistant.index.lines(c.source, c.line_start, c.line_end)
            assert c.quote in re.sub(r"\s+", " ", " ".join(l.text for l in lines if l.text))
            assert not _CONTROL.search(c.quote)
    row = next(r for r in assistant.spec_table("2002-7003").rows if r.attribute == "Rated current")
    assert row.line_start == 5  # as `sed -n 5p` shows it: the form feed is no line break
