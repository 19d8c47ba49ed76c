"""Values and units: parse printed datasheet values into :class:`Quantity` records, and
convert between the unit pairs datasheets print (mm² ↔ AWG, mm ↔ inch).

Units and their spellings come from the vocabulary (``[units]`` in ``vocabulary.toml``);
the grammar is the one vendors print, read from the start of a value:

- an optional marker (``approx.``, ``ca.``, ``max.``, ``Maximum``, ``>``, ``≤`` …) and an
  optional conductor count (``2x1,5 mm²``, ``1x (0,5 ... 2,5)``);
- a number or a range ``a … b``, ``a to b``, ``a - b`` (units may stand at either end or
  both: ``0.14 mm² ... 4 mm²``, ``-25˚C to +75˚C``), AWG also before its number
  (``AWG 26 ... 12``, ``(AWG14)``), a unit column before the number (``V 250``), no space
  needed (``250VAC``, ``25A``, ``≤3mΩ``);
- ``AC`` / ``DC`` / ``~`` after a voltage or current, a tolerance ``±0,5``;
- the same value in a second unit after ``/`` or in parentheses
  (``0.25 … 4 mm² / 22 … 12 AWG``, ``2.5mm² (AWG14)``, ``(-13°F to +167°F)``).

Numbers are read with a decimal point (the normaliser turns decimal commas into points);
``2 000 m`` (a space between thousands) is one number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from ..records import Quantity
from ..vocabulary import vocabulary

NUMBER = r"[-+]?\d+(?:\.\d+)?"
# The canonical units (the vocabulary's symbols), as values are printed back.
UNITS: tuple[str, ...] = tuple(vocabulary().units)
_MARKERS = {
    "approx.": "approx.", "approximately": "approx.", "approx": "approx.", "ca.": "ca.", "ca": "ca.",
    "max.": "max.", "max": "max.", "maximum": "max.", "up to": "max.", "min.": "min.", "min": "min.",
    "minimum": "min.", "<": "<", ">": ">", "≤": "≤", "≥": "≥", "<=": "≤", ">=": "≥",
}
_MARKER = r"(?:approx\.|approximately|approx(?=\s)|ca\.|max\.|maximum|min\.|minimum|up to|<=|>=|[<>≤≥])"
_SEP = r"(?:\s*…\s*|\s*\.\.\s*|\s+to\s+|\s+-\s+|-(?=\d)|\s*–\s*)"
_CURRENT = r"(?:\s*(?P<{p}ac>AC|DC|~)(?![A-Za-z]))?"


@lru_cache(maxsize=1)
def _unit_pattern() -> str:
    spellings = sorted(vocabulary().unit_spellings, key=len, reverse=True)
    # "in" (inch) only where nothing but punctuation follows: "0.59 in", not "2 in 1";
    # "V-0", "V-1", "V-2" (flammability classes) are no voltage, "12 V-24 V" is a range
    parts = [re.escape(s) + (r"(?=\s*(?:$|[),;/]|to\b|\())" if s == "in" else
                             r"(?!-[0-2](?![\d.,]))" if s.lower() == "v" else "") for s in spellings]
    return "(?:" + "|".join(parts) + r")(?![A-Za-zµΩ²³0-9])"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    unit = _unit_pattern()
    end = (rf"(?P<{{p}}marker>{_MARKER}\s*)?(?P<{{p}}num>{NUMBER})(?:\s*(?P<{{p}}unit>{unit}))?"
           + _CURRENT)
    return {
        "end": re.compile(end.format(p=""), re.IGNORECASE),
        "unit_first": re.compile(rf"(?P<unit>{unit})\s+(?=[-+]?\d)", re.IGNORECASE),
        "awg_first": re.compile(rf"AWG\s*(?P<num>{NUMBER})", re.IGNORECASE),
        "sep": re.compile(_SEP, re.IGNORECASE),
        "count": re.compile(r"(?P<count>\d{1,2})\s*[x×]\s*(?=[(\d])", re.IGNORECASE),
        "marker": re.compile(rf"{_MARKER}\s*", re.IGNORECASE),
        "tolerance": re.compile(rf"\s*±\s*(?P<num>\d+(?:\.\d+)?)(?:\s*(?P<unit>{unit}))?", re.IGNORECASE),
        "dimensions": re.compile(rf"{NUMBER}\s*[x×]\s*{NUMBER}(?:\s*[x×]\s*{NUMBER})?\s*(?:{unit})?", re.IGNORECASE),
        "thousands": re.compile(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?=\s*(?:[A-Za-zµΩ°²]|$))"),
        "unit_only": re.compile(rf"\s*(?P<unit>{unit})", re.IGNORECASE),
        "paren": re.compile(r"\s*\(\s*"),
        "slash": re.compile(r"\s*/\s*"),
    }


def canonical_unit(printed: str) -> str:
    """The vocabulary's spelling of a printed unit (``"Nm"`` → ``"N·m"``), ``""`` if none."""
    return vocabulary().unit(printed.strip()) or ""


