"""Spec table: read attribute/value rows, approvals and accessory lists from a datasheet.

Two row layouts occur. Converted tables (Markdown) separate attribute and value with a tab:
``Rated current\t25 A``. PDF text runs them together: ``Rated current UL (Use Group B) 20 A``;
there the value is the trailing quantity (see :mod:`assistant.values`) or, for text values,
what follows a known attribute name (:data:`KNOWN_ATTRIBUTES`, extended by every attribute
the corpus's own tab-separated rows name).
"""

from __future__ import annotations

import re
from .normalising import ITEM_RE
from ..records import Accessory, Approval, Document, Line, Product, Section, SpecRow, SpecTable
from .sections import Paragraph, paragraphs
from .values import TRAILING_VALUE_RE, parse_value

# Attribute names of WAGO-style datasheets (the ETIM/eCl@ss-like vocabulary they share).
KNOWN_ATTRIBUTES = (
    "Rated voltage", "Rated impulse voltage", "Rated current", "Rated surge voltage",
    "Legend", "Ratings per", "Note on Contact Resistance", "Connection technology",
    "Actuation type", "Connectable conductor materials", "Nominal cross section",
    "Solid conductor", "Solid conductor, push-in termination", "Stranded conductor",
    "Fine-stranded conductor", "Fine-stranded conductor with ferrule with plastic collar",
    "Fine-stranded conductor with ferrule without plastic collar",
    "Fine-stranded conductor with ferrule, push-in termination, from",
    "Fine-stranded conductor with ferrule", "Strip length", "Total number of connection points",
    "Total number of potentials", "Number of levels", "Type of wiring", "Note",
    "Number of jumper slots", "Width", "Height", "Height from upper-edge of DIN-35 rail",
    "Depth", "Depth from upper-edge of DIN-35 rail", "Design", "Type of mounting",
    "Marking level", "Color", "Colour", "Insulating material", "Fire load", "Weight",
    "Product Group", "Packaging type", "Country of origin", "GTIN", "Customs Tariff No.",
    "Pin spacing", "Coding", "No. of poles", "Number of poles", "Protection class",
    "Processing temperature", "Continuous operating temperature", "Clamping spring material",
    "Contact material", "Flammability class per UL94", "Surrounding air temperature",
    "Limit temperature range", "Number of mating cycles", "Mismating protection",
    "Conductor entry direction to mating direction", "Marking", "Operating temperature",
    "Storage temperature", "Conductor connection type", "Contact plating",
)
_STANDARD_IN_TITLE = re.compile(r"\bper\s+(.+)$", re.IGNORECASE)
_APPROVAL_DATA = re.compile(
    r"^(?P<standard>-|(?:IEC/EN|IEC|EN|UL|CSA|C22\.2|DIN|VDE)\s+(?:No\.\s*)?\d+(?:[-.]\d+)*)"
    r"\s*(?P<rest>.*)$"
)
_TABLE_HEADER = re.compile(r"^(logo\b|certificate\b|name$)", re.IGNORECASE)
_ITEM_NO = re.compile(r"^item no\.?:?\s*(?P<item>" + ITEM_RE.pattern + r")\s*(?P<rest>.*)$",
                      re.IGNORECASE)
PRODUCT_KINDS = ("terminal block", "plug", "socket", "connector", "relay", "jumper",
                 "end plate", "power supply", "marker", "distributor")


_NAME_INDEXES: dict[int, tuple[tuple[str, ...], list[tuple[int, dict[str, str]]]]] = {}


