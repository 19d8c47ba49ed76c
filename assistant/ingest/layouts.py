"""Layouts: the row readers, one per way vendors lay out a spec table.

A section's lines are read once, top to bottom; each line is first classified by its own
shape (:func:`classify`), then the readers below combine neighbouring lines:

- **cells** — a table row (tab-separated cells: converted tables, Markdown pipe tables,
  PDF table cells, column gaps): ``Label | value``; a unit column before or after the
  value (``Rated current (In) | A | 16``); a header row (``Feature | Unit | Value``) is
  skipped; a header of column titles over rows of values is a **matrix** (``Conductor
  class | Cross section | Strip length`` / ``solid | 1.5 ... 35 mm² | 15 mm``);
- **inline** — label and value on one line: ``Label: value``, ``Label value unit``,
  ``Label unit value`` (``Weight g 115``), ``Label = value``, ``Label Yes``, and a label the
  vocabulary or the corpus's own tables know followed by a text value (``Color blue``);
- **sub-rows** — a label line followed by rows that qualify it: bullets (``● solid 0.5 ...
  2.5 mm²``), indented rows, ``min`` / ``max`` rows, conductor classes, a unit only
  (``lb-in 4.4 ... 5.3``, read as the row above in a second unit), or the rest of a label
  wrapped over two lines (``Wire connection cross-section, solid,`` / ``min. 0.5 mm²``);
- **stacked** — labels and values on lines of their own: ``Rated current`` / ``16 A``
  pairs, and multi-line table cells (``Weight`` / ``Chassis Connector`` / ``Cable Plug``
  then ``12g (0.026lb)`` / ``32g (0.070lb)``);
- **continued** — a wrapped value: a line starting in lower case (or a further value of a
  one-row paragraph) continues the row above;
- **listed** — a description sentence listing ``label: value`` pairs between commas
  (``Feed-through terminal block, nom. voltage: 800 V, nominal current: 24 A, …,
  mounting type: NS 35/7,5, NS 35/15``): each pair a row; and a list of short lines under
  a heading naming a text feature (``APPROVALS`` / ``CE`` / ``cURus, file E336129``): one
  row, the heading its label;
- **value first** — a table printing the value before its label (``24 A    Rated current,
  IEC 60947-7-1``, ``PA 66    Insulating material``) is read turned round;
- **ordering** — an ordering table (``Reference | Description | In [A] | Icn [A]``) over
  rows of variants: each cell a row labelled by its column title, carrying the row's
  identifiers (the spec table keeps the product's own line; the others are siblings).

Before that, every line loses the footnote markers closing it (``10 A (1)``, ``10 *1``,
``16 A ¹)``); a line opened by one is a footnote's text. A label opened by a symbol in
brackets (``[In] rated current``) keeps the symbol after it (``rated current (In)``). And
after it, a unit in brackets in a label moves into its bare value (``Rated current [A] |
10`` → ``10 A``) and a bilingual label (``Bemessungsstrom / Rated current``) keeps its
English half (:func:`tidy_row`).

Rows are found from structure, not from a list of names: any label followed by a
value-shaped tail is a row. Known labels (vocabulary and corpus) only decide where a *text*
value starts when nothing else marks it. A section that reads mostly as prose gives only
its structured rows (cells, ``Label: value``, ``Label = value``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..records import Line, Quantity, Section
from ..vocabulary import vocabulary, word_key
from .values import (Parsed, canonical_unit, footnote_line, footnote_marker, parse_value, read_value,
                     strip_footnotes, value_tail)


@dataclass(frozen=True)
class FoundRow:
    """A spec row as a layout found it: the label and value as printed (a unit column
    folded into the value: ``Weight g 115`` → ``115 g``), the lines it spans, and the
    layout that read it (``cells``, ``matrix``, ``inline``, ``sub-rows``, ``stacked``,
    ``listed``).
    ``alternate`` is set for a unit-only row that gives the row above in a second unit.
    ``names`` are the identifiers of the ordering-table row a cell stands in (layout
    ``ordering``: ``Reference | In [A]`` / ``814021 | 10``), empty for every other layout:
    the spec table keeps the row only when they name the sheet's own product."""

    label: str
    value: str
    lines: tuple[Line, ...]
    layout: str
    alternate: bool = False
    names: tuple[str, ...] = ()


_STANDARD_END = re.compile(r"\b(?:IEC/EN|IEC|EN|UL|CSA|DIN|VDE|ISO|No\.)$")
MAX_ROW_CHARS = 300  # a longer line without cells is text, never a spec row
_LABEL_GOES_ON = {"according", "acc", "to", "of", "per", "for", "with", "at", "in", "on", "by", "from",
                  "as", "and", "or", "without", "under"}
_STOP_END = {"of", "for", "with", "and", "or", "to", "x", "at", "per", "the", "a", "an", "in",
             "on", "by", "from", "acc", "according"}
