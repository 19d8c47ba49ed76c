"""Values and units: parse printed datasheet values into :class:`Quantity` records, and
convert between the unit pairs datasheets print (mm² ↔ AWG, mm ↔ inch).

The value grammar is the one WAGO-style datasheets use: an optional marker (``approx.``,
``>``, ``≤`` …), a number or a range ``a … b``, a unit, and optionally ``/`` and the same
value in a second unit: ``0.25 … 4 mm² / 22 … 12 AWG``, ``10 … 12 mm / 0.39 … 0.47 inch``.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ..records import Quantity

NUMBER = r"[-+]?\d+(?:\.\d+)?"
UNITS = (
    "mm²", "mm2", "kcmil", "AWG", "mm", "cm", "inch", "in", "kV", "mV", "V", "kA", "mA", "A",
    "°C", "°F", "°", "kN", "Nm", "N", "kg", "g", "MJ", "mΩ", "kΩ", "Ω", "kW", "W", "Hz", "%",
    "ms", "s",
)
_UNIT = "|".join(re.escape(u) for u in UNITS)
_QTY = (
    rf"(?P<{{p}}marker>approx\.\s*|ca\.\s*|[<>≤≥]\s*)?"
    rf"(?P<{{p}}low>{NUMBER})(?:\s*…\s*(?P<{{p}}high>{NUMBER}))?"
    rf"(?:\s*(?P<{{p}}unit>{_UNIT})(?![\w²]))?"
)
VALUE_RE = re.compile(
    r"(?<![\w.\-])" + _QTY.format(p="a") + r"(?:\s*/\s*" + _QTY.format(p="b") + r")?"
)
# A value that makes up the whole end of a PDF text row ("… 20 A", "… 0.39 … 0.47 inch").
TRAILING_VALUE_RE = re.compile(r"(?:^|\s)(" + VALUE_RE.pattern + r")\s*$")


def _quantity(match: re.Match, prefix: str) -> Quantity | None:
    low = match.group(prefix + "low")
    if low is None:
        return None
    high = match.group(prefix + "high") or low
    if not (math.isfinite(float(low)) and math.isfinite(float(high))):
        return None  # 309+ digits: a float cannot hold it, and no datasheet quantity has them
    unit = match.group(prefix + "unit") or ""
    unit = "mm²" if unit == "mm2" else unit
    marker = (match.group(prefix + "marker") or "").strip()
    return Quantity(float(low), float(high), unit, marker)


def parse_value(text: str) -> tuple[Quantity | None, Quantity | None]:
    """Parse the first quantity of a printed value, and its alternate-unit form.

    ``"0.25 … 4 mm² / 22 … 12 AWG"`` → ``(Quantity(0.25, 4, "mm²"), Quantity(22, 12, "AWG"))``;
    ``"Locked: > 80 N"`` → ``(Quantity(80, 80, "N", ">"), None)``. Identifiers (GTIN, tariff
    numbers: 8 or more digits, no unit) and text values give ``(None, None)``.
    """
    match = VALUE_RE.search(text)
    if not match:
        return None, None
    first = _quantity(match, "a")
    if first is None or (not first.unit and len(match.group("alow").lstrip("+-")) >= 8):
        return None, None
    if not first.unit and match.start() > 0 and text[: match.start()].strip()[:1].isalpha():
        return None, None  # a number inside a text value: "Polyamide 66 (PA 66)", "DIN-35 rail"
    return first, _quantity(match, "b")


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