@dataclass(frozen=True)
class Parsed:
    """A value read from the start of a text: the quantity, its alternate-unit form, how
    many characters it took, and the value as shown (a unit column folded in:
    ``"V 250"`` → ``"250 V"``)."""

    quantity: Quantity
    alternate: Quantity | None
    end: int
    shown: str


def _number(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


class _Reader:
    """One left-to-right read of a value text (see the module docstring)."""

    def __init__(self, text: str):
        self.text = text
        self.p = _patterns()

    def end_at(self, pos: int) -> tuple[dict, int] | None:
        """One end of a range at ``pos``: marker, number, unit, AC/DC → (parts, end)."""
        m = self.p["end"].match(self.text, pos)
        if m:
            return {"marker": m.group("marker"), "num": m.group("num"), "unit": m.group("unit"),
                    "ac": m.group("ac")}, m.end()
        m = self.p["awg_first"].match(self.text, pos)
        if m:
            return {"marker": None, "num": m.group("num"), "unit": "AWG", "ac": None}, m.end()
        return None

    def range_at(self, pos: int) -> tuple[Quantity, Quantity | None, int] | None:
        """A number or range at ``pos`` with its alternate in parentheses → (q, alt, end)."""
        first = self.end_at(pos)
        if first is None:
            return None
        a, at = first
        alt_a, at = self.paren_alt(at)
        b, alt_b = None, None
        sep = self.p["sep"].match(self.text, at)
        if sep and not (a["unit"] and a["unit"].upper() == "AWG" and a["num"].startswith("-")):
            second = self.end_at(sep.end())
            if second is not None and not second[0]["marker"]:
                b, after = second
                # "-" between two numbers is a range only when the range has a unit, and
                # no range joins two units ("10 A - 250 V" is a current and a voltage)
                units = {canonical_unit(u) for u in (a["unit"], b["unit"]) if u}
                if (sep.group(0).strip() in ("-", "") and not units) or len(units) > 1:
                    b = None
                else:
                    at = after
                    alt_b, at = self.paren_alt(at)
        if b is None and "AWG" == (a["unit"] or "").upper() and self.text[pos:pos + 3].upper() == "AWG":
            # "AWG 26 ... 12": the unit stands before the range
            sep = self.p["sep"].match(self.text, at)
            if sep:
                m = re.compile(NUMBER).match(self.text, sep.end())
                if m:
                    b, at = {"marker": None, "num": m.group(0), "unit": "AWG", "ac": None}, m.end()
        low, high = _number(a["num"]), _number(b["num"] if b else a["num"])
        if low is None or high is None:
            return None
        unit_text = (b and b["unit"]) or a["unit"] or ""
        unit = canonical_unit(unit_text) if unit_text else ""
        if unit_text and not unit:
            return None
        ac = (a["ac"] or (b and b["ac"]) or "").upper().replace("~", "AC")
        if not ac and unit_text.lower() in ("vac", "aac", "v~", "v ac"):
            ac = "AC"
        elif not ac and unit_text.lower() in ("vdc", "adc", "v dc"):
            ac = "DC"
        marker = _MARKERS.get((a["marker"] or "").strip().lower(), "")
        quantity = Quantity(low, high, unit, marker, current=ac)
        alternate = None
        for alt in (alt_a, alt_b):
            if alt is not None:
                alternate = alt if alternate is None else Quantity(
                    alternate.low, alt.high, alternate.unit)
        return quantity, alternate, at

    def paren_alt(self, pos: int) -> tuple[Quantity | None, int]:
        """``(AWG14)`` / ``(0.026lb)`` / ``(-13°F to +167°F)`` right after a value."""
        m = self.p["paren"].match(self.text, pos)
        if not m:
            return None, pos
        inner = self.range_at(m.end())
        if inner is None or not inner[0].unit:
            return None, pos
        close = re.compile(r"\s*\)").match(self.text, inner[2])
        if not close:
            return None, pos
        return replace(inner[0], marker=""), close.end()

    def read(self, pos: int = 0) -> Parsed | None:
        """The value at ``pos``: count, range, tolerance, alternate (see module docstring)."""
        text, start = self.text, pos
        if self.p["dimensions"].match(text, pos) and not self.p["count"].match(text, pos):
            return None  # "0,6 x 3,5 mm" is a blade's two dimensions, not one quantity
        unit_first = self.p["unit_first"].match(text, pos)
        column_unit = ""
        if unit_first and not text[pos:pos + 3].upper() == "AWG":
            column_unit = unit_first.group("unit")
            pos = unit_first.end()
        marker = ""
        m = self.p["marker"].match(text, pos)
        if m and self.p["count"].match(text, m.end()):
            marker, pos = _MARKERS.get(m.group(0).strip().lower(), ""), m.end()
        count = 0
        c = self.p["count"].match(text, pos)
        if c:
            count, pos = int(c.group("count")), c.end()
            if text[pos:pos + 1] == "(":
                pos += 1
        found = self.range_at(pos)
        if found is None:
            return None
        quantity, alternate, end = found
        if count and text[end:end + 1] == ")":
            end += 1
        if column_unit:
            if quantity.unit:
                return None  # "V 250 V" is no value layout
            quantity = replace(quantity, unit=canonical_unit(column_unit))
        elif not quantity.unit and count:
            # "1x (1,0 ... 2,5), 2x 1,0 mm²": the unit printed once at the end serves all
            later = re.search(rf"\d\s*(?P<unit>{_unit_pattern()})", text[end:], re.IGNORECASE)
            if later:
                quantity = replace(quantity, unit=canonical_unit(later.group("unit")))
        tol = self.p["tolerance"].match(text, end)
        if tol:
            quantity = replace(quantity, tolerance=float(tol.group("num")))
            end = tol.end()
        if marker:
            quantity = replace(quantity, marker=marker)
        if count:
            quantity = replace(quantity, count=count)
        if alternate is None:
            slash = self.p["slash"].match(text, end)
            alt = self.range_at(slash.end()) if slash else None
            if alt is not None and alt[0].unit and alt[0].unit != quantity.unit:
                if quantity.unit or quantity.is_range or count:
                    alternate, end = replace(alt[0], marker=""), alt[2]
                else:
                    # "230/400 V AC", "50/60 Hz": two ratings in one unit, read as low/high
                    quantity = replace(alt[0], low=quantity.low, marker=quantity.marker)
                    end = alt[2]
        if alternate is not None and alternate.unit == quantity.unit:
            alternate = None
        shown = text[start:end].strip()
        if column_unit:
            shown = shown[len(unit_first.group(0)):].strip()
        if column_unit:
            shown = f"{shown} {column_unit}"
        return Parsed(quantity, alternate, end, shown)


def _prepare(text: str) -> str:
    """Fold what the grammar reads as one: ``2 000 m`` → ``2000 m``, ``˚`` → ``°``."""
    text = text.replace("˚", "°").replace("º", "°")
    return _patterns()["thousands"].sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)