_SENTENCE_START = {"a", "an", "the", "this", "these", "it", "if", "when", "to", "use", "do", "please",
                   "we", "you", "they", "all", "each", "only"}
_SENTENCE = re.compile(r"[.!?]\s+[A-Z]|[.!?]$")
_NUMBERED = re.compile(r"^\d+[.)]\s+\S")
_YES_NO = re.compile(r"^(?P<label>.+?)\s+(?P<value>yes|no|none|n/a|not applicable)$", re.IGNORECASE)
# A code (or a list of codes) closing a line: "Overvoltage category III", "Packaging type BOX",
# "General Product Approval cULus, CCC, EAC", "Clamping screw M3"
_CODE = r"(?:[a-z]{0,2}[A-Z]{2,}[A-Za-z0-9+/.\-]*|[A-Z][A-Z0-9+/.\-]*\d[A-Za-z0-9]*|[A-Z])"
_CODE_TAIL = re.compile(rf"^(?P<label>[^:\t]+?)\s+(?P<value>{_CODE}(?:,\s*{_CODE})*)$")
_EQUATION = re.compile(r"^(?:\d+\.\s*)?(?P<label>[A-Z][\w ,\-/()]{2,60}?)\s*=\s*(?P<value>\S.*)$")
_COLON = re.compile(r"^(?P<label>[^:]{2,80}?)\s*:\s*(?P<value>.*)$")


_ENUMERATED = re.compile(r"\(?[a-z]\.?\)\s+[a-z]")
# a symbol in brackets opening a label: "[In] rated current", "[Ue] rated operational voltage"
_SYMBOL = re.compile(r"^\[(?P<symbol>[A-Za-z][A-Za-z0-9.,_]{0,9})\]\s*(?P<rest>[A-Za-z(].*)$")


def bullet(line: Line) -> str:
    """The bullet a line starts with in the file (``●``, ``•``, ``-`` …), ``""`` if none."""
    raw = line.raw.strip()
    for mark in vocabulary().bullets:
        if raw.startswith(mark + " ") or (len(mark) == 1 and not mark.isalnum() and raw.startswith(mark)
                                          and raw[1:2] not in ("", "-", mark) and not raw[1:2].isdigit()):
            return mark
    return ""


def _indent(line: Line) -> int:
    raw = line.raw.replace("\t", "    ")
    return len(raw) - len(raw.lstrip(" "))


def _unbullet(text: str) -> str:
    for mark in vocabulary().bullets:
        if text.startswith(mark + " "):
            return text[len(mark):].strip()
        if len(mark) == 1 and not mark.isalnum() and text.startswith(mark) and text[1:2] not in ("-", mark) \
                and not text[1:2].isdigit():
            return text[1:].strip()
    return text


def is_unit(text: str) -> bool:
    """Whether a cell or label is only a unit (``mm²``, ``lb-in``, ``°C``)."""
    return bool(text) and canonical_unit(text) != ""


def plausible_label(label: str) -> bool:
    """A row label: starts with a letter (or a parenthesis), at most twelve words, not a
    sentence, not ending in a word that needs more (``of``, ``with`` …) or a lone number."""
    label = label.strip()
    if not label or len(label) > 90 or len(label.split()) > 12:
        return False
    if not (label[0].isalpha() or label[0] in "(#"):
        return False
    if label.split()[0].lower() in _SENTENCE_START:
        return False  # "An example: from 16 mm² …" is prose
    last = label.split()[-1].lower().strip(",")
    standard = re.search(r"\b(?:UL|IEC|EN|DIN|VDE|CSA|ISO)\s*\d[\w.\-/]*$", label)  # "… according to UL 94"
    if last in _STOP_END or (last.replace(".", "").isdigit() and not label.endswith(")") and not standard):
        return False
    return not _SENTENCE.search(label.rstrip(".")) and not label.endswith((";", "!", "?"))


def label_like(text: str, known: frozenset[str] = frozenset()) -> bool:
    """A line that can be a label on its own: a plausible label without a value in it,
    at most eight words, not a numbered step, with a word in lower case (``C``,
    ``MCN116``, ``CE, VDE`` are values) and no code like ``IP20`` — unless it is a known
    label (``EAN``)."""
    text = text.rstrip(":").strip()
    if word_key(text) in known:
        return True
    if not re.search(r"[a-zäöü]{2}", text) or re.search(r"\b[A-Z]+\d+\b", text):
        return False
    return (plausible_label(text) and len(text.split()) <= 8 and not _NUMBERED.match(text)
            and read_value(text) is None and value_tail(text) is None and not text.endswith("."))


# a numbered heading: "5.2  Removing conductors", "3.1 Technical data" (not "5.2 mm")
_NUMBERED_HEADING = re.compile(r"\d+(?:\.\d+)+\s+(?!(?:mm|cm|in|kg|mA|kA|kV|Nm|mΩ|MΩ|AWG)\b)[A-Z][a-z]{2,}(?:\s+[a-z]+)*\s*$")


