"""Typed records that travel between the pipeline stages.

ingest (loading → normalising → sections → layouts → spec table) → index → answer → UI.
Every record is a frozen dataclass; none of them carries Textual or Rich objects, so the
CLI's ``ask --json`` and the TUI render the very same :class:`Answer`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Line:
    """One kept line of a datasheet after normalisation.

    ``number`` is the 1-based line number in the original file (for a PDF: the line of the
    extracted text of the whole document), ``raw`` the line as the file had it, ``text`` the
    normalised form (``mm <sup>2</sup>`` → ``mm²``, ``0,5`` → ``0.5``, ``...`` → ``…``,
    markup removed). An empty ``text`` marks a paragraph break. For a PDF, ``page`` is the
    1-based page and ``page_line`` the 1-based line on that page (both 0 for text files),
    and ``heading`` marks a line the PDF sets as a heading (bold or larger type).
    """

    source: str
    number: int
    raw: str
    text: str
    page: int = 0
    page_line: int = 0
    heading: bool = False


@dataclass(frozen=True)
class Document:
    """A normalised datasheet: its product's identity (item, identifiers, vendor, series,
    kind, title line; see ``ingest/identity.py``), source path and kept lines, in file order."""

    item: str
    source: str
    title: str
    lines: tuple[Line, ...]
    sha256: str = ""
    identifiers: tuple[str, ...] = ()
    vendor: str = ""
    series: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Section:
    """A section of a datasheet found from its headings.

    ``path`` is the heading hierarchy, e.g. ``("Electrical data", "Approvals per UL 1059")``;
    ``lines`` are the body lines (headings excluded) in file order.
    """

    item: str
    source: str
    path: tuple[str, ...]
    lines: tuple[Line, ...]

    @property
    def title(self) -> str:
        """The section path joined as shown to users: ``Electrical data › Approvals per UL 1059``."""
        return " › ".join(self.path)

    @property
    def span(self) -> tuple[int, int]:
        """First and last original line numbers of the body, ``(0, 0)`` when empty."""
        if not self.lines:
            return (0, 0)
        return (self.lines[0].number, self.lines[-1].number)


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: a section (or a piece of a long one) of one product's datasheet.

    ``text`` is what gets embedded (section path + body, ≤ ~200 tokens); ``key`` is the
    SHA-256 of ``text`` so identical text is embedded once.
    """

    item: str
    source: str
    section: str
    line_start: int
    line_end: int
    text: str
    key: str


@dataclass(frozen=True)
class Quantity:
    """A parsed number or range with its unit, as printed on the datasheet.

    ``low``/``high`` are equal for a single value; for AWG the datasheet order is kept
    (``22 … 12 AWG`` → low 22, high 12). ``unit`` is the printed unit (``mm²``, ``A``, ``V``,
    ``kV``, ``mm``, ``inch``, ``AWG``, ``°C``, ``N·m``, ``lb·in``, ``g``, ``mΩ`` …, the
    vocabulary's canonical spelling) or ``""``. ``marker`` is ``"approx."``, ``">"``,
    ``"<"``, ``"≥"``, ``"≤"``, ``"max."``, ``"min."`` or ``""``. ``tolerance`` is a printed
    ± (``6,5 mm ±0,5`` → 0.5, same unit), ``count`` a conductor count printed with the size
    (``2x1,5 mm²`` → 2; 0 when none) and ``current`` ``"AC"``, ``"DC"`` or ``""``
    (``250VAC``, ``250 V~``).
    """

    low: float
    high: float
    unit: str = ""
    marker: str = ""
    tolerance: float = 0.0
    count: int = 0
    current: str = ""

    @property
    def is_range(self) -> bool:
        """True when the datasheet gives a range rather than one value."""
        return self.low != self.high


@dataclass(frozen=True)
class SpecRow:
    """One attribute/value row of a datasheet's spec table.

    Example (2002-1204, ``Electrical data › Approvals per UL 1059``, line 19):
    attribute ``Rated current``, qualifier ``UL (Use Group B)``, standard ``UL 1059``,
    value ``20 A`` → quantity ``Quantity(20, 20, "A")``. ``alternate`` holds the second unit
    form the sheet prints (``/ 22 … 12 AWG``, ``/ 0.39 … 0.47 inch``). Text values (colour,
    material, coding) have ``quantity=None``. ``feature`` is the canonical feature the
    vocabulary maps the label to (``rated_current``, ``cross_section`` …, ``""`` when it
    knows none) and ``conductor`` the conductor class a cross-section row names (``solid``,
    ``stranded``, ``fine_stranded``, ``ferrule``, ``ferrule_collar``, ``ferrule_no_collar``
    or ``""``); ``attribute`` and ``qualifier`` stay as printed.
    """

    item: str
    section: str
    attribute: str
    qualifier: str
    standard: str
    value: str
    quantity: Quantity | None
    alternate: Quantity | None
    raw: str
    source: str
    line_start: int
    line_end: int
    feature: str = ""
    conductor: str = ""

    @property
    def label(self) -> str:
        """Attribute and qualifier as one label: ``Rated current UL (Use Group B)``."""
        return f"{self.attribute} {self.qualifier}".strip()


