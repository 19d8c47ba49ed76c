"""Fit checks: does a value from the question fit a datasheet range?

Conductor sizes (mm² or AWG) with conductor class (solid / stranded / fine-stranded),
ferrule with or without plastic collar, and push-in versus operating tool; currents,
voltages and temperatures (processing versus continuous operation). The verdict is decided
by the datasheet's own row; AWG is compared with the AWG range the sheet prints when it
prints one, otherwise converted by the standard formula (ASTM B258).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..records import Quantity, SpecRow
from ..ingest.values import awg_to_mm2, fahrenheit_to_celsius
from ..vocabulary import vocabulary

_ASKED = re.compile(
    # the large gauges: "1/0 AWG" … "4/0 AWG" (= gauge 0 … -3)
    r"(?<![\w/.])(?P<aught>[1-4])/0\s*awg\b|"
    # not inside an identifier: "770-1252/076-000 a", "RT78725 mm"
    r"(?<![\w/.])(?<!\d-)(?P<value>[-+]?\d+(?:[.,]\d+)?)\s*(?P<unit>mm²|mm2|mm\^2|sq\.?\s*mm|square\s+mm|awg|"
    r"amps?\b|amperes?\b|a\b|ka\b|kv\b|vac\b|vdc\b|volts?\b|v\b|°\s*c|˚\s*c|deg(?:rees)?\s*c\b|°\s*f|˚\s*f|"
    r"deg(?:rees)?\s*f\b|f\b(?=\s*(?:$|[?!.,]|ok|okay))|(?<=\d)f\b|c\b(?=\s*(?:$|[?!.,]|ok|okay|ambient))|"
    r"(?<=\d)c\b(?=\s*(?:cold|continuous|freezer|room|inside|outside|environment|store|storage|in\b))|degrees?\b|"
    r"n\s*[·.\-]?\s*m\b|lb[\s.\-]*in\b|in[\s.\-]*lbs?\b|mm\b|cm\b|m\b|inch(?:es)?\b|in\b(?=\s*(?:$|[?!.,]))|"
    r"(?<=\d)in\b(?!\s*[-.]?\s*lb))"
    r"|(?:awg|#)\s*(?P<awg>\d+)",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\b(two|three|four|single|one|pair|[1234])\s*(?:[x×*]\s*)?(?:(?:wires?\s+)?of\s+)?$")
_BARE_COUNT = re.compile(r"\b(two|three|2|3)\s*(?:x\s*)?(\d+(?:\.\d+)?)\s+(?:ferrules?|wires?|conductors?|"
                         r"ferruled|solid|stranded|flexible)\b", re.IGNORECASE)
_CHECK_OPENERS = re.compile(
    r"^\s*(can|could|does|do|is|are|will|would|may|might|should|am|must)\b|\b(fit|fits|ok|okay|"
    r"allowed|suitable|compatible|within|handle|enough|too (big|small|large|thick|thin|much|hot))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Asked:
    """A value from the question: number and normalised unit (``mm²``, ``AWG``, ``A``,
    ``V``, ``°C``, ``mm``), as typed (``text``)."""

    value: float
    unit: str
    text: str
    current: str = ""  # "AC" / "DC" when typed ("230 VAC")
    count: int = 0  # conductors in one clamp when typed ("2 x 1 mm²", "two 0.75 ferrules")


@dataclass(frozen=True)
class Conductor:
    """Conductor details read from the question; None where the question does not say."""

    klass: str | None  # "solid" | "stranded" | "fine-stranded"
    ferrule: bool | None
    collar: bool | None
    push_in: bool | None


def asked_value(question: str) -> Asked | None:
    """The first value with a unit in the question (``6 mm²``, ``14 AWG``, ``100 °C``)."""
    match = _ASKED.search(question)
    if not match:
        bare = _BARE_COUNT.search(question)  # "two 0.75 ferrules in one clamp": mm² understood
        if bare:
            count = {"two": 2, "three": 3, "2": 2, "3": 3}[bare.group(1).lower()]
            return Asked(float(bare.group(2)), "mm²", bare.group(2), "", count)
        return None
    if match.group("aught"):  # "2/0 AWG" is gauge -1
        return Asked(float(1 - int(match.group("aught"))), "AWG", match.group(0))
    if match.group("awg"):
        return Asked(float(match.group("awg")), "AWG", match.group(0))
    unit = match.group("unit").lower().replace(" ", "")
    value = float(match.group("value").replace(",", "."))
    current = ""
    if unit.startswith(("mm²", "mm2", "mm^2", "sq", "square")):
        unit = "mm²"
    elif unit == "awg":
        unit = "AWG"
    elif unit.startswith(("amp", "a")):
        unit = "A"
    elif unit == "ka":  # a fault level: compared in amperes ("6000 A", "6 kA")
        value, unit = value * 1000, "A"
    elif unit == "kv":
        value, unit = value * 1000, "V"
    elif unit.startswith(("volt", "v")):
        current = "AC" if unit == "vac" else "DC" if unit == "vdc" else ""
        unit = "V"
    elif unit.startswith("n"):
        unit = "N·m"
    elif unit.startswith(("lb", "in")) and unit not in ("in", "inch", "inches"):
        unit = "lb·in"
    elif unit in ("in", "inch", "inches"):
        value, unit = value * 25.4, "mm"
    elif unit in ("cm", "m"):  # a lead length: compared in millimetres
        value, unit = value * (10 if unit == "cm" else 1000), "mm"
    elif unit.endswith("f"):
        value, unit = fahrenheit_to_celsius(value), "°C"
    elif unit.startswith(("°", "˚", "deg", "c")):
        unit = "°C"
    before = question[max(0, match.start() - 12):match.start()].lower()
    count = _COUNT.search(before)
    number = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4, "single": 1, "one": 1,
              "1": 1, "pair": 2}.get(count.group(1), 0) if count else 0
    return Asked(value, unit, match.group(0).strip(), current, number)


def asked_values(question: str, limit: int = 4) -> list[tuple[Asked, tuple[int, int] | None]]:
    """Every value with a unit in the question, in order, with where it stands (start,
    end; None for a count read without a unit: "two 0.75 ferrules")."""
    out: list[tuple[Asked, tuple[int, int] | None]] = []
    for _ in range(limit):
        asked = asked_value(question)
        if asked is None:
            break
        match = _ASKED.search(question)
        if match is None:
            out.append((asked, None))
            break
        out.append((asked, match.span()))
        question = question[:match.start()] + " " * (match.end() - match.start()) + question[match.end():]
    return out


def is_check(question: str) -> bool:
    """A yes/no question about a value: an opener or fit word, and a value with a unit."""
    return bool(_CHECK_OPENERS.search(question)) and asked_value(question) is not None


def conductor(question: str) -> Conductor:
    """Conductor class, ferrule, collar and push-in as the question states them; handles
    negation (``without ferrule``, ``no tool``)."""
    q = question.lower()
    named = vocabulary().conductor_of(question)  # the vendors' words: "finely stranded", "litz", "rigid"
    klass = {"solid": "solid", "stranded": "stranded"}.get(named, "fine-stranded" if named else None)
    if klass is None and re.search(r"fine[\s-]*strand|flexible|flex\b", q):
        klass = "fine-stranded"
    elif klass is None and re.search(r"strand", q):
        klass = "stranded"
    elif klass is None and re.search(r"\bsolid\b|\brigid\b", q):
        klass = "solid"
    ferrule = None
    if re.search(r"\b(without|no|w/o)\s+(an?\s+|any\s+)?(ferrule|sleeve)", q) or named == "fine_stranded" and \
            re.search(r"\b(without|no|w/o)\b", q):
        ferrule = False
    elif re.search(r"ferrule|sleeve", q) or named.startswith("ferrule"):
        ferrule = True
    collar = None
    if re.search(r"\b(without|no|w/o)\s+(an?\s+|the\s+)?(plastic\s+)?collar|uninsulated|bare ferrule", q):
        collar = False
    elif re.search(r"collar|insulated ferrule", q):
        collar = True
    if ferrule is None and collar is not None:
        ferrule = True
    if ferrule and klass is None:
        klass = "fine-stranded"
    push_in = None
    if re.search(r"\b(without|no|w/o)\s+(an?\s+|any\s+|the\s+|a\s+)?(operating\s+)?(tool|screwdriver)|tool[\s-]*free|"
                 r"push(ed|ing)?[\s-]*in(to)?\b|by hand|just push|simply push|push it", q):
        push_in = True
    elif re.search(r"\b(with|using|use)\s+(an?\s+|the\s+)?(operating\s+)?(tool|screwdriver)", q):
        push_in = False
    return Conductor(klass, ferrule, collar, push_in)


_CLASSES = {  # a row's conductor class (ingestion, vocabulary words) → the check's terms
    "solid": ("solid", False, None), "stranded": ("stranded", False, None),
    "fine_stranded": ("fine-stranded", False, None), "ferrule": ("fine-stranded", True, None),
    "ferrule_collar": ("fine-stranded", True, True), "ferrule_no_collar": ("fine-stranded", True, False),
}


def row_conductor(row: SpecRow) -> Conductor:
    """The conductor details a datasheet row names: its conductor class as ingestion read
    it (any vendor's words), else its attribute (``Fine-stranded conductor with ferrule
    with plastic collar`` …); push-in when the label says so."""
    push_in = bool(re.search(r"push[\s-]*in", row.label, re.IGNORECASE))
    if row.conductor in _CLASSES:
        klass, ferrule, collar = _CLASSES[row.conductor]
        return Conductor(klass, ferrule, collar, push_in)
    a = row.attribute.lower()
    klass = "fine-stranded" if "fine-stranded" in a else "stranded" if "stranded" in a else "solid" if "solid" in a else None
    ferrule = "ferrule" in a
    collar = None
    if "without plastic collar" in a:
        collar = False
    elif "with plastic collar" in a:
        collar = True
    return Conductor(klass, ferrule, collar, "push-in" in a)


def conductor_rows(rows: list[SpecRow]) -> list[SpecRow]:
    """Rows giving a conductor range: the ``cross_section`` feature (or a ``… conductor …``
    label) with an mm² or AWG quantity; min / max sub-rows joined into one range."""
    found = [r for r in rows if (r.feature == "cross_section" or "conductor" in r.attribute.lower())
             and r.quantity and r.quantity.count <= 1
             and (r.quantity.unit in ("mm²", "AWG") or (r.alternate and r.alternate.unit == "AWG"))]
    return join_min_max(found)


def join_min_max(rows: list[SpecRow]) -> list[SpecRow]:
    """Rows with the sub-rows ``… min`` / ``… max`` of one attribute joined into one range
    row (``Operating temperature min -25 °C`` + ``max +55 °C`` → ``-25 … +55 °C``), its
    value and line span those of both."""
    out: list[SpecRow] = []
    pending: dict[tuple, SpecRow] = {}
    for r in rows:
        side = _side(r)
        key = (r.attribute, _strip_side(r.qualifier), r.section, r.conductor)
        if side == "min" and r.quantity and not r.quantity.is_range:
            pending[key] = r
            continue
        low = pending.pop(key, None) if side == "max" else None
        if low is not None and r.quantity and low.quantity and low.quantity.unit == r.quantity.unit:
            out.append(replace(r, qualifier=_strip_side(r.qualifier), value=f"{low.value} … {r.value}",
                               quantity=replace(r.quantity, low=low.quantity.low, high=r.quantity.high,
                                                marker=""),
                               raw=f"{low.raw} {r.raw}", line_start=low.line_start))
            continue
        out.append(r)
    out.extend(pending.values())
    return out


def _side(row: SpecRow) -> str:
    m = re.search(r"\b(min|max)(?:imum|\.)?\s*$", f"{row.attribute} {row.qualifier}".strip(), re.IGNORECASE)
    return m.group(1).lower() if m else ""


def _strip_side(text: str) -> str:
    return re.sub(r"[,\s]*\b(min|max)(?:imum|\.)?\s*$", "", text, flags=re.IGNORECASE).strip()


def printed_in(row: SpecRow | None, unit: str) -> bool:
    """Whether a row prints its value in ``unit`` (its quantity's or its alternate's unit:
    ``16 … 2 AWG`` for AWG, ``31 lb-in`` for lb·in)."""
    return row is not None and any(q is not None and q.unit == unit for q in (row.quantity, row.alternate))


def fits(asked: Asked, row: SpecRow) -> bool | None:
    """Whether the asked value lies in the row's range (ends included); None when the units
    cannot be compared. AWG is compared on the AWG range the sheet prints when present."""
    q, alt = row.quantity, row.alternate
    if is_minimum(row):
        # "Fine-stranded conductor with ferrule, push-in termination, from 1.5 mm² / 16 AWG":
        # the printed size is the smallest allowed (a larger AWG number is a smaller wire)
        for quantity in (q, alt):
            if quantity and quantity.unit == asked.unit:
                if asked.unit == "AWG":
                    return asked.value <= quantity.low + 1e-9
                return asked.value >= quantity.low - 1e-9
        if asked.unit == "AWG" and q and q.unit == "mm²":
            return awg_to_mm2(asked.value) >= q.low * 0.98
        return None
    gauge = q if q and q.unit == "AWG" else alt if alt and alt.unit == "AWG" else None
    if asked.unit == "AWG" and gauge is not None:
        # compared as cross sections: a larger gauge number is a smaller wire, and a
        # "max. AWG 12" (or "max. wire 1.0mm² (AWG18)") is the largest wire
        low, high = sorted((awg_to_mm2(gauge.low), awg_to_mm2(gauge.high)))
        as_mm2 = Quantity(low, high, "mm²", gauge.marker)
        if not gauge.is_range and re.search(r"\bmin", row.label, re.IGNORECASE):
            return awg_to_mm2(asked.value) >= low * 0.98
        return _within(awg_to_mm2(asked.value), as_mm2, tolerance=0.02)
    for quantity in (q, alt):
        if quantity and quantity.unit == asked.unit:
            return _within(asked.value, quantity)
    for quantity in (q, alt):  # the sheet prints no pair: convert with pint
        converted = convert(asked.value, asked.unit, quantity.unit) if quantity else None
        if converted is not None:
            return _within(converted, quantity)
    if asked.unit == "AWG" and q and q.unit == "mm²":
        return _within(awg_to_mm2(asked.value), q, tolerance=0.02)
    if asked.unit == "mm²" and q and q.unit == "AWG":
        return _within(asked.value, Quantity(awg_to_mm2(q.low), awg_to_mm2(q.high), "mm²"), tolerance=0.02)
    if asked.unit == "V" and q and q.unit == "kV":
        return _within(asked.value / 1000, q)
    return None


# canonical unit (the vocabulary's) → pint's name for it
_PINT_UNITS = {"N·m": "newton * meter", "lb·in": "pound_force * inch", "°C": "degC", "°F": "degF",
               "mm": "millimeter", "cm": "centimeter", "m": "meter", "inch": "inch", "V": "volt",
               "kV": "kilovolt", "mV": "millivolt", "A": "ampere", "kA": "kiloampere", "mA": "milliampere",
               "g": "gram", "kg": "kilogram", "lb": "pound", "oz": "ounce", "N": "newton", "kN": "kilonewton",
               "W": "watt", "kW": "kilowatt", "Hz": "hertz", "mΩ": "milliohm", "Ω": "ohm", "kΩ": "kiloohm",
               "MΩ": "megaohm", "GΩ": "gigaohm", "mm²": "millimeter ** 2", "s": "second", "ms": "millisecond"}


@lru_cache(maxsize=1)
def _units():
    import pint

    return pint.UnitRegistry()


def convert(value: float, unit: str, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to`` (pint: N·m ↔ lb·in, °C ↔ °F, mm ↔ inch,
    kV ↔ V …), None when the units are not of one dimension or unknown."""
    if unit == to or unit not in _PINT_UNITS or to not in _PINT_UNITS:
        return None
    import pint

    registry = _units()
    try:
        return float(registry.Quantity(value, _PINT_UNITS[unit]).to(_PINT_UNITS[to]).magnitude)
    except (pint.errors.DimensionalityError, pint.errors.UndefinedUnitError, pint.errors.OffsetUnitCalculusError):
        return None