def value_like(text: str) -> bool:
    """A line that is a value by itself: a quantity (``16 A``, ``-25 °C ... +60 °C``), a
    long number (GTIN), yes/no, or a short code list (``IP20``, ``C``, ``CE, VDE``)."""
    text = text.strip()
    if not text or len(text.split()) > 10 or _NUMBERED.match(text) or _NUMBERED_HEADING.match(text):
        return False  # "1. Strip the conductor 8-9 mm." is a step, "5.2  Removing conductors" a heading
    if read_value(text) is not None or re.fullmatch(r"\d{6,14}", text):
        return True
    if re.fullmatch(r"(?i)yes|no", text):
        return True
    return bool(re.fullmatch(r"[A-Z0-9][A-Za-z0-9+/.\-]{0,14}(?:[,;]?\s+[A-Z0-9(][\w+/.\-()]*){0,6}", text))


@dataclass(frozen=True)
class Shape:
    """What one line is on its own: ``cells`` (``cells`` set), ``row`` (``label`` and
    ``value`` set, ``how`` tells which inline form), ``label``, ``value`` or ``prose``."""

    kind: str
    line: Line
    label: str = ""
    value: str = ""
    cells: tuple[str, ...] = ()
    how: str = ""
    parsed: Parsed | None = None


def classify(line: Line, known: frozenset[str], after_symbol: bool = False) -> Shape:
    """The shape of one line (see :class:`Shape`); ``known`` are label keys (word keys) that
    the vocabulary and the corpus's own tables use, for text values without a separator.

    Footnote markers closing a line or a cell (``10 A (1)``, ``10 *1``, ``16 A ¹)``) are
    not part of the value (the row's ``raw`` keeps them); a line opened by one is the
    footnote's text (prose). A label opened by a symbol in brackets (``[Ue] rated
    operational voltage: 230 V``) is read with the symbol after it: ``rated operational
    voltage (Ue)``; ``after_symbol`` is set when the line is read again without it."""
    text = _unbullet(line.text)
    if "\t" in text:
        # a footnote marker closing a cell, or standing in a cell of its own, is no value
        cells = tuple(strip_footnotes(c.strip()) for c in text.split("\t") if not footnote_marker(c))
        return Shape("cells", line, cells=cells)
    if len(text) > MAX_ROW_CHARS or _ENUMERATED.match(text) or footnote_line(text):
        # no row is this long (the readers below stay linear); "a.) plugging while
        # rotated 180" is an item of a lettered list, not a row; "(1) Reference
        # temperature 30 °C" is a footnote's text
        return Shape("prose", line)
    text = strip_footnotes(text)
    symbol = _SYMBOL.match(text)
    if symbol:  # "[Ue] rated operational voltage: 230 V": the symbol goes after the label
        shape = classify(Line(line.source, line.number, line.raw, symbol.group("rest"), line.page,
                              line.page_line, line.heading), known, after_symbol=True)
        if shape.kind in ("row", "label"):
            shape = Shape(shape.kind, line, label=f"{shape.label} ({symbol.group('symbol')})",
                          value=shape.value, how=shape.how, parsed=shape.parsed)
        return shape
    sub_ok = bool(bullet(line)) or _indent(line) > 0 or after_symbol

    def starts_row(label: str) -> bool:
        # a label starts with a capital, except a sub-row's (bullet, indent, "min", "solid")
        # or one that a symbol opened ("[In] rated current")
        return label[:1].isupper() or label[:1] == "(" or sub_ok or _subrow_label(label)

    colon = _COLON.match(text)
    if colon and plausible_label(colon.group("label")) and not re.search(r"\d$", colon.group("label")) \
            and "//" not in text and starts_row(colon.group("label")):
        label, value = colon.group("label").strip(), colon.group("value").strip()
        if not value:
            return Shape("label", line, label=label)
        if len(value.split()) <= 25:
            return Shape("row", line, label=label, value=value, how="colon")
    wrapped = text.endswith((",", ":", "-"))  # the row goes on on the next line
    tail = value_tail(text) if not wrapped else None
    named = _known_label(text, known) if not wrapped else None
    if tail and named and not tail[2].quantity.unit and len(named[0]) < len(tail[0]):
        tail = None  # "Insulating material Polyamide 66 (PA 66)": a number inside a text value
    if tail and not tail[2].quantity.unit and _STANDARD_END.search(tail[0]):
        tail = None  # "Rating data UL 1059": the number belongs to the standard
    if tail and plausible_label(tail[0]) and not re.search(r"[≙=]", tail[0]) and starts_row(tail[0]):
        return Shape("row", line, label=tail[0], value=tail[1], how="tail", parsed=tail[2])
    equation = _EQUATION.match(text)
    if equation:
        return Shape("row", line, label=equation.group("label").strip(), value=equation.group("value").strip(),
                     how="equation")
    if named:
        return Shape("row", line, label=named[0], value=named[1], how="known")
    yes_no = _YES_NO.match(text)
    if yes_no and plausible_label(yes_no.group("label")):
        return Shape("row", line, label=yes_no.group("label"), value=yes_no.group("value"), how="yesno")
    code = _CODE_TAIL.match(text)
    if code and plausible_label(code.group("label")) and len(text.split()) <= 10 \
            and starts_row(code.group("label")) and re.search(r"[a-z]{2}", code.group("label")):
        return Shape("row", line, label=code.group("label"), value=code.group("value"), how="code")
    if label_like(text, known):
        return Shape("label", line, label=text.rstrip(":").strip())
    if value_like(text):
        return Shape("value", line, value=text)
    return Shape("prose", line)