# Footnote markers printed after a value or a label: "10 A (1)", "10 *1", "16 A ¹)", "IP65 ³)".
# A superscript digit right after "m" is a unit's power ("mm²)") and stays.
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_END = re.compile(rf"(?:\s+(?:\(\d{{1,2}}\)|\*\d{{1,2}}|[{_SUPERSCRIPTS}]{{1,2}}\))"
                           rf"|(?<![mM\s])\s+[{_SUPERSCRIPTS}]{{1,2}}"
                           rf"|(?<=[^\sm{_SUPERSCRIPTS}(])[{_SUPERSCRIPTS}]{{1,2}}\))\s*$")
_FOOTNOTE_MARK = re.compile(rf"\(\d{{1,2}}\)|\*\d{{1,2}}|[{_SUPERSCRIPTS}]{{1,2}}\)?")
_FOOTNOTE_START = re.compile(rf"^(?:\(\d{{1,2}}\)|\*\d{{1,2}}|[{_SUPERSCRIPTS}]{{1,2}}\)?)\s+(?=\S)")


def strip_footnotes(text: str) -> str:
    """A printed value or label without the footnote markers closing it: ``"10 A (1)"`` →
    ``"10 A"``, ``"10 *1"`` → ``"10"``, ``"16 A ¹) ²)"`` → ``"16 A"``. Markers inside the
    text stay; the footnote text itself is a line of its own (see :func:`footnote_line`);
    the marker stays in the row's ``raw`` line."""
    text = text.rstrip()
    while True:
        # only the line's end is searched: a marker is a few characters (and this stays
        # linear on a megabyte line of spaces)
        cut = max(len(text) - 12, 0)
        m = _FOOTNOTE_END.search(text, cut)
        if m is None or m.start() == 0 or not text[:m.start()].strip():
            return text
        text = text[:m.start()].rstrip()