def _name_index(known: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Known attribute names grouped by length, longest first: ``[(length, {lower-case
    name: name})]``, the first of equal names kept. Every row's label is matched against
    them, and a corpus can name thousands of attributes: looking each length up keeps a
    spec table linear in its rows (a loop over all names made 60k rows take hours).
    Cached per ``known`` tuple."""
    cached = _NAME_INDEXES.get(id(known))
    if cached is not None and cached[0] is known:
        return cached[1]
    groups: dict[int, dict[str, str]] = {}
    for name in known:
        if name:
            groups.setdefault(len(name.lower()), {}).setdefault(name.lower(), name)
    index = sorted(groups.items(), reverse=True)
    if len(_NAME_INDEXES) >= 8:
        _NAME_INDEXES.clear()
    _NAME_INDEXES[id(known)] = (known, index)
    return index


def split_label(label: str, known: tuple[str, ...] = KNOWN_ATTRIBUTES) -> tuple[str, str]:
    """Split a row label into (attribute, qualifier).

    ``"Rated current UL (Use Group B)"`` → ``("Rated current", "UL (Use Group B)")``;
    ``"Rated current (Ex e II) with jumper"`` → ``("Rated current", "(Ex e II) with jumper")``.
    A known attribute name wins; otherwise the qualifier starts at the first parenthesis,
    acronym (UL, CSA, EN) or ``per``.
    """
    label = label.strip()
    lowered = label.lower()
    for length, names in _name_index(known):  # longest known name first
        name = names.get(lowered[:length])
        if name is None:
            continue
        head = label[len(name):].strip(" ,")
        # "Note on protection class" is its own attribute; "Rated current UL (…)" is not.
        if not head or head[0] in "(" or head[0].isupper() or head.startswith("per "):
            return label[: len(name)].strip(), label[len(name):].strip(" ,")
    tokens = label.split(" ")
    for index, token in enumerate(tokens[1:], start=1):
        if token.startswith("(") or token == "per" or (token.isupper() and len(token) >= 2):
            return " ".join(tokens[:index]), " ".join(tokens[index:])
    return label, ""


def split_text_row(text: str, known: tuple[str, ...]) -> tuple[str, str] | None:
    """Split a PDF-text row into (label, value), or None when it does not read as a row.

    The value is the trailing quantity when there is one (``Rated voltage (III / 3) 800 V``);
    otherwise what follows a known attribute name (``Color blue``).
    """
    match = TRAILING_VALUE_RE.search(text)
    if match and match.start(1) > 0:
        label = text[: match.start(1)].strip()
        value = text[match.start(1):].strip()
        plausible = len(label.split()) <= 10 and not re.search(r"[≙:=]", label)
        if plausible and label[0].isalpha() and not label.endswith((":", ".")):
            if re.search(r"\(\d+\)$", label) or not re.search(r"\d$", label):
                return label, value
    lowered = text.lower()
    best = ""
    for length, names in _name_index(known):  # the longest known name the row starts with
        if lowered[length:length + 1] == " " and lowered[:length] in names:
            best = names[lowered[:length]]
            break
    if not best:
        return None
    # Leading parentheses after the name qualify it: "Note (conductor cross-section) Depending …"
    rest = text[len(best):].strip()
    qualifier = re.match(r"^\([^()]*\)\s*", rest)
    if qualifier and rest[qualifier.end():]:
        return best + " " + qualifier.group(0).strip(), rest[qualifier.end():].strip()
    return best, rest


def _standard(section: Section) -> str:
    match = _STANDARD_IN_TITLE.search(section.path[-1])
    return match.group(1).strip() if match else ""


def _row(section: Section, lines: tuple[Line, ...], label: str, value: str,
         known: tuple[str, ...]) -> SpecRow:
    attribute, qualifier = split_label(label, known)
    quantity, alternate = parse_value(value)
    return SpecRow(
        item=section.item, section=section.title, attribute=attribute, qualifier=qualifier,
        standard=_standard(section), value=value, quantity=quantity, alternate=alternate,
        raw=" ".join(line.raw.strip() for line in lines), source=section.source,
        line_start=lines[0].number, line_end=lines[-1].number,
    )


def _join_value(lines: tuple[Line, ...]) -> str:
    """A row's text over several lines: a lower-case start continues the sentence, anything
    else is a further value (``Push-in`` / ``Open Tool Slot`` → ``Push-in, Open Tool Slot``)."""
    out = lines[0].text
    for line in lines[1:]:
        out += (" " if line.text[:1].islower() or out.endswith(("-", ",")) else ", ") + line.text
    return out


def _in_approvals(section: Section) -> bool:
    """Sections under ``Approvals / Certificates`` hold approval tables, not spec rows
    (``Electrical data › Approvals per UL 1059`` holds rows)."""
    return section.path[0].lower().startswith("approvals")


def _is_list_section(section: Section) -> bool:
    return _in_approvals(section) or any(_ITEM_NO.match(line.text) for line in section.lines)


def _tab_rows(section: Section, known: tuple[str, ...]) -> list[SpecRow]:
    rows = []
    for line in section.lines:
        cells = [c.strip() for c in line.text.split("\t")]
        if len(cells) == 2 and all(cells) and not _TABLE_HEADER.match(cells[0]):
            rows.append(_row(section, (line,), cells[0], cells[1], known))
    return rows


def _text_rows(section: Section, known: tuple[str, ...]) -> list[SpecRow]:
    """Rows of a PDF-text section, kept only when most of its paragraphs read as rows
    (prose sections such as installation notes are not tables)."""
    paras = [p for p in paragraphs(section) if "\t" not in p.text]
    found = []
    for para in paras:
        # PDF text without blank lines between rows: when most lines read as rows on their
        # own, each is a row; a line starting in lower case or with a digit continues the
        # row above (a wrapped value); any other line is text, not a row. Otherwise the
        # lines are one wrapped row.
        per_line = [split_text_row(line.text, known) for line in para.lines]
        if len(para.lines) > 1 and sum(map(bool, per_line)) > len(para.lines) / 2:
            rows: list[list[Line]] = []
            for line, split in zip(para.lines, per_line):
                if split:
                    rows.append([line])
                elif rows and rows[-1][-1] is not None and not line.text[:1].isupper():
                    rows[-1].append(line)
                else:
                    rows.append([None])  # a text line closes the row above
            for lines in rows:
                if lines[0] is not None:
                    split = split_text_row(_join_value(tuple(lines)), known)
                    if split:
                        found.append((Paragraph(para.section, tuple(lines)), split))
            continue
        split = split_text_row(_join_value(para.lines), known)
        if split:
            found.append((para, split))
    if not paras or len(found) < 0.5 * len(paras):
        return []
    return [_row(section, para.lines, label, value, known) for para, (label, value) in found]


_EQUATION = re.compile(r"^(?:\d+\.\s*)?(?P<label>[A-Z][\w ,\-/()]{2,60}?)\s*=\s*(?P<value>\S.*)$")


def _equation_rows(section: Section, known: tuple[str, ...]) -> list[SpecRow]:
    """``Label = value`` lines in prose, e.g. an installation note's numbered list
    ``2. Strip length = 9 mm`` or ``1. Strip length, outer insulation = 35 mm (2-pole), …``."""
    rows = []
    for line in section.lines:
        match = _EQUATION.match(line.text)
        if match:
            rows.append(_row(section, (line,), match.group("label"), match.group("value"), known))
    return rows


def _approvals(sections: list[Section]) -> list[Approval]:
    """Approval records from the approvals tables, in both layouts.

    PDF text puts each approval in two paragraphs: ``name`` / ``issuer``, then
    ``standard certificate (note)`` broken over several lines (``PTB 03`` / ``ATEX`` /
    ``1162 U (II`` …); lines ending in ``-`` continue without a space. Scanning goes on after
    the approvals section because page breaks can place a row after the next section's start.
    """
    out: list[Approval] = []
    started = False
    group = ""
    for section in sections:
        if _in_approvals(section):
            started = True
            group = section.path[-1]
        if not started:
            continue
        for line in section.lines:
            cells = [c.strip() for c in line.text.split("\t")]
            if len(cells) >= 3 and not _TABLE_HEADER.match(cells[0] or cells[1]):
                out.append(_tab_approval(section, line, group))
        paras = paragraphs(section)
        for index, para in enumerate(paras):
            if "\t" in para.text:
                continue
            texts = [line.text for line in para.lines if not _TABLE_HEADER.match(line.text)]
            if len(texts) < 2 or index + 1 >= len(paras) or len(texts[-2].split()) > 3:
                continue
            data = paras[index + 1]
            joined = ""
            for line in data.lines:
                joined += line.text if joined.endswith("-") or not joined else " " + line.text
            match = _APPROVAL_DATA.match(joined)
            if not match:
                continue
            certificate, note = match.group("rest"), ""
            paren = re.search(r"\s*(\([^()]*\))$", certificate)
            if paren and paren.start() > 0:
                certificate, note = certificate[: paren.start()], paren.group(1)
            standard = "" if match.group("standard") == "-" else match.group("standard")
            out.append(Approval(
                item=section.item, group=group, approval=texts[-2], issuer=texts[-1],
                standard=standard, certificate=certificate.strip(), note=note,
                source=section.source, line_start=para.span[0], line_end=data.span[1],
            ))
    return out


def _tab_approval(section: Section, line: Line, group: str) -> Approval:
    """One tab-separated approvals row: ``Logo | <b>Name</b> Issuer | standard | certificate``."""
    cells = [c.strip() for c in line.text.split("\t")]
    cells = cells[1:] if not cells[0] else cells
    bold = re.search(r"<b>(.*?)</b>", line.raw)
    name = bold.group(1).strip() if bold else cells[0].split(" ")[0]
    issuer = cells[0][len(name):].strip() if cells[0].startswith(name) else cells[0]
    standard = cells[1] if len(cells) > 1 and cells[1] != "-" else ""
    return Approval(
        item=section.item, group=group, approval=name, issuer=issuer, standard=standard,
        certificate=cells[2] if len(cells) > 2 else "", note="", source=section.source,
        line_start=line.number, line_end=line.number,
    )


def _accessories(sections: list[Section]) -> list[Accessory]:
    """``Item no.: 210-719`` lines with the description on the next non-blank line."""
    out = []
    for section in sections:
        body = [line for line in section.lines if line.text]
        for index, line in enumerate(body):
            match = _ITEM_NO.match(line.text)
            if not match:
                continue
            description, last = match.group("rest").strip(), line
            if not description and index + 1 < len(body) and not _ITEM_NO.match(body[index + 1].text):
                last = body[index + 1]
                description = last.text
            out.append(Accessory(
                item=section.item, group=section.path[-1], item_number=match.group("item"),
                description=description, source=section.source,
                line_start=line.number, line_end=last.number,
            ))
    return out


def _product(doc: Document, sections: list[Section], rows: list[SpecRow]) -> Product:
    by_attr = {row.attribute.lower(): row for row in rows}
    color = (by_attr.get("color") or by_attr.get("colour"))
    family = ""
    group = by_attr.get("product group")
    if group:
        inner = re.search(r"\(([^)]+)\)", group.value)
        family = inner.group(1) if inner else group.value
    for index, line in enumerate(doc.lines):
        if line.text.lower() == "product family":
            following = [l.text for l in doc.lines[index + 1:] if l.text]
            family = following[0] if following else family
            break
    title_kind = doc.title.split(";")[0].strip().lower() if ";" in doc.title else ""
    if title_kind:
        kind = title_kind
    else:
        text = " ".join(line.text.lower() for line in doc.lines)
        # The first kind (in order of PRODUCT_KINDS) the text names repeatedly.
        kind = next((k for k in PRODUCT_KINDS if text.count(k) >= 3), "")
    return Product(item=doc.item, source=doc.source, title=doc.title, family=family,
                   color=color.value if color else "", kind=kind)


def corpus_attributes(docs: list[tuple[Document, list[Section]]]) -> tuple[str, ...]:
    """:data:`KNOWN_ATTRIBUTES` plus every attribute named by a tab-separated row in the corpus,
    so that PDF-text rows of one datasheet split like the converted tables of another."""
    names = set(KNOWN_ATTRIBUTES)
    for _doc, sections in docs:
        for section in sections:
            if not _is_list_section(section):
                names.update(split_label(row.raw.split("\t")[0])[0] for row in _tab_rows(section, KNOWN_ATTRIBUTES))
    return tuple(sorted(names))


def build_spec_table(doc: Document, sections: list[Section],
                     known: tuple[str, ...] = KNOWN_ATTRIBUTES) -> SpecTable:
    """The structured content of one datasheet: rows, approvals, accessories, product.

    Rows come from every section that is not an approvals or accessory list; the approvals
    and accessory records from those lists.
    """
    rows: list[SpecRow] = []
    for section in sections:
        if _is_list_section(section):
            continue
        rows.extend(_tab_rows(section, known) or _text_rows(section, known)
                    or _equation_rows(section, known))
    return SpecTable(
        product=_product(doc, sections, rows),
        rows=tuple(rows),
        approvals=tuple(_approvals(sections)),
        accessories=tuple(_accessories(sections)),
    )