def _known_label(text: str, known: frozenset[str]) -> tuple[str, str] | None:
    """(label, value) when the line starts with a known label followed by a text value;
    leading parentheses after the label qualify it (``Note (conductor cross-section) …``)."""
    words = text.split()
    if len(words) < 2 or word_key(text) in known or vocabulary().feature_of(text) and \
            word_key(text) in _feature_labels():
        return None  # the whole line is a label ("Storage temperature")
    for n in range(min(len(words) - 1, 8), 0, -1):
        head = " ".join(words[:n])
        if word_key(head) in known and not head.endswith(("(", ",")):
            rest = " ".join(words[n:])
            if rest.split()[0].lower().strip(".") in _LABEL_GOES_ON:
                continue  # "Flammability class according to UL 94 V-0": the label goes on
            qualifier = re.match(r"^\([^()]*\)\s*", rest)
            if qualifier and rest[qualifier.end():]:
                return f"{head} {qualifier.group(0).strip()}", rest[qualifier.end():].strip()
            return head, rest
    return None


@lru_cache(maxsize=1)
def _feature_labels() -> frozenset[str]:
    return frozenset(l for f in vocabulary().features.values() for l in f.labels)


def _is_header(cells: tuple[str, ...]) -> bool:
    """A table header row: every non-empty cell a header word (``Feature | Unit | Value``)."""
    words = vocabulary().header_words
    filled = [c for c in cells if c]
    return bool(filled) and all(word_key(c) in words for c in filled)


def _subrow_label(label: str) -> bool:
    """A label that qualifies the row above it: ``min``, ``max``, a conductor class, a unit."""
    key = word_key(label)
    vocab = vocabulary()
    if not key:
        return True
    first = key.split()[0]
    if first in vocab.subrow_words or key in vocab.subrow_words or is_unit(label):
        return True
    return len(key.split()) <= 6 and vocab.conductor_of(label) != "" and not vocab.feature_of(label)


def _cells_row(cells: tuple[str, ...]) -> tuple[str, str, bool] | None:
    """(label, value, unit-only label) of a table row's cells, None when it is no row."""
    cells = tuple(c for c in cells if c != "")
    if len(cells) < 2 or len(cells) > 3 or _is_header(cells):
        return None
    label = cells[0].rstrip(":").strip()
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){0,2}\.?", label) and not re.search(r"\d", cells[-1]):
        return None  # a numbered heading ("5\tInstallation and connection")
    if len(cells) == 2:
        if is_unit(label) and read_value(cells[1]) is not None:
            return label, f"{cells[1]} {label}", True
        return label, cells[1], False
    middle, last = cells[1], cells[2]
    if is_unit(middle):  # a unit column before the value
        return label, f"{last} {middle}", False
    if is_unit(last) and read_value(middle) is not None:
        return label, f"{middle} {last}", False
    if re.fullmatch(r"[-+]?[\d.]+", last) and len(middle.split()) <= 2:
        return label, f"{last} {middle}", False  # "Electrical endurance | cycles | 10000"
    if is_unit(label):
        return None
    return f"{label} {middle}", last, False


def read_rows(section: Section, known: frozenset[str]) -> list[FoundRow]:
    """The spec rows of a section, in line order (see the module docstring).

    Labels come back tidied (:func:`tidy_row`): a unit in brackets moved into the value,
    the English half of a bilingual label."""
    listed = _heading_list(section)
    if listed:
        return [tidy_row(r) for r in listed]
    shapes = [classify(line, known) if line.text else None for line in section.lines]
    _value_first(shapes)
    _pairs(shapes)
    return [tidy_row(r) for r in _read(section, shapes)]