def footnote_marker(text: str) -> bool:
    """Whether a table cell is only a footnote marker (``¹)``, ``(2)``, ``*1``)."""
    return _FOOTNOTE_MARK.fullmatch(text.strip()) is not None


def footnote_line(text: str) -> bool:
    """Whether a line is a footnote's text, opened by its marker: ``"(1) Reference
    temperature 30 °C"``, ``"*2 Without condensation."``, ``"¹) at 40 °C ambient"``."""
    return _FOOTNOTE_START.match(text) is not None


# A short prefix before a value ("Locked: > 80 N", "Unlocked: approx. 20 … 70 N").
_PREFIX = re.compile(r"^[A-Za-z][\w\s.\-]{0,20}:\s*")


def read_value(text: str) -> Parsed | None:
    """The quantity a printed value starts with (after an optional ``Word:`` prefix), or
    None for text values (colours, materials), identifiers (GTIN: 8 or more digits, no
    unit) and numbers inside text (``Polyamide 66``, ``DIN rail 35 mm``)."""
    text = _prepare(text)
    pos = 0
    prefix = _PREFIX.match(text)
    if prefix:
        pos = prefix.end()
    parsed = _Reader(text).read(pos)
    if parsed is None:
        return None
    q = parsed.quantity
    digits = re.sub(r"\D", "", format_number(q.low))
    if not q.unit and (len(digits) >= 8 or (prefix and not q.marker)):
        return None
    return parsed


def parse_value(text: str) -> tuple[Quantity | None, Quantity | None]:
    """Parse the quantity a printed value starts with, and its alternate-unit form.

    ``"0.25 … 4 mm² / 22 … 12 AWG"`` → ``(Quantity(0.25, 4, "mm²"), Quantity(22, 12, "AWG"))``;
    ``"Locked: > 80 N"`` → ``(Quantity(80, 80, "N", ">"), None)``; ``"250VAC"`` →
    ``Quantity(250, 250, "V", current="AC")``. Text values give ``(None, None)``.
    """
    parsed = read_value(text)
    if parsed is None:
        parsed = _first_with_unit(text)
    return (parsed.quantity, parsed.alternate) if parsed else (None, None)


def _first_with_unit(text: str) -> Parsed | None:
    """The first quantity with a unit inside a text value ("Insulating parts for
    temperatures ≤ 105 °C"); numbers without a unit there are not quantities."""
    text = _prepare(text)
    reader = _Reader(text)
    for m in re.finditer(r"(?:^|(?<=[\s(]))(?=[-+<>≤≥\d]|approx|ca\.|max|min)", text):
        parsed = reader.read(m.start())
        if parsed is not None and parsed.quantity.unit:
            return parsed
    return None


def value_tail(text: str) -> tuple[str, str, Parsed] | None:
    """Split a row at the value its text ends with (a quantity, optionally followed by
    more quantities or a short note in parentheses) → (label, value, parsed):
    ``"Rated voltage (III / 3) 800 V"`` → ``("Rated voltage (III / 3)", "800 V", …)``;
    a unit column before the number is folded in: ``"Weight g 115"`` → ``("Weight",
    "115 g", …)``. The earliest such word start after the first word wins; None when
    there is none."""
    text = _prepare(text)
    for m in re.finditer(r"(?<=\s)(?=\S)", text):
        start = m.start()
        parsed = _Reader(text).read(start)
        if parsed is None:
            continue
        rest = text[parsed.end:].strip()
        if not rest or _is_value_rest(rest, unitless=not parsed.quantity.unit):
            digits = re.sub(r"\D", "", format_number(parsed.quantity.low))
            if parsed.quantity.unit or len(digits) < 8:
                head = text[start:parsed.end].strip()
                value = f"{parsed.shown} {rest}".strip() if head != parsed.shown else text[start:].strip()
                return text[:start].strip(), value, parsed
    return None