def is_minimum(row: SpecRow) -> bool:
    """A single value that is a lower limit: a label ending in ``from`` (``… push-in
    termination, from 1.5 mm²``) or a ``>``/``≥`` marker."""
    q = row.quantity
    if not q or q.is_range:
        return False
    return bool(re.search(r"\bfrom$", row.label.strip(" ,"), re.IGNORECASE)) or q.marker in (">", "≥")


def _within(value: float, quantity: Quantity, tolerance: float = 0.0) -> bool:
    low, high = sorted((quantity.low, quantity.high))
    if not quantity.is_range:  # a rating is a maximum: "Rated current 24 A"
        if quantity.marker in (">", "≥"):
            return value >= low * (1 - tolerance)
        return value <= high * (1 + tolerance)
    if quantity.marker == "" and not quantity.is_range:
        return value <= high
    return low * (1 - tolerance) - 1e-9 <= value <= high * (1 + tolerance) + 1e-9


def describe(asked: Asked, row: SpecRow, ok: bool) -> str:
    """``6 mm² is outside Solid conductor 0.25 … 4 mm² / 22 … 12 AWG``."""
    where = "within" if ok else "outside"
    if is_minimum(row):
        where = "within" if ok else "below"
    elif not row.quantity or not row.quantity.is_range:
        where = "within" if ok else "above" if asked.unit != "°C" else "outside"
    # as typed: a converted value ("150 °F" → 65.6 °C) would be a number no source gives
    return f"{asked.text} is {where} {row.label} {row.value}"