def _read(section: Section, shapes: list[Shape | None]) -> list[FoundRow]:
    """The rows of a section's classified lines (see :func:`read_rows`)."""
    rows: list[FoundRow] = []
    structured = 0
    i = 0
    parent: Shape | None = None  # a label-only line waiting for its sub-rows or value
    header: tuple[str, ...] = ()  # the column titles of a matrix
    ordering: tuple[str, ...] = ()  # the column titles of an ordering table
    while i < len(shapes):
        shape = shapes[i]
        if shape is None:
            i += 1
            continue
        nxt = next((shapes[k] for k in range(i + 1, min(i + 4, len(shapes))) if shapes[k] is not None), None)
        if shape.kind == "cells":
            cells = shape.cells
            if ordering and len(cells) == len(ordering):
                rows += _ordering_rows(ordering, shape)
                structured += 1
                i += 1
                continue
            ordering = ()
            if _ordering_header(cells, shapes[i + 1:i + 4]):
                ordering, header, parent = cells, (), None
                i += 1
                continue
            if header and len(cells) == len(header):
                rows += _matrix_rows(header, shape)
                structured += 1
                i += 1
                continue
            header = ()
            if _matrix_header(cells, nxt):
                # a label waiting for its value ("Table 5: Connectable conductors") is the
                # table's caption: no line after the table is its value
                header, parent = cells, None
                i += 1
                continue
            found = _cells_row(cells)
            if found is None:
                i += 1
                continue
            label, value, unit_only = found
            if unit_only and rows:
                rows.append(FoundRow(rows[-1].label, value, (shape.line,), "sub-rows", alternate=True))
            elif parent is not None and _belongs(parent, shape, label):
                rows.append(FoundRow(_join_label(parent.label, label), value, (parent.line, shape.line),
                                     "sub-rows"))
            else:
                parent = None
                rows.append(FoundRow(label, value, (shape.line,), "cells"))
            structured += 1
            i += 1
            continue
        header, ordering = (), ()
        if shape.kind == "label":
            stacked = _stacked(shapes, i, section)
            if stacked:
                found_rows, i = stacked
                rows += found_rows
                structured += len(found_rows)
                parent = None
                continue
            parent = shape
            i += 1
            continue
        if shape.kind == "row":
            if parent is not None and _belongs(parent, shape, shape.label):
                label = _join_label(parent.label, shape.label)
                if is_unit(shape.label) and rows and rows[-1].lines[0] is parent.line:
                    rows.append(FoundRow(rows[-1].label, f"{shape.value} {shape.label}", (shape.line,),
                                         "sub-rows", alternate=True))
                else:
                    rows.append(FoundRow(label, shape.value, (parent.line, shape.line), "sub-rows"))
                structured += 1
                i += 1
                continue
            parent = None
            if is_unit(shape.label) and rows and shape.how == "tail":
                rows.append(FoundRow(rows[-1].label, f"{shape.value} {shape.label}", (shape.line,),
                                     "sub-rows", alternate=True))
                i += 1
                continue
            lines = [shape.line]
            value = shape.value
            j = i + 1
            # a wrapped value: following lines in lower case (or a digit) continue it
            while j < len(shapes) and shapes[j] is not None and shapes[j].kind in ("prose", "value", "label") \
                    and shapes[j].line.text[:1].islower() and shape.how != "colon":
                value += " " + shapes[j].line.text
                lines.append(shapes[j].line)
                j += 1
            # a one-row paragraph whose value goes on over a line or two ("Actuation type
            # Push-in" / "Open Tool Slot"): further values of the same row
            end = j
            while end < len(shapes) and shapes[end] is not None and shapes[end].kind in ("value", "label"):
                end += 1
            if j < end <= j + 2 and (end == len(shapes) or shapes[end] is None) and shape.how != "colon" \
                    and (i == 0 or shapes[i - 1] is None):
                for k in range(j, end):
                    value += ", " + shapes[k].line.text
                    lines.append(shapes[k].line)
                j = end
            layout = "inline"
            rows.append(FoundRow(shape.label, value, tuple(lines), layout))
            if shape.how in ("colon", "equation"):
                structured += 1
            i = j
            continue
        if shape.kind == "prose":
            listed = _listed_pairs(shape.line)
            if listed:
                rows += listed
                structured += len(listed)
                parent = None
                i += 1
                continue
        if shape.kind == "value" and parent is not None:
            rows.append(FoundRow(parent.label, shape.value, (parent.line, shape.line), "stacked"))
            structured += 1
            parent = None
            i += 1
            continue
        if shape.kind == "value" and rows and rows[-1].lines[-1].number == _previous_number(shapes, i):
            # a further value on its own line ("Degree of protection: IP65" / "IP67")
            last = rows[-1]
            rows[-1] = FoundRow(last.label, f"{last.value}, {shape.value}", last.lines + (shape.line,), last.layout)
            i += 1
            continue
        parent = None
        i += 1
    return _prose_guard(section, shapes, rows, structured)


def tidy_row(row: FoundRow) -> FoundRow:
    """A found row's label as the spec table keeps it: a unit in brackets in the label
    moved into a bare value (``Rated current [A] | 10`` → ``Rated current`` = ``10 A``,
    :func:`label_unit`) and of a bilingual label its English half (:func:`english_label`)."""
    label, value = label_unit(row.label, row.value)
    label = english_label(label)
    if (label, value) == (row.label, row.value):
        return row
    return FoundRow(label, value, row.lines, row.layout, row.alternate, row.names)


_BRACKET_UNIT = re.compile(r"\s*\[(?P<unit>[^\[\]]{1,10})\]")