@dataclass(frozen=True)
class Approval:
    """One row of a datasheet's approvals tables (Ex, country-specific, ship approvals).

    Example (2002-1204, lines 133–141): approval ``ATEx``, issuer ``Physikalisch Technische
    Bundesanstalt (PTB)``, standard ``EN 60079``, certificate ``PTB 03 ATEX 1162 U``,
    note ``(II 2 G/D Ex e II bzw. I M 2 Ex e I)``.
    """

    item: str
    group: str
    approval: str
    issuer: str
    standard: str
    certificate: str
    note: str
    source: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Accessory:
    """A related item listed on a datasheet: counterpart, tool, locking lever, strain relief …

    Example (770-1252/076-000, lines 191–192): group ``tools``, item number ``210-719``,
    description ``Operating tool; Blade: 2.5 x 0.4 mm; with a partially insulated shaft``.
    """

    item: str
    group: str
    item_number: str
    description: str
    source: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Product:
    """A product of the corpus, as its datasheet names it.

    ``item`` is the product's key (its first identifier: the item / order / type number
    the sheet prints under a label, else the file stem); ``identifiers`` every identifier
    read (item, order and type numbers, type designation, the file stem), ``vendor`` the
    manufacturer (company line or web domain), ``series`` a series or family name, ``kind``
    the product kind in plain words (``terminal block``, ``relay socket``); ``title`` the
    sheet's description line.
    """

    item: str
    source: str
    title: str
    family: str
    color: str
    kind: str
    identifiers: tuple[str, ...] = ()
    vendor: str = ""
    series: str = ""

    @property
    def name(self) -> str:
        """How the product is shown: vendor and item (``Siemens LZS:RT78725``)."""
        return f"{self.vendor} {self.item}".strip()


@dataclass(frozen=True)
class SpecTable:
    """Everything structured read from one datasheet."""

    product: Product
    rows: tuple[SpecRow, ...]
    approvals: tuple[Approval, ...] = ()
    accessories: tuple[Accessory, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A cited passage: the verbatim (normalised) datasheet text and where it stands.

    ``line_start``/``line_end`` are line numbers of the file (for a PDF: of its extracted
    text); a PDF citation also gives the ``page`` and the lines on that page
    (``page_line_start``/``page_line_end``), which is what a reader looks up.
    """

    product: str
    source: str
    section: str
    line_start: int
    line_end: int
    quote: str
    page: int = 0
    page_line_start: int = 0
    page_line_end: int = 0

    @property
    def where(self) -> str:
        """The place for people: ``line 157``, ``lines 155–160``, ``page 2, lines 4–6``."""
        start, end = self.line_start, self.line_end
        prefix = ""
        if self.page:
            prefix, start, end = f"page {self.page}, ", self.page_line_start, self.page_line_end
        if start == end:
            return f"{prefix}line {start}"
        return f"{prefix}lines {start}–{end}"


@dataclass(frozen=True)
class Fact:
    """A value read from a spec table and used in an answer (``value`` as printed)."""

    product: str
    attribute: str
    value: str
    section: str
    source: str
    line: int
    qualifier: str = ""


AnswerKind = Literal["spec", "check", "compare", "passage", "filter", "not_found", "clarify"]


@dataclass(frozen=True)
class Answer:
    """The answering engine's reply; serialises to the contract in ``shared/eval/README.md``.

    ``headline`` is the decisive value for display (``24 A``, ``no: 0.75 … 4 mm² for
    push-in``); ``related`` are passages shown for a ``not_found`` answer, never as the answer.
    """

    question: str
    kind: AnswerKind
    answer: str
    products: tuple[str, ...] = ()
    verdict: Literal["yes", "no", "conditional"] | None = None
    headline: str = ""
    facts: tuple[Fact, ...] = ()
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    id: str | None = None

    def to_json(self) -> dict:
        """The contract's JSON object (plus ``headline`` and ``related``)."""
        data = asdict(self)
        data["products"] = list(self.products)
        return data


@dataclass(frozen=True)
class ContextLine:
    """A line shown around a citation in the source pane; ``cited`` marks the quoted lines.
    ``page``/``page_line`` place a PDF's line (0 for text files)."""

    number: int
    text: str
    cited: bool
    page: int = 0
    page_line: int = 0


@dataclass(frozen=True)
class BuildReport:
    """What an index build did: files indexed, skipped (with reasons), chunks embedded."""

    indexed: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    chunks: int
    embedded: int
    reason: str = field(default="")
