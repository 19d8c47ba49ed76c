"""Conditions: what a question asks of a product, and whether one product's sheet says so.

A catalogue question ("which terminal blocks take 6 mm² fine-stranded with a ferrule?",
"anything rated 600 V under UL and at least 20 A?") is read into typed
:class:`Condition` records by :func:`parse_conditions`; :func:`evaluate` holds one condition
against one product's spec rows, approvals and (for statements printed as text) its lines,
and returns an :class:`Outcome`: ``True`` / ``False`` with the deciding rows, or ``None``
when the sheet does not say.

What a condition can be (the vocabulary file names the words, ``vocabulary.toml``):

- a **value** with a unit: the feature of its dimension the question names (a current is
  the rated current unless it says breaking capacity; a temperature the operating
  temperature unless it says storage; a length only the feature it names: strip length,
  pitch, width …), an operator (``fits`` a range, ``==``, ``>=``, ``<=``, ``>``, ``<``), the
  standard it is rated under (``under UL``, ``(IEC)``), AC / DC, and for a cross-section the
  conductor class, ferrule, plastic collar, push-in and conductors per clamping point;
- a **count** (``5 or more contacts``, ``single pole``, ``2 connections``);
- a **text value** (``[terms]``: push-in, screw, solder, crimp, PA 66, metal housing, gold
  plated, halogen-free, UL94 V-0, copper only, shielded, front mounting, 35 mm DIN rail), a
  colour (``[colors]``), a coding letter (``A-coded``), an IP code (``IP67``);
- an **approval** (``UL``, ``CSA approved``, ``ship approvals``, ``not UL approved``);
- the product's **kind** (``[kind_classes]``) and **vendor**.

Units are compared in the sheet's own pair when it prints one (``0.25 … 4 mm² / 22 … 12
AWG``, ``-25˚C to +75˚C (-13°F to +167°F)``), otherwise converted with pint (N·m ↔ lb·in,
°C ↔ °F, mm ↔ inch, kA ↔ A); AWG ↔ mm² without the sheet's pair goes by the standard gauge
table and the outcome says so (``converted``): a gauge is not a printed cross-section.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ..ingest.values import awg_to_mm2, parse_all, parse_value
from ..records import Approval, Line, Product, Quantity, SpecRow
from ..vocabulary import DATA_FILE, vocabulary, word_key



@dataclass(frozen=True)
class Condition:
    """One thing a question asks of a product.

    ``feature`` is a canonical feature id (``rated_current``, ``cross_section``,
    ``ip_rating``, ``connection_technology`` …) or ``"kind"``, ``"vendor"``,
    ``"approval"``. ``op``: ``"fits"`` (the value lies within the row's range; against a
    single rating, the rating is at least the value), ``"=="``, ``">="``, ``"<="``, ``">"``,
    ``"<"`` (against a range: its top for ``>=``/``>``, its bottom for ``<=``/``<``), ``"has"``
    (a text value, IP code or approval), ``"is"`` (kind, vendor). ``value`` and ``unit`` are
    the number and canonical unit as typed (``0 °F`` stays °F; ``None`` / ``""`` for text),
    ``text`` the condition as typed (``"6 mm²"``, ``"IP67"``, ``"push-in"``; for a kind the
    class name, for a vendor the vendor's name, for an approval the mark).

    For a cross-section: ``conductor`` (``solid``, ``stranded``, ``fine_stranded``,
    ``ferrule``, ``ferrule_collar``, ``ferrule_no_collar`` or ``""``: ferrule and collar
    follow from it), ``push_in`` (None: not said) and ``count`` (conductors per clamping point,
    0 when not said). ``standard`` is the standard a rating is asked under (``"UL"``,
    ``"CSA"``, ``"IEC"``, ``"Ex"``, or with a number ``"IEC 60947-2"``; for an approval the
    specific standard, ``"UL 489"``), ``current`` ``"AC"`` / ``"DC"``. ``term`` names the
    vocabulary ``[terms]`` entry of a text value; ``any_of`` holds alternatives (approval
    marks, kind classes); ``negated`` asks for the opposite (``not UL approved``).
    """

    feature: str
    op: str
    value: float | None = None
    unit: str = ""
    text: str = ""
    conductor: str = ""
    push_in: bool | None = None
    standard: str = ""
    current: str = ""
    count: int = 0
    term: str = ""
    any_of: tuple[str, ...] = ()
    negated: bool = False

    def describe(self) -> str:
        """The condition in words, its numbers as typed: ``rated current ≥ 20 A (IEC)``."""
        name = _feature_name(self.feature)
        if self.feature == "kind":
            return self.text
        if self.feature == "vendor":
            return f"from {self.text}"
        if self.feature == "approval":
            marks = " / ".join(self.any_of) if len(self.any_of) > 1 else self.text
            return f"{'not ' if self.negated else ''}{marks} approved"
        if self.value is None:
            if self.feature == "ip_rating":
                return f"{self.text} or better" if self.op == ">=" else self.text
            if self.feature == "color":
                return self.text
            return f"{name}: {'not ' if self.negated else ''}{self.text}"
        if not self.unit and re.search(r"[a-z]", self.text, re.IGNORECASE):
            return self.text  # a count as typed: "5 or more contacts", "single pole"
        symbol = {"fits": "for", "==": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}.get(self.op, self.op)
        details = [d for d in (_CLASS_WORDS.get(self.conductor, ""),
                               f"{self.count} conductors" if self.count > 1 else "",
                               "push-in" if self.push_in else "", self.standard, self.current) if d]
        extra = f" ({', '.join(details)})" if details else ""
        return f"{name} {symbol} {self.text}{extra}"


@dataclass(frozen=True)
class Outcome:
    """Whether one product satisfies one condition: ``verdict`` True / False, or None when
    its sheet does not say; the deciding ``rows``, ``approvals`` records and text ``lines``
    (for a ``False``, the rows that say otherwise); ``value`` the deciding number in the
    condition's unit (for ranking; None for text); ``converted`` when the verdict rests on
    the AWG gauge table because the sheet prints no pair; ``note`` a short reason (no
    numbers of its own)."""

    verdict: bool | None
    rows: tuple[SpecRow, ...] = ()
    approvals: tuple[Approval, ...] = ()
    lines: tuple[Line, ...] = ()
    value: float | None = None
    converted: bool = False
    note: str = ""


_CLASS_WORDS = {"solid": "solid", "stranded": "stranded", "fine_stranded": "fine-stranded",
                "ferrule": "with ferrule", "ferrule_collar": "ferrule with plastic collar",
                "ferrule_no_collar": "ferrule without plastic collar"}


def _feature_name(feature: str) -> str:
    found = vocabulary().features.get(feature)
    return found.name if found else feature.replace("_", " ")


# ---------------------------------------------------------------- the filter vocabulary


@dataclass(frozen=True)
class Term:
    """A text value a question asks for (vocabulary ``[terms]``; see the file's comments)."""

    id: str
    ask: tuple[str, ...]
    unless: frozenset[str]
    features: tuple[str, ...]
    says: tuple[str, ...]
    text: tuple[str, ...]
    subject: tuple[str, ...]
    absent_unknown: bool


@dataclass(frozen=True)
class KindClass:
    """A product kind installers filter by (vocabulary ``[kind_classes]``)."""

    name: str
    kinds: frozenset[str]
    words: tuple[tuple[str, ...], ...]
    ask: tuple[str, ...]


@dataclass(frozen=True)
class FilterVocabulary:
    """The catalogue-question part of the vocabulary file: kind classes, standards (strong
    and weak words), approval families, text terms, colour groups, the words naming another
    part of a product, and features that stand in for one another."""

    kind_classes: dict[str, KindClass]
    standards: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    families: dict[str, tuple[str, ...]]
    terms: dict[str, Term]
    colors: tuple[tuple[str, ...], ...]
    parts: frozenset[str]
    stand_ins: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def filter_vocabulary() -> FilterVocabulary:
    """The catalogue-question sections of ``vocabulary.toml``, loaded once. Raises
    ValueError naming the file when a section is malformed."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    try:
        classes = {name: KindClass(name, frozenset(spec.get("kinds", ())),
                                   tuple(tuple(word_key(w).split()) for w in spec.get("words", ())),
                                   tuple(word_key(w) for w in spec.get("ask", ())))
                   for name, spec in data.get("kind_classes", {}).items()}
        standards = {name: (tuple(word_key(w) for w in spec.get("words", ())),
                            tuple(word_key(w) for w in spec.get("weak", ())))
                     for name, spec in data.get("standards", {}).items()}
        families = {name: tuple(forms) for name, forms in data.get("approval_families", {}).items()}
        terms = {tid: Term(tid, tuple(word_key(w) for w in spec.get("ask", ())),
                           frozenset(word_key(w) for w in spec.get("unless", ())),
                           tuple(spec.get("features", ())),
                           tuple(word_key(w) for w in spec.get("says", ())),
                           tuple(word_key(w) for w in spec.get("text", ())),
                           tuple(word_key(w) for w in spec.get("subject", ())),
                           spec.get("absent", "") == "unknown")
                 for tid, spec in data.get("terms", {}).items()}
        colors = tuple(tuple(word_key(g).split()) for g in data.get("colors", {}).get("groups", ()))
        parts = frozenset(word_key(w) for w in data.get("parts", {}).get("words", ()))
        stand_ins = {k: tuple(v) for k, v in data.get("stand_ins", {}).items()}
    except (AttributeError, TypeError) as exc:
        raise ValueError(f"{DATA_FILE}: a catalogue-question section is malformed ({exc!r})") from exc
    return FilterVocabulary(classes, standards, families, terms, colors, parts, stand_ins)


# ---------------------------------------------------------------- reading a question

_SEP = r"[\s\-/.,:·_]*"
# a value with its unit as installers type it ("2.5mm2", "14awg", "10 amps", "-30C", "2 N·m")
_VALUE = re.compile(
    r"(?<![\w./])(?<!\d-)(?P<num>[-+]?\d+(?:[.,]\d+)?)\s*(?P<unit>mm²|mm2|mm\^2|sq\.?\s*mm|kcmil|awg|"
    r"kv\b|mv\b|vac\b|vdc\b|volts?\b|v\b|ka\b|ma\b|amps?\b|amperes?\b|a\b|°\s*c\b|˚\s*c\b|º\s*c\b|"
    r"deg(?:rees)?\s*c\b|c\b|°\s*f\b|˚\s*f\b|deg(?:rees)?\s*f\b|f\b|n\s*[·.\-]?\s*m\b|nm\b|"
    r"lb[\s.\-]*in\b|lbf[\s.\-]*in\b|in[\s.\-]*lbs?\b|mm\b|cm\b|inch(?:es)?\b|in\b(?=\s*(?:$|[?!.,)]))|"
    r"\"|kg\b|g\b|hz\b|w\b|mΩ|mohm\b|kΩ|MΩ|gΩ|Ω|ohms?\b)"
    r"|(?<![\w.])(?:awg|#)\s*(?P<awg>\d+)\b",
    re.IGNORECASE)
# standards and codes whose digits are no values ("IEC 60947-2", "EN 60715", "UL 489", "M12")
_STANDARD_NUMBER = re.compile(
    r"\b(?:iec(?:/en)?|en|ul|din|vde|csa|iso|c22\.2|gb/t|tr|ral|pz|ph|no\.)\s*\d[\d.\-/]*(?:\s*[\-–]\s*\d+)?"
    r"(?!\s*(?:v|a|kv|ka|mm|°|amps?|volts?)\b)(?![\d.])|"
    r"\bm\d{1,2}(?:\s*x\s*\d+(?:[.,]\d+)?)?\b|\bts\s*35\b|\bns\s*35\b|\bdin[\s-]*35\b",
    re.IGNORECASE)
_IP = re.compile(r"\bip\s?(?P<a>[0-9x])(?P<b>[0-9x])(?P<c>[a-d])?\b", re.IGNORECASE)
_AFTER_GE = re.compile(r"^\s*(?:or|and)\s+(?:more|higher|above|greater|bigger|larger|up|over|thicker|wider|"
                       r"longer|hotter|better)\b|^\s*\+(?!\s*\d)|^\s*(?:minimum|min\b)", re.IGNORECASE)
_AFTER_LE = re.compile(r"^\s*(?:or|and)\s+(?:less|lower|below|smaller|under|fewer|thinner|narrower|"
                       r"shorter|colder)\b|^\s*(?:maximum|max\b)", re.IGNORECASE)
_BEFORE = (  # (pattern at the end of the text before a value, op)
    (re.compile(r"(?:at\s+least|minimum(?:\s+of)?|min\.?|no\s+less\s+than|not\s+less\s+than|>=|≥|as\s+high\s+as|"
                r"as\s+big\s+as|as\s+large\s+as|as\s+thick\s+as|as\s+hot\s+as|as\s+much\s+as)\s*$", re.I), ">="),
    (re.compile(r"(?:more|over|above|greater|higher|bigger|larger|wider|longer|thicker|hotter|heavier)"
                r"(?:\s+than)?\s*$|>\s*$|exceeding\s*$", re.I), ">"),
    (re.compile(r"(?:at\s+most|maximum(?:\s+of)?|max\.?|up\s+to|no\s+more\s+than|not\s+more\s+than|<=|≤|"
                r"down\s+to|as\s+low\s+as|as\s+small\s+as|as\s+thin\s+as|as\s+cold\s+as)\s*$", re.I), "<="),
    (re.compile(r"(?:less|below|under|smaller|lower|narrower|shorter|thinner|fewer|colder|lighter)"
                r"(?:\s+than)?\s*$|<\s*$", re.I), "<"),
)
_RATED_BEFORE = re.compile(r"(?:rated|rating(?:\s+of)?|rated\s+at|of|only\s+rated|is|are)\s*$", re.I)
_CARRY_BEFORE = re.compile(r"(?:for|handle|handles|carry|carries|at|with|switch|switches|use|used\s+at|"
                           r"withstand|support|supports)\s*$", re.I)
_COUNT_WORDS = {"single": 1, "one": 1, "double": 2, "two": 2, "twin": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "eight": 8, "ten": 10, "twelve": 12}
_COUNT = re.compile(r"(?<![\w.])(?P<num>\d+|single|one|double|two|three|four|five|six|eight|ten|twelve)"
                    r"(?P<more>\s*(?:\+|or\s+more|or\s+higher|and\s+up|or\s+less|or\s+fewer))?[\s-]*"
                    r"(?P<noun>(?:[a-z]+\s+){0,1}[a-z]+)", re.IGNORECASE)
_APPROVAL_WORD = re.compile(r"^\W*(?:approv|certif|listed|list\b|recogni|mark|complian|conform|approval)",
                            re.IGNORECASE)
_AC_DC = re.compile(r"\b(?P<ac>ac|a\.c\.|alternating)\b|\b(?P<dc>dc|d\.c\.|direct\s+current)\b|"
                    r"\d\s*v(?P<vac>ac)\b|\d\s*v(?P<vdc>dc)\b", re.IGNORECASE)
# the features whose value is a rating (one per sheet): the first general row decides
_RATING_DIMENSIONS = ("current", "voltage", "power", "frequency")
# features whose range is what the product accepts (any value in it works)
_CAPABILITY = frozenset({"cross_section", "conductors_per_clamp", "cable_diameter", "operating_temperature",
                         "storage_temperature", "processing_temperature"})
_DEFAULTS = {"area": "cross_section", "awg": "cross_section", "kcmil": "cross_section",
             "current": "rated_current", "voltage": "rated_voltage", "temperature": "operating_temperature",
             "torque": "tightening_torque", "mass": "weight", "power": "power_loss",
             "frequency": "rated_frequency"}
_UNIT_WORDS = frozenset({"°c", "°f", "c", "f", "celsius", "fahrenheit", "degrees", "degree", "nm", "a", "v",
                         "mm2", "mm²", "awg", "amps", "amp", "volts", "volt", "mm", "inch", "kv", "ka"})


def _phrase(words: str) -> str:
    """A regular expression for a phrase (word key) as typed: any separators between its
    words, a plural ``s`` after the last, whole words only (``plug`` is not in
    ``plug-in``)."""
    parts = [re.escape(w) for w in words.split()]
    return r"(?<![\w²°])(?<!\w-)" + _SEP.join(parts) + r"(?:s|es)?(?![\w²°])(?!-\w)"


@lru_cache(maxsize=4096)
def _phrase_re(words: str) -> re.Pattern:
    return re.compile(_phrase(words), re.IGNORECASE)


class _Reader:
    """One question being read: the text with the spans already read blanked out, so that
    "35 mm DIN rail" is no length and "UL94 V-0" no UL approval."""

    def __init__(self, question: str):
        self.original = question
        self.text = question

    def take(self, words: str) -> re.Match | None:
        """Find a phrase (word key) not yet read; blank it out and return the match."""
        if not words:
            return None
        match = _phrase_re(words).search(self.text)
        if match:
            self.blank(match.start(), match.end())
        return match

    def find(self, words: str) -> re.Match | None:
        """Find a phrase (word key) not yet read, without taking it."""
        return _phrase_re(words).search(self.text) if words else None

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def parse_conditions(question: str, vendors: Iterable[str] = ()) -> list[Condition]:
    """The conditions a question asks of products, in a fixed order (kind, vendor, text
    values, IP codes, approvals, values, counts); ``vendors`` are further vendor names to
    recognise (the corpus's own, besides the vocabulary's). An empty list when it asks
    nothing a product's sheet could decide ("what is the strip length?")."""
    return read_question(question, vendors)[0]


def read_question(question: str, vendors: Iterable[str] = ()) -> tuple[list[Condition], str]:
    """:func:`parse_conditions` and the question's text that no condition read (spaces in
    place of what was read): ``"pheonix M12 connector rated voltage"`` leaves ``rated
    voltage``, a feature asked for, not a condition."""
    fv = filter_vocabulary()
    reader = _Reader(question)
    out: list[Condition] = []
    # conductor words first: "crimp sleeve" is a ferrule, not crimp contacts
    conductor_phrases = sorted({w for ws in vocabulary().conductor_words.values() for w in ws}
                               | {w for ws in vocabulary().conductor_negated.values() for w in ws},
                               key=lambda w: -len(w))
    for phrase in conductor_phrases:
        while reader.take(phrase):
            pass
    out += _terms(reader, fv)
    out += _ip_codes(reader)
    out += _coding(reader)
    out += _colors(reader, fv)
    kinds = _kinds(reader, fv)
    vendor = _vendor(reader, vendors)
    values = _values(reader, question)
    approvals, standard = _approvals(reader, values)
    values = [_with_standard(c, standard, question) for c in values]
    reader.text = _STANDARD_NUMBER.sub(lambda m: " " * len(m.group(0)), reader.text)
    counts = _counts(reader)
    printed = _printed_in(reader, question)
    return kinds + vendor + out + approvals + values + counts + printed, reader.text


_PRINTED_IN = re.compile(r"\b(?:in|as)\s+(?P<unit>lb[\s.\-]*in|lbf[\s.\-]*in|in[\s.\-]*lbs?|inch(?:es)?|awg|°\s*[cf]|"
                         r"fahrenheit|celsius|n\s*[·.\-]?\s*m|nm|mm²|mm2|mm|kv|volts?)\b", re.IGNORECASE)


def _printed_in(reader: _Reader, question: str) -> list[Condition]:
    """``which products give the torque in lb-in``: a feature printed in a unit."""
    from .matching import detect_features

    match = _PRINTED_IN.search(reader.text)
    if not match:
        return []
    printed = re.sub(r"\s+", "", match.group("unit"))
    unit = {"fahrenheit": "°F", "celsius": "°C"}.get(printed.lower()) or _unit_of(printed)
    vocab = vocabulary()
    dimension = vocab.dimension(unit) if unit else ""
    if unit == "AWG":
        dimension = "area"
    hits = [h for h in detect_features(question) if h.phrase not in _UNIT_WORDS and h.feature in vocab.features
            and vocab.features[h.feature].dimension == dimension]
    if not hits:
        return []
    reader.blank(match.start(), match.end())
    return [Condition(hits[0].feature, "has", None, unit, match.group(0).strip())]


def _terms(reader: _Reader, fv: FilterVocabulary) -> list[Condition]:
    found: list[tuple[int, Condition]] = []
    phrases = sorted(((a, t) for t in fv.terms.values() for a in t.ask), key=lambda p: -len(p[0]))
    key = f" {word_key(reader.original)} "
    for phrase, term in phrases:
        if any(f" {u} " in key for u in term.unless):
            continue
        match = reader.take(phrase)
        if match and term.id not in {c.term for _, c in found}:
            negated = bool(re.search(r"\b(?:no|not|non|without|w/o)\s*[-\s]?$", reader.original[:match.start()],
                                     re.IGNORECASE))
            found.append((match.start(), Condition(term.features[0] if term.features else "", "has",
                                                   text=match.group(0).strip(), term=term.id,
                                                   negated=negated)))
    return [c for _, c in sorted(found, key=lambda f: f[0])]


def _ip_codes(reader: _Reader) -> list[Condition]:
    out = []
    for match in list(_IP.finditer(reader.text)):
        code = f"IP{match.group('a')}{match.group('b')}{match.group('c') or ''}".upper()
        after = reader.original[match.end():]
        before = reader.original[:match.start()]
        op = ">=" if (_AFTER_GE.match(after) or re.search(r"(?:at\s+least|minimum|min\.?)\s*$", before, re.I)
                      or re.match(r"^\s*or\s+better", after, re.I)) else "has"
        reader.blank(match.start(), match.end())
        out.append(Condition("ip_rating", op, text=code))
    return out


# text features whose value is a code letter: "A-coded", "coding A", "C curve", "B characteristic"
_LETTER_FEATURES = ("coding", "tripping_characteristic")


@lru_cache(maxsize=1)
def _letter_patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for feature in _LETTER_FEATURES:
        found = vocabulary().features.get(feature)
        if found is None:
            continue
        words = sorted({w for w in found.words + found.labels if w.isalpha() or " " in w}, key=len, reverse=True)
        names = "|".join(_SEP.join(re.escape(x) for x in w.split()) for w in words)
        out.append((feature, re.compile(rf"(?<![\w-])(?P<a>[a-z])[\s-]?(?:{names})\b|\b(?:{names})\s+(?P<b>[a-z])\b",
                                        re.IGNORECASE)))
    return out


def _coding(reader: _Reader) -> list[Condition]:
    """A code letter asked of a text feature: ``A-coded``, ``coding A``, ``C curve``."""
    out = []
    for feature, pattern in _letter_patterns():
        match = pattern.search(reader.text)
        if match:
            letter = (match.group("a") or match.group("b")).upper()
            reader.blank(match.start(), match.end())
            out.append(Condition(feature, "==", text=letter))
    return out


def _colors(reader: _Reader, fv: FilterVocabulary) -> list[Condition]:
    out = []
    for group in fv.colors:
        for color in group:
            if reader.take(color):
                out.append(Condition("color", "has", text=group[0], any_of=group))
                break
    return out


_NOT_KIND_BEFORE = {"one", "each", "per", "under", "into", "every", "same", "a", "an", "single"}


def _kinds(reader: _Reader, fv: FilterVocabulary) -> list[Condition]:
    tech = {w for t in fv.terms.values() if t.features == ("connection_technology",)
            for a in t.ask for w in a.split()}
    found: list[tuple[int, str]] = []
    phrases = sorted(((a, c.name) for c in fv.kind_classes.values() for a in c.ask), key=lambda p: -len(p[0]))
    for phrase, name in phrases:
        match = reader.find(phrase)
        while match:
            generic = len(phrase.split()) == 1 and phrase in ("terminal", "terminals", "block", "blocks")
            before = word_key(reader.original[:match.start()]).split()[-1:]
            after = word_key(reader.original[match.end():]).split()[:1]
            if generic and (set(before) & (tech | _NOT_KIND_BEFORE) or set(after) & (tech | {"screw", "screws"})):
                # "screw terminals", "terminal screw": a connection, not a kind of product
                match = _phrase_re(phrase).search(reader.text, match.end())
                continue
            reader.blank(match.start(), match.end())
            if name not in {n for _, n in found}:
                found.append((match.start(), name))
            break
    names = [n for _, n in sorted(found)]
    if not names:
        return []
    return [Condition("kind", "is", text=names[0], any_of=tuple(names))]


@lru_cache(maxsize=64)
def _vendor_forms(extra: tuple[str, ...]) -> list[tuple[str, str]]:
    """(form as word key, vendor name): the vocabulary's vendors with their name forms and
    domains, the names' first words (``phoenix``), and ``extra`` names."""
    forms: list[tuple[str, str]] = []
    for name, spellings in vocabulary().vendors.items():
        for form in (name, *spellings):
            if "." not in form:
                forms.append((word_key(form), name))
    for name in extra:
        if name:
            forms.append((word_key(name), name))
    for key, name in list(forms):
        first = key.split()[0] if key else ""
        if len(first) >= 4:
            forms.append((first, name))
    return sorted(set(forms), key=lambda f: -len(f[0]))


def _vendor(reader: _Reader, vendors: Iterable[str]) -> list[Condition]:
    forms = _vendor_forms(tuple(sorted(set(vendors))))
    for form, name in forms:
        if reader.take(form):
            return [Condition("vendor", "is", text=name)]
    from rapidfuzz import fuzz

    firsts = {form: name for form, name in forms if " " not in form and len(form) >= 5}
    for word in word_key(reader.text).split():  # "pheonix"
        if len(word) >= 5 and word.isalpha():
            for form, name in firsts.items():
                if fuzz.ratio(word, form) >= 85:
                    reader.take(word)
                    return [Condition("vendor", "is", text=name)]
    return []


def _approvals(reader: _Reader, values: list[Condition]) -> tuple[list[Condition], str]:
    """Approval conditions, and the standard the question's ratings are asked under
    (``UL rating of 600 V``: UL is the rating's standard, not an approval condition)."""
    vocab = vocabulary()
    fv = filter_vocabulary()
    ratings = [c for c in values if vocab.dimension(c.unit) in _RATING_DIMENSIONS]
    marks: list[tuple[int, str, bool, bool]] = []  # (position, mark, negated, approval word after)
    for mark in sorted(vocab.approval_marks, key=lambda m: -len(m)):
        match = reader.take(word_key(mark))
        while match:
            before = reader.original[max(0, match.start() - 30):match.start()]
            negated = bool(re.search(r"\bnot\s+(?:\w+\s+){0,1}$", before, re.IGNORECASE))
            approved = bool(_APPROVAL_WORD.match(reader.original[match.end():]))
            marks.append((match.start(), mark, negated, approved))
            match = reader.take(word_key(mark))
    groups = []
    key = f" {word_key(reader.text)} "
    for group, members in vocab.approval_groups.items():
        if f" {group} " in key and re.search(r"approv|certif|mark|listed", reader.original, re.I):
            groups += list(members)
    standard = ""
    for family, (strong, _weak) in fv.standards.items():
        for w in strong:
            if reader.find(w) and w not in ("en",):
                standard = standard or family
    out: list[Condition] = []
    kept = []
    for at, mark, negated, approved in sorted(marks):
        family = _family_of(mark)
        if ratings and not approved and not negated and family in ("UL", "CSA"):
            standard = family
            continue
        kept.append((mark, negated))
    if groups or kept:
        named = [m for m, _ in kept]
        alternatives = tuple(dict.fromkeys(named + groups))
        negated = any(n for _, n in kept)
        specific = next((m for m in named if re.search(r"\d", m)), "")
        together = len(named) > 1 and re.search(r"\band\b", reader.original, re.I) and not groups \
            and "(" not in reader.original
        if together:
            for mark, neg in kept:
                out.append(Condition("approval", "has", text=mark, any_of=(mark,), negated=neg,
                                     standard=mark if re.search(r"\d", mark) else ""))
        else:
            out.append(Condition("approval", "has", text=named[0] if named else groups[0],
                                 any_of=alternatives, negated=negated, standard=specific))
    return out, standard


@lru_cache(maxsize=1024)
def _family_of(mark: str) -> str:
    """The approval family a mark belongs to (``cURus`` → ``UL``), else the mark."""
    key = word_key(mark)
    for family, forms in filter_vocabulary().families.items():
        if key in {word_key(f) for f in forms}:
            return family
    return mark


def _values(reader: _Reader, question: str) -> list[Condition]:
    """Value conditions: each number with a unit, against the feature of its dimension the
    question names (see the module docstring)."""
    from .matching import detect_features

    vocab = vocabulary()
    text = _STANDARD_NUMBER.sub(lambda m: " " * len(m.group(0)), reader.text)
    hits = detect_features(question)
    conductor = vocab.conductor_of(question)
    q = question.lower()
    push_in = True if re.search(r"push[\s-]*in|tool[\s-]*free|without\s+(?:a\s+)?tool", q) else None
    count = 0
    many = re.search(r"\b(two|2|three|3|twin|double)\s+(?:[\d.,]+\s*(?:mm²|mm2|awg)?\s+)?(?:\w+\s+)?"
                     r"(?:wires|conductors|cables|leads)\b|\b(\d)\s*[x×]\s*\d", q)
    if many:
        word = (many.group(1) or many.group(2) or "").lower()
        count = _COUNT_WORDS.get(word, int(word) if word.isdigit() else 2)
    current = ""
    ac = _AC_DC.search(question)
    if ac:
        current = "AC" if (ac.group("ac") or ac.group("vac")) else "DC"
    out = []
    for match in _VALUE.finditer(text):
        if match.group("awg"):
            value, unit = float(match.group("awg")), "AWG"
        else:
            printed = re.sub(r"\s+", "", match.group("unit"))
            unit = _unit_of(printed)
            if unit is None:
                continue
            value = float(match.group("num").replace(",", "."))
        dimension = vocab.dimension(unit)
        feature = _feature_for(dimension, hits, question)
        if not feature:
            continue  # a number becomes a condition only against a feature of its dimension
        before = question[:match.start()]
        after = question[match.end():]
        op = _op(before, after, feature)
        area = dimension in ("area", "awg", "kcmil")
        out.append(Condition(feature, op, value, unit, match.group(0).strip(),
                             conductor=conductor if area else "", push_in=push_in if area else None,
                             count=count if area else 0,
                             current=current if dimension in ("voltage", "current") else ""))
        reader.blank(match.start(), match.end())
    return out


def _unit_of(printed: str) -> str | None:
    low = printed.lower().replace("˚", "°").replace("º", "°")
    if low.startswith("deg"):
        return "°C" if low.endswith("c") else "°F"
    if low.startswith("°"):
        return "°C" if low.endswith("c") else "°F"
    if re.fullmatch(r"n[·.\-]?m", low):
        return "N·m"
    if re.fullmatch(r"(?:lbf?[.\-]*in|in[.\-]*lbs?)", low):
        return "lb·in"
    if low.startswith("sq"):
        return "mm²"
    # a bare "c" / "f" after a number is a temperature here; the rest, the vocabulary's units
    return {"c": "°C", "f": "°F"}.get(low) or vocabulary().unit(printed)


def _feature_for(dimension: str, hits, question: str) -> str:
    """The feature a value of this dimension is held against: the one the question names
    (unit words do not name one), else the dimension's default; none for a length the
    question does not name (``4 mm plugs`` checks nothing)."""
    vocab = vocabulary()
    fit_dims = {"area": ("area",), "awg": ("area",), "kcmil": ("area",)}.get(dimension, (dimension,))
    named = [h for h in hits if h.phrase not in _UNIT_WORDS and h.feature in vocab.features
             and vocab.features[h.feature].dimension in fit_dims]
    if named:
        best = max(h.words for h in named)
        choices = [h.feature for h in named if h.words == best]
        default = _DEFAULTS.get(dimension)
        return default if default in choices else choices[0]
    return _DEFAULTS.get(dimension, "")


def _op(before: str, after: str, feature: str) -> str:
    if _AFTER_GE.match(after):
        return ">="
    if _AFTER_LE.match(after):
        return "<="
    tail = before[-30:]
    for pattern, op in _BEFORE:
        if pattern.search(tail):
            return op
    if _is_rating(feature) or vocabulary().features.get(feature, None) and \
            vocabulary().features[feature].dimension == "count":
        return "fits" if _CARRY_BEFORE.search(tail) and not _RATED_BEFORE.search(tail) else "=="
    if feature in _CAPABILITY:
        return "fits"
    return "=="


def _is_rating(feature: str) -> bool:
    found = vocabulary().features.get(feature)
    return bool(found) and found.dimension in _RATING_DIMENSIONS


def _with_standard(condition: Condition, standard: str, question: str) -> Condition:
    """A rating asked under a standard: the question's (``under UL``, ``(IEC 60947-2)``)."""
    if not _is_rating(condition.feature):
        return condition
    numbered = re.search(r"\b(iec(?:/en)?|en|ul|csa)\s*(\d[\d.\-]*\d)(?!\s*(?:v|a|kv|ka|mm|°|amps?|volts?)\b)"
                         r"(?![\d.])", question, re.IGNORECASE)
    if numbered and (not standard or standard in ("IEC",) or numbered.group(1).upper() == standard):
        return replace(condition, standard=f"{numbered.group(1).upper()} {numbered.group(2)}")
    return replace(condition, standard=standard) if standard else condition


def _counts(reader: _Reader) -> list[Condition]:
    """Counts: ``5 or more contacts``, ``single pole``, ``2 connections``, ``at least 500
    mating cycles``: a number and a word naming a count feature."""
    from .matching import detect_features

    vocab = vocabulary()
    out = []
    for match in _COUNT.finditer(reader.text):
        noun = match.group("noun")
        hits = [h for h in detect_features(noun) if vocab.features[h.feature].dimension in ("count", "any")]
        if not hits:
            continue
        word = match.group("num").lower()
        value = float(_COUNT_WORDS.get(word, 0) or (int(word) if word.isdigit() else 0))
        if not value:
            continue
        more = (match.group("more") or "").lower()
        before = reader.original[:match.start()]
        op = ">=" if re.search(r"\+|more|higher|up", more) else "<=" if re.search(r"less|fewer", more) else "=="
        if op == "==":
            for pattern, found_op in _BEFORE:
                if pattern.search(before[-30:]):
                    op = found_op
                    break
        feature = hits[0].feature
        out.append(Condition(feature, op, value, "", match.group(0).strip()))
        reader.blank(match.start(), match.end())
    return out


# ---------------------------------------------------------------- reading a product's rows


@dataclass(frozen=True)
class Reading:
    """One value a sheet states, ready to compare: from a row's quantity (or one of several
    quantities in its value, ``300 V 20 A AWG 26 … 12``), min / max sub-rows joined into one
    range. ``bound``: ``range``, ``max``, ``min`` or ``value`` (one unmarked number);
    ``standards`` the standards it is given under (``UL``, ``CSA``, ``IEC``, ``Ex``; empty =
    general), ``named`` the text that names them; ``count`` conductors per clamping point;
    ``rows`` the rows that state it."""

    feature: str
    quantity: Quantity
    alternate: Quantity | None
    bound: str
    standards: frozenset[str]
    named: str
    rows: tuple[SpecRow, ...]
    conductor: str = ""
    push_in: bool = False
    count: int = 0
    discrete: bool = False
    other_part: frozenset[str] = frozenset()


def readings(rows: Sequence[SpecRow]) -> list[Reading]:
    """Every value the rows state, as :class:`Reading` records, in sheet order (see there).
    A conductor count list printed without a unit (``1x (0,5 ... 2,5), 2x (0,5 ... 1,5)``)
    is in the unit of the sheet's own cross-sections."""
    area = next((r.quantity.unit for r in rows if r.feature == "cross_section" and r.quantity
                 and r.quantity.unit == "mm²"), "")
    out: list[Reading] = []
    for group in _join_min_max(rows):
        # a catalogue's families print the same rows: read each distinct one once
        key = tuple(row_content(r) for r in group) + (area,)
        templates = _TEMPLATES.get(key)
        if templates is None:
            if len(_TEMPLATES) > 200_000:
                _TEMPLATES.clear()
            templates = _TEMPLATES[key] = [
                (r.feature, r.quantity, r.alternate, r.bound, r.standards, r.named, r.conductor, r.push_in,
                 r.count, r.discrete, r.other_part) for r in _row_readings(group, area)]
        out += [Reading(f, q, a, b, s, n, group, c, p, k, d, o) for f, q, a, b, s, n, c, p, k, d, o in templates]
    return out


_TEMPLATES: dict[tuple, list[tuple]] = {}


def row_content(row: SpecRow) -> tuple:
    """What a row states, without where (item, source, lines): the key under which its
    readings are computed once."""
    return (row.section, row.attribute, row.qualifier, row.standard, row.value, row.quantity, row.alternate,
            row.feature, row.conductor)


_SIDE = re.compile(r"[,\s]*\b(min|max)(?:imum|\.)?\s*[.,]?\s*$", re.IGNORECASE)


def _side(row: SpecRow) -> str:
    m = _SIDE.search(row.qualifier) if row.qualifier else _SIDE.search(row.attribute)
    return m.group(1).lower() if m else ""


def _join_min_max(rows: Sequence[SpecRow]) -> list[tuple[SpecRow, ...]]:
    """Rows in order, the ``… min`` / ``… max`` sub-rows of one attribute as one group."""
    out: list[tuple[SpecRow, ...]] = []
    pending: dict[tuple, int] = {}
    for row in rows:
        side = _side(row)
        if not side or row.quantity is None or row.quantity.is_range:
            out.append((row,))
            continue
        key = (row.feature, row.attribute, _SIDE.sub("", row.qualifier), row.section, row.conductor)
        other = pending.pop(key, None)
        if other is not None and _side(out[other][0]) != side and len(out[other]) == 1 and \
                out[other][0].quantity.unit == row.quantity.unit:
            first = out[other][0]
            out[other] = (first, row) if side == "max" else (row, first)
            continue
        pending[key] = len(out)
        out.append((row,))
    return out


def _standards_of(texts: Iterable[str]) -> tuple[frozenset[str], str]:
    """The standards a row's texts name (strong words; a weak word only without them)."""
    key = f" {word_key(' '.join(texts))} "
    found, weak = set(), set()
    for family, (strong, weak_words) in filter_vocabulary().standards.items():
        if any(f" {w} " in key for w in strong):
            found.add(family)
        elif any(f" {w} " in key for w in weak_words):
            weak.add(family)
    return frozenset(found or weak), key.strip()


def _is_mark_row(row: SpecRow) -> bool:
    """A row whose label is an approval mark (``UL (File E77054) | 300 V 20 A``, ``cULus |
    600 V, 20 A``): its quantities are ratings under that mark."""
    return word_key(row.attribute) in _mark_keys()


@lru_cache(maxsize=1)
def _mark_keys() -> frozenset[str]:
    return frozenset(word_key(m) for m in vocabulary().approval_marks) - {""}


def _row_readings(group: tuple[SpecRow, ...], area: str = "") -> list[Reading]:
    row = group[0]
    vocab = vocabulary()
    label = f"{row.attribute} {row.qualifier}"
    mark = _is_mark_row(row)
    texts = [row.standard, row.qualifier, row.section] + ([row.attribute] if mark or _names_standard(row.attribute)
                                                         else [])
    standards, named = _standards_of(texts)
    push_in = bool(re.search(r"push[\s-]*in", label, re.IGNORECASE))
    other = _other_part(row)
    if len(group) == 2:  # min / max sub-rows
        low, high = group[0].quantity, group[1].quantity
        quantity = Quantity(low.low, high.high, low.unit, "", max(low.tolerance, high.tolerance), 0, low.current)
        alt = None
        if group[0].alternate and group[1].alternate and group[0].alternate.unit == group[1].alternate.unit:
            alt = Quantity(group[0].alternate.low, group[1].alternate.high, group[0].alternate.unit)
        return [Reading(row.feature, quantity, alt, "range", standards, named, group, row.conductor, push_in,
                        0, False, other)]
    if row.quantity is None and not mark:
        return []
    quantities = _quantities(row)
    out = []
    rating_row = mark or (row.feature in vocab.features and vocab.features[row.feature].dimension in
                          _RATING_DIMENSIONS) or row.feature in ("", "approvals")
    sheet_unit = (row.quantity.unit if row.quantity else "") or area
    for quantity, alt, note in quantities:
        unit = quantity.unit or (sheet_unit if row.feature in ("conductors_per_clamp", "cross_section") else "")
        quantity = replace(quantity, unit=unit) if unit != quantity.unit else quantity
        dimension = vocab.dimension(quantity.unit) or ("awg" if quantity.unit == "AWG" else "")
        feature = row.feature
        own = vocab.features.get(feature)
        if dimension and own is not None and not vocab._fits(feature, "area" if dimension == "awg" else dimension):
            if not rating_row:
                continue
            feature = _DEFAULTS.get(dimension, "")
        elif not feature or feature == "approvals":
            if not mark:
                continue
            feature = _DEFAULTS.get(dimension, "")
        if not feature:
            continue
        std, std_named = (standards, named)
        if note:
            noted, noted_named = _standards_of([note])
            if noted:
                std, std_named = noted, noted_named
        count = quantity.count or (2 if re.search(r"\b(?:two|2|twin)\b", word_key(label)) and
                                   feature in ("conductors_per_clamp",) else 0)
        out.append(Reading(feature, quantity, alt, _bound(row, quantity), std, std_named, (row,), row.conductor,
                           push_in, count, bool(re.match(r"\s*\d+(?:\.\d+)?\s*/\s*\d", row.value)), other))
    return out


def _names_standard(attribute: str) -> bool:
    """An attribute that says its standard (``UL rated voltage``)."""
    standards, _ = _standards_of([attribute])
    return bool(standards - {"IEC"})


def _quantities(row: SpecRow) -> list[tuple[Quantity, Quantity | None, str]]:
    """(quantity, alternate, note) of each value a row states: one, or each of a list
    (``1x6 / 2x4 mm²``, ``300 V 20 A``), with the note printed beside it (``600VAC (UL) /
    400V (IEC)`` → notes ``UL``, ``IEC``)."""
    value = row.value
    many = parse_all(value)
    if len(many) <= 1 or (row.quantity and row.alternate and len(many) == 2):
        return [(row.quantity, row.alternate, "")] if row.quantity else [(q, None, "") for q in many]
    segments = [s for s in re.split(r"\s+/\s+|;\s*", value) if s.strip()]
    if len(segments) >= 2 and all(len(parse_all(s)) == 1 for s in segments):
        out = []
        for segment in segments:
            quantity, alternate = parse_value(segment)
            note = " ".join(re.findall(r"\(([^()]*)\)", segment))
            if quantity is not None:
                out.append((quantity, alternate, note))
        if out:
            return out
    return [(q, None, "") for q in many]


def _bound(row: SpecRow, quantity: Quantity) -> str:
    if quantity.is_range:
        return "range"
    if quantity.marker in ("max.", "≤", "<") or _side(row) == "max" or \
            re.search(r"\b(?:max|maximum|up\s+to)\b", f"{row.attribute} {row.qualifier}", re.IGNORECASE):
        return "max"
    if quantity.marker in ("min.", "≥", ">") or _side(row) == "min" or \
            re.search(r"\b(?:min|minimum|from)\b[.,]?\s*$", f"{row.attribute} {row.qualifier}", re.IGNORECASE):
        return "min"
    return "value"


def _other_part(row: SpecRow) -> frozenset[str]:
    """Words of a row's label naming another part of the product (``Tightening torque,
    mounting nut``): the vocabulary's ``[parts]``, and a long label of prose (``a.)
    plugging different numbers of poles …``) marks itself."""
    if row.feature in ("cross_section", "conductors_per_clamp", "nominal_cross_section"):
        return frozenset()
    key = word_key(f"{row.attribute} {row.qualifier}").split()
    parts = filter_vocabulary().parts
    own = set()
    feature = vocabulary().features.get(row.feature)
    if feature is not None:
        own = {w for phrase in feature.labels + feature.words for w in phrase.split()}
    found = {w for w in key if w in parts and w not in own}
    prose = [w for w in key if w.isalpha() and len(w) > 3 and w not in own]
    if len(prose) >= 4:
        found |= set(prose)
    return frozenset(found)


# ---------------------------------------------------------------- evaluating


NEEDS_TEXT = "needs the sheet's text"


class Sheet:
    """One product's statements for evaluating conditions: its rows (read into
    :class:`Reading` records once), approval records, and its kept lines, read only when a
    condition needs the text (``lines`` a sequence, or a callable giving one). With
    ``lines=None`` the text is not read yet: a condition only the text can decide then
    gives ``Outcome(None, note=NEEDS_TEXT)``, and :meth:`set_lines` supplies it later."""

    def __init__(self, product: Product, rows: Sequence[SpecRow], approvals: Sequence[Approval] = (),
                 lines: Sequence[Line] | Callable[[], Sequence[Line]] | None = ()):
        self.product = product
        self.rows = list(rows)
        self.approvals = list(approvals)
        self._lines = lines
        self._readings: list[Reading] | None = None

    @property
    def text_pending(self) -> bool:
        """Whether the sheet's text has not been read yet."""
        return self._lines is None

    def set_lines(self, lines: Sequence[Line]) -> None:
        """Supply the sheet's lines (all of them, or those that can decide)."""
        self._lines = list(lines)

    @property
    def readings(self) -> list[Reading]:
        if self._readings is None:
            self._readings = readings(self.rows)
        return self._readings

    @property
    def lines(self) -> Sequence[Line]:
        """The kept lines given (read now when given as a callable; none when pending)."""
        if self._lines is None:
            return ()
        if callable(self._lines):
            self._lines = list(self._lines())
        return self._lines


def evaluate(condition: Condition, product: Product, rows: Sequence[SpecRow],
             approvals: Sequence[Approval] = (),
             lines: Sequence[Line] | Callable[[], Sequence[Line]] = (), question: str = "") -> Outcome:
    """Whether one product satisfies one condition, from its own sheet.

    ``rows`` are the product's spec rows (all of them, or at least those of the
    condition's features), ``approvals`` its approval records, ``lines`` its kept lines (or
    a callable returning them: read only when the rows do not decide a text condition);
    ``question`` the question as typed (a row about another part, ``mounting nut``, counts
    only when the question names that part). Returns ``Outcome(None)`` when the sheet does
    not say. Never raises for well-formed records.
    """
    return evaluate_sheet(condition, Sheet(product, rows, approvals, lines), question)


def evaluate_sheet(condition: Condition, sheet: Sheet, question: str = "") -> Outcome:
    """:func:`evaluate` on a :class:`Sheet` (its readings are computed once for all the
    conditions of a question)."""
    if condition.feature == "kind":
        return _kind(condition, sheet)
    if condition.feature == "vendor":
        return _vendor_outcome(condition, sheet)
    if condition.feature == "approval":
        return _approval(condition, sheet)
    if condition.term:
        outcome = _term(condition, sheet)
        return _negate(outcome) if condition.negated else outcome
    if condition.feature == "ip_rating":
        return _ip(condition, sheet)
    if condition.feature in _LETTER_FEATURES and condition.value is None:
        return _coding_outcome(condition, sheet)
    if condition.feature == "color":
        return _color(condition, sheet)
    if condition.value is not None:
        return _numeric(condition, sheet, question)
    if condition.unit:
        return _printed(condition, sheet, question)
    return Outcome(None)


def _printed(condition: Condition, sheet: Sheet, question: str) -> Outcome:
    """Whether the sheet prints the feature in the asked unit (``torque in lb-in``)."""
    asked = set(word_key(question).split())
    pool = [r for r in sheet.readings if r.feature == condition.feature and not (r.other_part - asked)]
    if not pool:
        return Outcome(None, note=f"no {_feature_name(condition.feature)}")
    good = [r for r in pool if condition.unit in (r.quantity.unit, r.alternate.unit if r.alternate else "")]
    if good:
        return Outcome(True, _rows_of([(r,) for r in good]))
    return Outcome(False, _rows_of([(r,) for r in pool]))


def _negate(outcome: Outcome) -> Outcome:
    if outcome.verdict is None:
        return outcome
    return replace(outcome, verdict=not outcome.verdict)


# ---- kind and vendor


def _kind(condition: Condition, sheet: Sheet) -> Outcome:
    fv = filter_vocabulary()
    wanted = [fv.kind_classes[n] for n in (condition.any_of or (condition.text,)) if n in fv.kind_classes]
    product = sheet.product
    if not wanted:
        return Outcome(None)
    if any(product.kind in c.kinds for c in wanted):
        return Outcome(True, note=product.kind)
    decisive = [c for c in fv.kind_classes.values() if product.kind in c.kinds]
    # a product of another kind class is not of this one, unless this one is a sort of
    # that one ("circular connector" ⊂ "connector") and its text says so
    if decisive and not any(c.kinds <= d.kinds for c in wanted for d in decisive):
        return Outcome(False, note=product.kind)
    if sheet.text_pending:
        return Outcome(None, note=NEEDS_TEXT)
    description = [product.title] + [l.text for l in _description(sheet)]
    for c in wanted:
        for phrase in c.words:
            for text in description:
                have = {_singular(w) for w in word_key(text).split()}
                if phrase and all(_singular(w) in have for w in phrase):
                    lines = [l for l in _description(sheet) if l.text == text][:1]
                    return Outcome(True, lines=tuple(lines), note=c.name)
    return Outcome(False, note=product.kind)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _description(sheet: Sheet, size: int = 25) -> list[Line]:
    """The sheet's first kept lines: its title, description and identity lines."""
    return [l for l in sheet.lines if l.text][:size]


def _vendor_outcome(condition: Condition, sheet: Sheet) -> Outcome:
    vendor = sheet.product.vendor
    if not vendor:
        return Outcome(None, note="no vendor printed")
    if word_key(vendor) != word_key(condition.text):
        return Outcome(False, note=vendor)
    return Outcome(True, note=vendor)


# ---- approvals


def _mentions(text: str, mark: str) -> bool:
    return f" {_key(mark)} " in f" {_key(text)} "


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    """:func:`word_key`, kept: a catalogue's sheets repeat their texts."""
    return word_key(text)


_NEGATED_APPROVAL = re.compile(r"\bnot\s+(?:\w+\s+){0,2}(?:approved|certified|listed|recogni[sz]ed)\b",
                               re.IGNORECASE)
_APPROVAL_TEXT = re.compile(r"approv|certif|listed|recogni|complian|conform|\bmark", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _forms(marks: tuple[str, ...]) -> tuple[str, ...]:
    """Every printed form of the asked marks (a family's members: ``UL`` → cULus, cURus …)."""
    fv = filter_vocabulary()
    out: list[str] = []
    for mark in marks:
        family = _family_of(mark)
        if re.search(r"\d", mark):  # a specific standard: only itself ("UL 489")
            out.append(mark)
        elif family in fv.families and word_key(mark) == word_key(family):
            out += list(fv.families[family])
        else:
            out.append(mark)
    return tuple(dict.fromkeys(out))


def _approval(condition: Condition, sheet: Sheet) -> Outcome:
    marks = condition.any_of or (condition.text,)
    forms = _forms(marks)
    found = _approval_evidence(sheet, forms)  # records and rows first: the text only without
    if found.verdict and not condition.negated:
        return found
    if sheet.text_pending:
        return Outcome(None, note=NEEDS_TEXT)
    denial = _denial(sheet, forms)
    if condition.negated:
        if denial:
            return Outcome(True, lines=denial)
        if found.verdict:
            return Outcome(False, found.rows, found.approvals, found.lines)
        return Outcome(None)
    if denial:
        return Outcome(False, lines=denial)
    return found


def _denial(sheet: Sheet, forms: tuple[str, ...]) -> tuple[Line, ...]:
    for line in sheet.lines:
        if line.text and _NEGATED_APPROVAL.search(line.text) and any(_mentions(line.text, f) for f in forms):
            return (line,)
    return ()


def _approval_evidence(sheet: Sheet, forms: tuple[str, ...]) -> Outcome:
    """Where the sheet states one of the marks: an approval record, an approvals row, a row
    headed by the mark, a rating given under it, or a short line of text saying so."""
    records = [a for a in sheet.approvals if any(_mentions(f"{a.approval} {a.issuer}", f) for f in forms)]
    if records:
        return Outcome(True, approvals=tuple(records[:2]))
    said = []
    for row in sheet.rows:
        if row.feature == "approvals" or _is_mark_row(row):
            if any(_mentions(f"{row.attribute} {row.qualifier} {row.value}", f) for f in forms) and \
                    not _NEGATED_APPROVAL.search(row.value):
                said.append(row)
    if said:
        return Outcome(True, tuple(said[:2]))
    rated = [r for r in sheet.rows if r.quantity is not None and r.feature and r.feature != "approvals"
             and any(_mentions(f"{r.attribute} {r.qualifier} {r.standard} {r.section}", f) for f in forms)]
    if rated:
        return Outcome(True, tuple(rated[:1]))
    for line in sheet.lines:
        text = line.text
        if text and len(text.split()) <= 14 and not _NEGATED_APPROVAL.search(text) and \
                any(_mentions(text, f) for f in forms) and _APPROVAL_TEXT.search(text):
            return Outcome(True, lines=(line,))
    return Outcome(None, note="its approvals do not name it")


# ---- text values


def _says(text: str, phrases: Iterable[str]) -> bool:
    key = f" {word_key(text)} "
    flat = key.replace(" ", "")
    for phrase in phrases:
        if f" {phrase} " in key or (len(phrase) > 3 and " " in phrase and phrase.replace(" ", "") in flat):
            return True
    return False


def _term(condition: Condition, sheet: Sheet) -> Outcome:
    term = filter_vocabulary().terms.get(condition.term)
    if term is None:
        return Outcome(None)
    rows = [r for r in sheet.rows if r.feature in term.features]
    yes = [r for r in rows if _says(f"{r.value}", term.says) or
           (r.feature == "shielded" and word_key(r.value) in ("yes", "y", "true"))]
    if yes:
        return Outcome(True, tuple(yes[:2]))
    if rows and not term.absent_unknown:
        return Outcome(False, tuple(rows[:2]))
    if sheet.text_pending and term.text:
        return Outcome(None, note=NEEDS_TEXT)
    for line in sheet.lines:
        if not line.text or not _says(line.text, term.text):
            continue
        if term.subject and not _says(line.text, term.subject):
            continue
        return Outcome(True, lines=(line,))
    if rows:
        return Outcome(None, tuple(rows[:1]), note="its rows do not say")
    return Outcome(None, note=f"no {_feature_name(term.features[0]) if term.features else 'statement'}")


def _codes_in(text: str) -> list[tuple[str, str]]:
    return [(m.group("a").upper(), m.group("b").upper()) for m in _IP.finditer(text.replace("IP IP", "IP"))]


def _ip(condition: Condition, sheet: Sheet) -> Outcome:
    asked = condition.text.upper()
    a, b = asked[2], asked[3]
    rows = [r for r in sheet.rows if r.feature == "ip_rating" and _codes_in(r.value)]
    if not rows:
        return Outcome(None, note="no IP rating")

    def ok(code: tuple[str, str]) -> bool:
        if condition.op == ">=":
            digit = lambda c: int(c) if c.isdigit() else 0  # noqa: E731 — "X": not tested
            return digit(code[0]) >= digit(a) and digit(code[1]) >= digit(b)
        return code == (a, b)

    good = [r for r in rows if any(ok(c) for c in _codes_in(r.value))]
    if good:
        return Outcome(True, tuple(good[:1]))
    return Outcome(False, tuple(rows[:1]))


def _coding_outcome(condition: Condition, sheet: Sheet) -> Outcome:
    """A code letter (``coding A``, ``tripping characteristic C``): the row's value starts
    with it; else a line of text saying it (``female (socket), coding A``)."""
    rows = [r for r in sheet.rows if r.feature == condition.feature and r.quantity is None]
    letter = condition.text.lower()
    good = [r for r in rows if word_key(r.value).split()[:1] == [letter]]
    if good:
        return Outcome(True, tuple(good[:1]))
    if sheet.text_pending:
        return Outcome(None, note=NEEDS_TEXT)
    pattern = dict(_letter_patterns()).get(condition.feature)
    for line in sheet.lines:
        found = pattern.search(line.text) if pattern and line.text else None
        if found and (found.group("a") or found.group("b")).lower() == letter:
            return Outcome(True, lines=(line,))
    if rows:
        return Outcome(False, tuple(rows[:1]))
    return Outcome(None, note=f"no {_feature_name(condition.feature)}")


def _color(condition: Condition, sheet: Sheet) -> Outcome:
    names = condition.any_of or (condition.text,)
    rows = [r for r in sheet.rows if r.feature == "color"]
    good = [r for r in rows if _says(r.value, names)]
    if good:
        return Outcome(True, tuple(good[:1]))
    if rows:
        return Outcome(False, tuple(rows[:1]))
    if sheet.text_pending:
        return Outcome(None, note=NEEDS_TEXT)
    identifiers = [word_key(i) for i in (sheet.product.item, *sheet.product.identifiers) if i]
    for line in sheet.lines:
        if line.text and _says(line.text, names) and (
                _says(line.text, ("housing", "color", "colour", "body", "insulating")) or
                any(i and i in word_key(line.text) for i in identifiers)):
            return Outcome(True, lines=(line,))
    return Outcome(None, note="no colour")


# ---- values


@lru_cache(maxsize=4096)
def convert(value: float, unit: str, to: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to`` (itself when the units agree; AWG → mm² by
    the standard gauge table, ASTM B258; else pint as :func:`.fit.convert`). None when the
    units are not of one dimension or unknown."""
    from .fit import convert as pint_convert

    if unit == to:
        return value
    if unit == "AWG" and to == "mm²":
        return awg_to_mm2(value)
    return pint_convert(value, unit, to)


def _in_unit(reading: Reading, value: float, unit: str) -> tuple[float, float, float, str, bool] | None:
    """(low, high, asked value, unit, converted) on one scale: the sheet's own pair when
    it prints the asked unit, else the reading's unit (pint), else mm² for AWG (gauge
    table, ``converted``)."""
    for q in (reading.quantity, reading.alternate):
        if q is not None and q.unit == unit:
            if unit == "AWG":  # compare gauges as cross-sections (a larger gauge is thinner)
                return awg_to_mm2(q.low), awg_to_mm2(q.high), awg_to_mm2(value), "mm²", False
            return q.low, q.high, value, unit, False
    q = reading.quantity
    if unit in ("AWG", "mm²", "kcmil") or q.unit in ("AWG", "kcmil"):
        if q.unit not in ("AWG", "mm²") or unit not in ("AWG", "mm²"):
            return None
        low, high = (awg_to_mm2(q.low), awg_to_mm2(q.high)) if q.unit == "AWG" else (q.low, q.high)
        asked = awg_to_mm2(value) if unit == "AWG" else value
        return low, high, asked, "mm²", True
    asked = convert(value, unit, q.unit)
    if asked is None:
        return None
    return q.low, q.high, asked, q.unit, False


def _compare(condition: Condition, reading: Reading) -> tuple[bool | None, bool, float | None]:
    """(verdict, converted, the reading's deciding number in its unit) for one reading."""
    scaled = _in_unit(reading, condition.value, condition.unit)
    if scaled is None:
        return None, False, None
    low, high, x, _unit, converted = scaled
    low, high = min(low, high), max(low, high)
    q = reading.quantity
    tol = q.tolerance or 0.0
    eps = 1e-9 + (0.03 * abs(x) if converted else 1e-6 * max(abs(x), 1.0))
    bound, op = reading.bound, condition.op
    rating = _is_rating(reading.feature) or (vocabulary().features.get(reading.feature) is not None and
                                             vocabulary().features[reading.feature].dimension == "count")
    if op == "fits" and bound == "value" and (rating or reading.feature not in _CAPABILITY):
        op = ">=" if rating else "=="
    if reading.discrete and op in ("==", "fits"):
        return (abs(x - low) <= eps or abs(x - high) <= eps), converted, high
    if bound == "range" or (bound == "value" and not rating):
        if op in ("fits", "=="):
            return low - tol - eps <= x <= high + tol + eps, converted, high
        if op == ">=":
            return high + tol >= x - eps, converted, high
        if op == ">":
            return high + tol > x + eps, converted, high
        if op == "<=":
            return low - tol <= x + eps, converted, low
        if op == "<":
            return low - tol < x - eps, converted, low
    if bound == "value":  # a single rating
        v = high
        if op == "==":
            return abs(v - x) <= eps + tol, converted, v
        if op in (">=", "fits"):
            return v + tol >= x - eps, converted, v
        if op == ">":
            return v > x + eps, converted, v
        if op == "<=":
            return v - tol <= x + eps, converted, v
        if op == "<":
            return v < x - eps, converted, v
    if bound == "max":
        v = high
        if op == "fits":
            return x <= v + eps, converted, v
        if op == "==":
            return (abs(v - x) <= eps) if rating or reading.feature not in _CAPABILITY else (x <= v + eps), converted, v
        if op == ">=":
            return v >= x - eps, converted, v
        if op == ">":
            return v > x + eps, converted, v
        if op == "<=":  # the top is known, the bottom is not: only a top below x decides
            return (True if v <= x + eps else None), converted, v
        if op == "<":
            return (True if v < x - eps else None), converted, v
    if bound == "min":
        v = low
        if op in ("fits", "=="):
            if rating or reading.feature not in _CAPABILITY:
                return (v <= x + eps) if op == "fits" else abs(v - x) <= eps, converted, v
            return (False if x < v - eps else None), converted, v
        if op in (">=", ">"):
            return (True if v >= x - eps and (op == ">=" or v > x + eps) else None), converted, v
        if op == "<=":
            return v <= x + eps, converted, v
        if op == "<":
            return v < x - eps, converted, v
    return None, converted, None


def _features(condition: Condition, sheet: Sheet) -> tuple[str, ...]:
    """The features a condition reads: its own; a stand-in when the sheet has none of it
    (``number of contacts`` ← ``number of poles``)."""
    own = (condition.feature,)
    if condition.feature == "cross_section" and condition.count > 1:
        own = ("cross_section", "conductors_per_clamp")
    if any(r.feature in own for r in sheet.readings):
        return own
    return own + filter_vocabulary().stand_ins.get(condition.feature, ())


def _numeric(condition: Condition, sheet: Sheet, question: str) -> Outcome:
    features = _features(condition, sheet)
    pool = [r for r in sheet.readings if r.feature in features]
    if not pool:
        return Outcome(None, note=f"no {_feature_name(condition.feature)}")
    asked_words = set(word_key(question).split())
    pool = [r for r in pool if not (r.other_part - asked_words)]
    if not pool:
        return Outcome(None, note=f"no {_feature_name(condition.feature)} of this part")
    pool = _by_standard(condition, pool)
    if not pool:
        return Outcome(None, note=f"no {_feature_name(condition.feature)} under {condition.standard}")
    if condition.current:
        same = [r for r in pool if r.quantity.current == condition.current or
                (condition.current == "AC" and not r.quantity.current)]
        if not same:
            return Outcome(None, note=f"no {condition.current} rating")
        pool = same
    if condition.feature in ("cross_section",) or vocabulary().dimension(condition.unit) in ("area",) \
            or condition.unit == "AWG":
        return _conductor(condition, pool)
    if _is_rating(condition.feature):
        # one rating per sheet: the first general one (a second, "Rated current (2) 32 A",
        # is a special case the sheet qualifies)
        pool = pool[:1] if condition.op != "==" else pool
    return _decide(condition, pool)


def _by_standard(condition: Condition, pool: list[Reading]) -> list[Reading]:
    """The readings given under the asked standard; without one, the general readings
    (IEC or none named), else all."""
    asked = condition.standard
    if not asked:
        general = [r for r in pool if r.standards <= {"IEC"}]
        return general or pool
    family, _, number = asked.partition(" ")
    if number:
        numbered = [r for r in pool if number.lower() in r.named or number.lower().replace("-", " ") in r.named]
        return numbered
    if family == "IEC":
        return [r for r in pool if r.standards <= {"IEC"}]
    return [r for r in pool if family in r.standards]


def _decide(condition: Condition, pool: list[Reading]) -> Outcome:
    """True when a reading satisfies the condition, False when every one that can be
    compared does not, else None; a verdict that needs the gauge table is marked."""
    results = [(r, *_compare(condition, r)) for r in pool]
    true = [x for x in results if x[1] is True and not x[2]]
    if true:
        return Outcome(True, _rows_of(true), value=true[0][3])
    converted_true = [x for x in results if x[1] is True]
    false = [x for x in results if x[1] is False and not x[2]]
    if converted_true:
        return Outcome(None, _rows_of(converted_true), value=converted_true[0][3], converted=True,
                       note="only by the AWG gauge table: the sheet prints no AWG")
    if false:
        return Outcome(False, _rows_of(false), value=false[0][3])
    if any(x[1] is False for x in results):
        return Outcome(None, _rows_of([x for x in results if x[1] is False]), converted=True,
                       note="only by the AWG gauge table: the sheet prints no AWG")
    return Outcome(None, note=f"no {_feature_name(condition.feature)} to compare")


def _rows_of(results) -> tuple[SpecRow, ...]:
    out: list[SpecRow] = []
    for reading, *_ in results[:2]:
        out += [r for r in reading.rows if r not in out]
    return tuple(out)


_SAME_CLASS = {  # asked class → the row classes that state it
    "solid": ("solid",), "stranded": ("stranded",), "fine_stranded": ("fine_stranded",),
    "ferrule": ("ferrule", "ferrule_collar", "ferrule_no_collar"),
    "ferrule_collar": ("ferrule_collar",), "ferrule_no_collar": ("ferrule_no_collar",),
}


def _classes(reading: Reading) -> set[str]:
    """The conductor classes a reading's row names (``rigid (solid and stranded)`` both)."""
    out = {reading.conductor} if reading.conductor else set()
    label = word_key(" ".join(f"{r.attribute} {r.qualifier}" for r in reading.rows))
    vocab = vocabulary()
    fine = vocab.conductor_words.get("fine_stranded", ())
    stripped = f" {label} "
    for w in sorted(fine, key=len, reverse=True):
        stripped = stripped.replace(f" {w} ", " ")
    if reading.conductor == "solid" and any(f" {w} " in stripped for w in vocab.conductor_words.get("stranded", ())):
        out.add("stranded")
    return out


def _conductor(condition: Condition, pool: list[Reading]) -> Outcome:
    """A conductor size against the sheet's conductor ranges: the rows of the asked class
    decide (a plain ferrule question takes any ferrule row; a collar question only rows
    that say the collar); rows naming no class can only say no; push-in rows decide a
    push-in question (a push-in minimum, ``from 1.5 mm²``, with the general maximum),
    otherwise the general rows; conductors per clamping point by the count asked."""
    asked_count = condition.count if condition.count > 1 else 0
    if asked_count:
        pool = [r for r in pool if r.count == asked_count]
        if not pool:
            return Outcome(None, note=f"no size for {asked_count} conductors per clamping point")
    else:
        pool = [r for r in pool if r.count <= 1 and r.feature == "cross_section"]
    if not pool:
        return Outcome(None, note="no conductor cross-section")
    wanted = _SAME_CLASS.get(condition.conductor, ())
    if wanted:
        classed = [r for r in pool if _classes(r) & set(wanted)]
        classless = [r for r in pool if not r.conductor]
    else:
        classed, classless = pool, []
    if classed:
        general = [r for r in classed if not r.push_in]
        push = [r for r in classed if r.push_in]
        if condition.push_in and push:
            minimum = [r for r in push if r.bound == "min"]
            if minimum:
                low = _decide(replace(condition, op="fits"), minimum) if condition.op in ("fits", "==") else None
                if low is not None and low.verdict is False:
                    return low
                deciding = general or push
            else:
                deciding = push
        else:
            deciding = general or push
        outcome = _decide(condition, deciding)
        if outcome.verdict is not None or outcome.converted:
            return outcome
    if classless:
        outcome = _decide(condition, classless)
        if outcome.verdict is False:
            return replace(outcome, note="outside the sheet's size range for any conductor")
        if outcome.converted:
            return outcome
    return Outcome(None, note=f"no {_CLASS_WORDS.get(condition.conductor, 'conductor')} size")


# ---------------------------------------------------------------- what a condition reads


def needed_features(conditions: Sequence[Condition]) -> tuple[frozenset[str], bool, bool]:
    """(features whose rows the conditions read, whether approval records are needed,
    whether rows headed by an approval mark are needed): what a catalogue query must
    fetch so that :func:`evaluate` sees every row that can decide."""
    fv = filter_vocabulary()
    features: set[str] = set()
    records = marks = False
    for c in conditions:
        if c.feature in ("kind", "vendor"):
            continue
        if c.feature == "approval":
            features |= {"approvals", "rated_voltage", "rated_current"}
            records = marks = True
            continue
        if c.term:
            features |= set(fv.terms[c.term].features) if c.term in fv.terms else set()
            continue
        features.add(c.feature)
        features |= set(fv.stand_ins.get(c.feature, ()))
        if c.feature == "cross_section":
            features.add("conductors_per_clamp")
            marks = True
        if _is_rating(c.feature):
            features |= {"rated_voltage", "rated_current"}
            marks = True
    return frozenset(features), records, marks


def mark_attributes() -> tuple[str, ...]:
    """Row labels that are approval marks, as printed (``UL``, ``CSA``, ``cULus``): rows
    headed by them state ratings under that mark."""
    out: list[str] = []
    for mark in vocabulary().approval_marks:
        out += [mark, mark.upper(), mark.lower(), mark.title()]
    return tuple(dict.fromkeys(out))


# ---------------------------------------------------------------- one feature of one product


def asked_standard(question: str) -> str:
    """The standard a question asks a rating under: ``"UL"`` for "UL voltage", "under UL",
    "cULus rating"; ``"CSA"``, ``"IEC"``, ``"Ex"``; ``""`` when it names none."""
    key = f" {word_key(question)} "
    for mark in sorted(vocabulary().approval_marks, key=lambda m: -len(m)):
        if f" {word_key(mark)} " in key and _family_of(mark) in ("UL", "CSA"):
            return _family_of(mark)
    for family, (strong, _weak) in filter_vocabulary().standards.items():
        if any(f" {w} " in key for w in strong if w != "en"):
            return family
    return ""


def feature_readings(rows: Sequence[SpecRow], feature: str, question: str = "", standard: str = "",
                     conductor: str = "") -> list[Reading]:
    """The readings of one feature a sheet states for a question: rows about another part
    left out (unless the question names it), the asked standard's readings (else the
    general ones), the asked conductor class's when the sheet names classes; one rating
    (the first) for a rated value. Empty when the sheet does not give the feature."""
    pool = [r for r in readings(rows) if r.feature == feature]
    asked = set(word_key(question).split())
    pool = [r for r in pool if not (r.other_part - asked)]
    pool = _by_standard(Condition(feature, "fits", standard=standard), pool)
    if conductor and any(r.conductor for r in pool):
        wanted = set(_SAME_CLASS.get(conductor, (conductor,)))
        pool = [r for r in pool if _classes(r) & wanted]
    if _is_rating(feature):
        pool = pool[:1]
    return pool


def reading_value(reading: Reading, unit: str, high: bool = True) -> float | None:
    """A reading's top (``high``) or bottom in ``unit`` (the sheet's pair first, else
    pint; None when it cannot be expressed in that unit)."""
    for q in (reading.quantity, reading.alternate):
        if q is not None and q.unit == unit:
            return max(q.low, q.high) if high else min(q.low, q.high)
    q = reading.quantity
    ends = [convert(q.low, q.unit, unit), convert(q.high, q.unit, unit)]
    if None in ends:
        return None
    return max(ends) if high else min(ends)