def label_unit(label: str, value: str) -> tuple[str, str]:
    """(label, value) with a unit printed in brackets in the label (``Tightening torque
    [N·m]``, ``Rated voltage [V AC]``, ``In [A]``) moved to the value it is the unit of:
    a bare number or range gets it (``0.5 to 0.6`` → ``0.5 to 0.6 N·m``); a value printing
    the same unit keeps its own. Anything else (a text value, a bracket that is no unit)
    is left as printed."""
    m = _BRACKET_UNIT.search(label)
    if m is None or not canonical_unit(m.group("unit")):
        return label, value
    printed = m.group("unit").strip()
    bare = (label[:m.start()] + label[m.end():]).strip(" ,")
    parsed = read_value(value)
    if parsed is None or not bare:
        return label, value
    if parsed.quantity.unit:
        same = parsed.quantity.unit == canonical_unit(printed)
        return (bare, value) if same else (label, value)
    with_unit = f"{value.strip()} {printed}"
    again = read_value(with_unit)
    if again is None or again.quantity.unit != canonical_unit(printed):
        return label, value
    return bare, with_unit


def english_label(label: str) -> str:
    """The English half of a bilingual label (``Bemessungsstrom / Rated current`` →
    ``Rated current``; either order): of two halves around `` / ``, the one naming a
    longer phrase of the vocabulary's labels, when the other names a
    shorter one and reads as a word of another language, not as a second reading of the
    same label (``Rated voltage AC / DC``, ``solid / stranded``, ``Approvals /
    Certificates`` stay whole). Anything else is returned as printed."""
    if " / " not in label:
        return label
    halves = [h.strip(" ,:") for h in label.split(" / ")]
    if len(halves) != 2 or not all(halves) or halves[0].count("(") != halves[0].count(")"):
        return label
    strength = [_label_strength(h) for h in halves]
    keep = 0 if strength[0] > strength[1] else 1 if strength[1] > strength[0] else -1
    if keep < 0:
        return label
    other = halves[1 - keep]
    vocab = vocabulary()
    # a word of another language: lower-case letters (not an acronym like "REACH"), no number
    foreign = (re.search(r"[a-zß-ÿ]{4,}", other) and not re.search(r"\d", other) and not is_unit(other)
               and not vocab.conductor_of(other) and not _subrow_label(other))
    return halves[keep] if foreign else label


def _label_strength(text: str) -> int:
    """The word count of the longest label phrase of the vocabulary (feature labels and
    ``[labels]``) in a text. (Not the corpus's own table labels: in a value-first table
    those are values, ``TS 35x7.5, TS 35x15 | Mounting``.)"""
    words = word_key(text).split()
    labels = _vocabulary_labels()
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            if " ".join(words[start:start + size]) in labels:
                return size
    return 0


@lru_cache(maxsize=1)
def _vocabulary_labels() -> frozenset[str]:
    return _feature_labels() | frozenset(vocabulary().text_labels)


def _heading_list(section: Section) -> list[FoundRow]:
    """A section that is a list of short lines under a heading naming a text feature
    (``APPROVALS`` / ``CE`` / ``UKCA`` / ``cURus, file E336129``; ``Normen / Standards`` /
    ``DIN EN 61984``): one row, the heading its label and the lines its value."""
    title = section.path[-1] if section.path else ""
    feature = vocabulary().feature_of(english_label(title))
    if not feature or vocabulary().features[feature].dimension != "text":
        return []
    body = [line for line in section.lines if line.text]
    if not 1 <= len(body) <= 12:
        return []
    for line in body:
        text = line.text
        if "\t" in text or ":" in text or len(text) > 40 or len(text.split()) > 5 or text.endswith(".") \
                or (parse_value(text)[0] or Quantity(0, 0)).unit:
            return []  # a table, a sentence, a rated value ("Rated current UL 20 A")
    return [FoundRow(title, ", ".join(line.text for line in body), tuple(body), "listed")]


def _ordering_header(cells: tuple[str, ...], following: list[Shape | None]) -> bool:
    """An ordering table's header: three or more column titles, one of them an identity
    label (``Reference``, ``Order code``, ``Item no.``, ``Model``), none a value, over two
    or more rows whose identity cells are identifiers (``814019 | NXB-63 1P C6 | 6``)."""
    from .identity import looks_like_identifier

    if len(cells) < 3 or not all(cells) or any(read_value(c) is not None for c in cells):
        return False
    columns = _identity_columns(cells)
    if not columns:
        return False
    rows = [s for s in following if s is not None][:2]
    return len(rows) == 2 and all(
        s.kind == "cells" and len(s.cells) == len(cells)
        and all(looks_like_identifier(s.cells[k], labelled=True) and re.search(r"\d", s.cells[k])
                for k in columns)
        for s in rows)


def _identity_columns(cells: tuple[str, ...]) -> list[int]:
    labels = set(vocabulary().identity_labels)
    return [k for k, c in enumerate(cells) if word_key(c) in labels]