def _is_value_rest(rest: str, unitless: bool = False) -> bool:
    """What may follow a value on its row: more values (``20 A``, ``AWG 26 ... 12``), a
    note in parentheses, ``AC``/``DC``, ``/ 400V (IEC)``; after a value without a unit,
    more counts without one (``1x (0,5 ... 2,5), 2x (0,5 ... 1,5)``)."""
    reader = _Reader(rest)
    pos = 0
    while pos < len(rest):
        skip = re.compile(r"[\s,;/]+|\([^()]{0,40}\)|@").match(rest, pos)
        if skip and skip.end() > pos:
            pos = skip.end()
            continue
        parsed = reader.read(pos)
        if parsed is None or not (parsed.quantity.unit or (unitless and parsed.quantity.count)):
            return False
        pos = parsed.end
    return True


def parse_all(text: str) -> list[Quantity]:
    """Every quantity of a value in order: ``"1x (1,0 ... 2,5), 2x 1,0 mm²"`` →
    [1 × 1…2.5 mm², 2 × 1 mm²]; ``"300 V 20 A AWG 26 ... 12"`` → three quantities."""
    text = _prepare(text)
    reader = _Reader(text)
    out, pos = [], 0
    while pos < len(text):
        parsed = reader.read(pos)
        if parsed is not None and parsed.end > pos:
            out.append(parsed.quantity)
            pos = parsed.end
            continue
        nxt = re.compile(r"\S*\s*").match(text, pos)
        pos = nxt.end() if nxt and nxt.end() > pos else pos + 1
    return out


def format_number(value: float) -> str:
    """A number as a datasheet prints it: ``4.0`` → ``4``, ``0.25`` → ``0.25``,
    ``1000000.0`` → ``1000000``; the shortest digits that read back as the same float,
    never an exponent (which :func:`parse_value` would not read)."""
    if not math.isfinite(value):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def awg_to_mm2(awg: float) -> float:
    """Cross section in mm² of a solid AWG gauge (ASTM B258): d = 0.127 mm · 92^((36−n)/39)."""
    diameter = 0.127 * 92 ** ((36 - awg) / 39)
    return math.pi / 4 * diameter**2


def mm2_to_awg(mm2: float) -> float:
    """The (fractional) AWG gauge of a cross section in mm²; inverse of :func:`awg_to_mm2`."""
    diameter = math.sqrt(4 * mm2 / math.pi)
    return 36 - 39 * math.log(diameter / 0.127, 92)


def inch_to_mm(inch: float) -> float:
    """Inches to millimetres (1 inch = 25.4 mm exactly)."""
    return inch * 25.4


def fahrenheit_to_celsius(value: float) -> float:
    """Degrees Fahrenheit to degrees Celsius."""
    return (value - 32) * 5 / 9


# Transitional: the old trailing-value pattern, until spectable reads rows by value_tail.
TRAILING_VALUE_RE = re.compile(
    r"(?:^|\s)((?:approx\.\s*|ca\.\s*|[<>≤≥]\s*)?[-+]?\d+(?:\.\d+)?(?:\s*…\s*[-+]?\d+(?:\.\d+)?)?"
    r"(?:\s*(?:mm²|mm2|kcmil|AWG|mm|cm|inch|in|kV|mV|V|kA|mA|A|°C|°F|°|kN|Nm|N|kg|g|MJ|mΩ|kΩ|Ω|kW|W|Hz|%|ms|s)"
    r"(?![\w²]))?(?:\s*/\s*(?:approx\.\s*|ca\.\s*|[<>≤≥]\s*)?[-+]?\d+(?:\.\d+)?(?:\s*…\s*[-+]?\d+(?:\.\d+)?)?"
    r"(?:\s*(?:mm²|mm2|kcmil|AWG|mm|cm|inch|in|kV|mV|V|kA|mA|A|°C|°F|°|kN|Nm|N|kg|g|MJ|mΩ|kΩ|Ω|kW|W|Hz|%|ms|s)"
    r"(?![\w²]))?)?)\s*$")