def _ordering_rows(header: tuple[str, ...], shape: Shape) -> list[FoundRow]:
    """One row per cell of an ordering table's row, labelled by its column title, with the
    row's identifiers as ``names`` (the spec table keeps the product's own row; the other
    rows are its sibling variants)."""
    columns = _identity_columns(header)
    names = tuple(shape.cells[k] for k in columns)
    return [FoundRow(title, cell, (shape.line,), "ordering", names=names)
            for k, (title, cell) in enumerate(zip(header, shape.cells)) if k not in columns and cell]


def _value_first(shapes: list[Shape | None]) -> None:
    """A section printing every row value first, label after (``24 A    Rated current,
    IEC 60947-7-1``, ``PA 66    Insulating material``): when most of its two-cell rows
    read so (a value, then a label the vocabulary knows: three or more, at least three
    times as many as the other way round), every two-cell row whose second cell is a
    label at least as well known as the first is turned round, and a line without a
    column gap that starts with a value and goes on with a label (``3 Pollution
    degree``: no gap after a lone digit) becomes a row."""
    first = other = 0
    for shape in shapes:
        if shape is None or shape.kind != "cells" or len(shape.cells) != 2:
            continue
        a, b = shape.cells
        if _valueish(a) and _labelish(b) and _label_strength(b) > _label_strength(a):
            first += 1
        elif _labelish(a) and _valueish(b):
            other += 1
    if first < 3 or first < 3 * other:
        return
    for index, shape in enumerate(shapes):
        if shape is None:
            continue
        if shape.kind == "cells":
            if len(shape.cells) == 2 and _labelish(shape.cells[1]) and not _is_header(shape.cells) \
                    and _label_strength(shape.cells[1]) >= _label_strength(shape.cells[0]):
                shapes[index] = Shape("cells", shape.line, cells=(shape.cells[1], shape.cells[0]))
            continue
        text = _unbullet(shape.line.text)
        parsed = read_value(text)
        if parsed is not None and not _NUMBERED.match(text) and parsed.end < len(text):
            rest = text[parsed.end:].strip()
            if _labelish(rest) and len(rest.split()) <= 8:
                shapes[index] = Shape("row", shape.line, label=rest, value=parsed.shown, how="value-first",
                                      parsed=parsed)


def _valueish(text: str) -> bool:
    """A cell that reads as a value: a whole quantity (``0.2-6 mm²``, ``-50 to +105 °C``)
    or a short code (``III``, ``V-0``, ``PA 66``)."""
    parsed = read_value(text)
    if parsed is not None and not text[parsed.end:].strip():
        return True
    return value_like(text) and not re.search(r"[a-zäöü]{3}", text)


def _labelish(text: str) -> bool:
    """A cell that reads as a label: a plausible label with words in lower case and no
    value in it (``Rated current, IEC 60947-7-1``, ``Conductor cross-section, solid``)."""
    return (plausible_label(text) and re.search(r"[a-zäöü]{2}", text) is not None and read_value(text) is None
            and not _NUMBERED.match(text))


_LISTED_LABEL = re.compile(r"(?:^|,\s+)(?P<label>[A-Za-z][a-z .()/-]{1,40}?|[A-Z]{2,5}):\s+")


def _listed_pairs(line: Line) -> list[FoundRow]:
    """``label: value`` pairs listed between commas in one sentence (three or more, labels
    in lower case): a product description that states its data in a line."""
    text = line.text
    marks = list(_LISTED_LABEL.finditer(text))
    if len(marks) < 3:
        return []
    out = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        label, value = m.group("label").strip(), text[m.end():end].strip(" ,.;")
        if not value or not plausible_label(label) or len(value.split()) > 12:
            return []  # not a list of data after all
        out.append(FoundRow(label[:1].upper() + label[1:], value, (line,), "listed"))
    return out


def _pairs(shapes: list[Shape | None]) -> None:
    """Labels and values on alternate lines (``Rated current`` / ``16 A`` / ``Mounting`` /
    ``DIN rail 35 mm`` …): in a block of such pairs every first line is read as a label
    and every second as its value, whatever each looks like alone. A block is a run of
    lines without blank lines and cells; it qualifies when most of its pairs are a
    label line over a value line (one caption line may open it)."""
    start = 0
    while start < len(shapes):
        if shapes[start] is None or shapes[start].kind == "cells":
            start += 1
            continue
        end = start
        while end < len(shapes) and shapes[end] is not None and shapes[end].kind != "cells":
            end += 1
        block = shapes[start:end]
        for offset in (0, 1):
            pairs = [(block[k], block[k + 1]) for k in range(offset, len(block) - 1, 2)]
            if len(pairs) < 3 or (len(block) - offset) % 2:
                continue
            typical = sum(1 for a, b in pairs if a.kind == "label" and b.kind in ("value", "row")
                          and not label_like(b.line.text))
            if typical >= 0.6 * len(pairs) and all(plausible_label(a.line.text) for a, _ in pairs):
                for a, b in pairs:
                    index = shapes.index(a)
                    shapes[index] = Shape("label", a.line, label=a.line.text.rstrip(":").strip())
                    shapes[index + 1] = Shape("value", b.line, value=b.line.text)
                break
        start = end


def _previous_number(shapes: list[Shape | None], i: int) -> int:
    """The line number of the non-blank line before ``shapes[i]`` (0 if none)."""
    for shape in reversed(shapes[max(0, i - 3):i]):
        if shape is not None:
            return shape.line.number
    return 0


def _join_label(parent: str, sub: str) -> str:
    """A sub-row's label: the parent label and the sub-row's own (``Operating temperature``
    + ``min`` → ``Operating temperature min``); a parent wrapped over lines joins as one."""
    parent = parent.rstrip(":").strip()
    return f"{parent} {sub}".strip() if sub else parent


def _belongs(parent: Shape, shape: Shape, label: str) -> bool:
    """Whether a row qualifies the label-only line above it (see the module docstring)."""
    if bullet(shape.line) or _indent(shape.line) > _indent(parent.line):
        return True
    if parent.line.text.rstrip().endswith(","):
        return True
    return _subrow_label(label)


def _matrix_header(cells: tuple[str, ...], nxt: Shape | None) -> bool:
    """A row of column titles (three or more, none a value) over a row of values."""
    filled = [c for c in cells if c]
    if len(filled) < 3 or nxt is None or nxt.kind != "cells" or len(nxt.cells) != len(cells):
        return False
    if any(read_value(c) is not None for c in filled):
        return False
    values = [c for c in nxt.cells[1:] if read_value(c) is not None]
    return len(values) >= 2


def _matrix_rows(header: tuple[str, ...], shape: Shape) -> list[FoundRow]:
    """One row per value cell: (column title + row title, value); a row title that is a
    unit is the values' unit (``mm² | 1x6 / 2x4 | 1x4 / 2x2.5``)."""
    first = shape.cells[0]
    out = []
    for title, cell in zip(header[1:], shape.cells[1:]):
        if not cell:
            continue
        if is_unit(first):
            out.append(FoundRow(f"{header[0]} {title}", f"{cell} {first}", (shape.line,), "matrix"))
        else:
            out.append(FoundRow(f"{first} {title}", cell, (shape.line,), "matrix"))
    return out


def _stacked(shapes: list[Shape | None], i: int, section: Section) -> tuple[list[FoundRow], int] | None:
    """Labels and values on lines of their own, from ``shapes[i]`` (a label line).

    ``L / V / L / V …`` pairs, and a run of k labels (after an optional parent label)
    followed by a run of k values (multi-line cells); the section title is the parent when
    the section starts with the sub-labels. Returns (rows, next index) or None.
    """
    labels: list[Shape] = []
    j = i
    while j < len(shapes) and (shapes[j] is None or shapes[j].kind == "label"):
        if shapes[j] is not None:
            labels.append(shapes[j])
        j += 1
    values: list[Shape] = []
    while j < len(shapes) and (shapes[j] is None or shapes[j].kind == "value"):
        if shapes[j] is not None:
            values.append(shapes[j])
        j += 1
    if not values or len(labels) < 1:
        return None
    if len(labels) == 1 and len(values) == 1:
        parent = ""
        if len(section.path) > 1 and labels[0].line is _first_body(section):
            parent = section.path[-1]  # "Cable Diameter" / "Cable Plug" / "8.0mm to 12.5mm"
        return [FoundRow(_join_label(parent, labels[0].label), values[0].value,
                         (labels[0].line, values[0].line), "stacked")], j
    if len(values) == 1:
        return None  # a parent label and a sub-row: handled line by line
    parent = ""
    subs = labels
    if len(labels) == len(values) + 1:
        parent, subs = labels[0].label, labels[1:]
    elif len(labels) == len(values) and section.path and labels[0].line is _first_body(section):
        parent = section.path[-1]
    elif len(labels) != len(values):
        return None
    rows = [FoundRow(_join_label(parent, s.label), v.value, (s.line, v.line), "stacked")
            for s, v in zip(subs, values)]
    return rows, j


def _first_body(section: Section) -> Line | None:
    return next((l for l in section.lines if l.text), None)


def _prose_guard(section: Section, shapes: list[Shape | None], rows: list[FoundRow],
                 structured: int) -> list[FoundRow]:
    """A section that reads mostly as prose (installation notes) keeps only its structured
    rows: loose ``Label value`` guesses inside sentences are not spec rows."""
    filled = [s for s in shapes if s is not None]
    prose = sum(1 for s in filled if s.kind == "prose")
    if not filled or prose <= len(filled) / 2:
        return rows
    how = {id(s.line): s.how for s in filled}
    return [row for row in rows
            if row.layout != "inline" or how.get(id(row.lines[0])) in ("colon", "equation")]
