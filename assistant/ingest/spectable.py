"""Spec table: the structured content of one datasheet — typed rows, approvals,
accessories and the product record.

Rows are read by the layout readers (:mod:`.layouts`) from every section that is not an
approvals or accessory list. Each row keeps its label as printed, split into attribute and
qualifier (:func:`split_label`), its value parsed into a :class:`Quantity`
(:mod:`.values`), the standard its section names, and gains the canonical ``feature`` and
conductor class the vocabulary gives its label (:mod:`assistant.vocabulary`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..records import Accessory, Approval, Document, Line, Product, Section, SpecRow, SpecTable
from ..vocabulary import code_key, vocabulary, word_key
from .identity import looks_like_identifier
from .layouts import FoundRow, read_rows
from .sections import paragraphs
from .values import canonical_unit, parse_value, read_value

# Features whose rows name a conductor class (``Strip length, fine-stranded``).
CONDUCTOR_FEATURES = ("cross_section", "strip_length", "nominal_cross_section", "conductors_per_clamp")
_STANDARD = re.compile(r"\bper\s+(.+)$|\b((?:IEC/EN|IEC|EN|UL|CSA|DIN|VDE|ISO)\s+(?:No\.\s*)?\d[\w.\-/]*)\s*$",
                       re.IGNORECASE)
_APPROVAL_DATA = re.compile(
    r"^(?P<standard>-|(?:IEC/EN|IEC|EN|UL|CSA|C22\.2|DIN|VDE)\s+(?:No\.\s*)?\d+(?:[-.]\d+)*)"
    r"\s*(?P<rest>.*)$"
)
_TABLE_HEADER = re.compile(r"^(logo\b|certificate\b|name$)", re.IGNORECASE)
_APPROVAL_WORDS = re.compile(r"approval|certificat|certification", re.IGNORECASE)
_ACCESSORY_WORDS = re.compile(r"accessor|counterpart|compatible|mating connector|ordering|order separately",
                              re.IGNORECASE)


@lru_cache(maxsize=8)
def known_labels(extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Label keys that mark where a text value starts when nothing else does: the
    vocabulary's feature labels of two words or more and its ``[labels]`` list, plus
    ``extra`` (the labels the corpus's own tables print, :func:`corpus_attributes`)."""
    vocab = vocabulary()
    # single feature words ("storage", "cable") are too common to mark a value's start
    keys = {label for f in vocab.features.values() for label in f.labels if " " in label}
    keys |= set(vocab.text_labels)
    keys |= {word_key(x) for x in extra}
    return frozenset(k for k in keys if k)


def split_label(label: str, keys: frozenset[str] | None = None) -> tuple[str, str]:
    """Split a row label into (attribute, qualifier).

    ``"Rated current UL (Use Group B)"`` → ``("Rated current", "UL (Use Group B)")``;
    ``"Rated current (Ex e II) with jumper"`` → ``("Rated current", "(Ex e II) with jumper")``;
    ``"Operating temperature min"`` → ``("Operating temperature", "min")``.
    The longest known label (``keys``, default :func:`known_labels` of the vocabulary
    alone) that the label starts with wins when what follows opens a qualifier (a
    parenthesis, a capital, ``per``, ``min``/``max``, a comma and a capital); otherwise the
    qualifier starts at the first parenthesis, acronym (UL, CSA, EN) or ``per``.
    """
    label = label.strip()
    words = label.split(" ")
    keys = known_labels() if keys is None else keys
    if word_key(label) in keys:
        return label, ""
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n]).rstrip(",")
        if word_key(head) not in keys:
            continue
        rest = " ".join(words[n:]).strip(" ,")
        if not rest:
            break
        # "Note on protection class" is its own attribute; "Rated current UL (…)" is not.
        if rest[0] in "(" or rest[0].isupper() or rest.startswith("per ") or \
                word_key(rest).split()[0] in vocabulary().subrow_words:
            return head, rest
    for index, token in enumerate(words[1:], start=1):
        if token.startswith("(") or token == "per" or (token.isupper() and len(token) >= 2):
            return " ".join(words[:index]), " ".join(words[index:])
    return label, ""


def _standard(section: Section) -> str:
    """The standard a section's title names: ``Ratings per IEC/EN 60664-1``,
    ``Approvals per UL 1059``, ``Rating data UL 1059``."""
    match = _STANDARD.search(section.path[-1])
    if not match:
        return ""
    return (match.group(1) or match.group(2)).strip()


_STANDARD_AFTER_VALUE = re.compile(
    r"\b(?:according\s+to|acc\.?\s+to|in\s+acc\.?\s+with|as\s+per|per|to)\s+"
    r"((?:IEC/EN|DIN\s+EN|IEC|EN|UL|CSA|DIN|VDE|ISO)\s+(?:No\.\s*)?\d[\w.\-/]*)", re.IGNORECASE)


def _standard_in_value(value: str) -> str:
    """The standard a value is given under when its text names one after the number
    (``6 kA according to EN 60898-1`` → ``EN 60898-1``), ``""`` when it names none."""
    match = _STANDARD_AFTER_VALUE.search(value)
    return match.group(1).strip() if match else ""


def _dimension(row_quantity) -> str:
    if row_quantity is None:
        return ""
    return vocabulary().dimension(row_quantity.unit) if row_quantity.unit else "count"


def make_row(section: Section, found: FoundRow, keys: frozenset[str] | None = None) -> SpecRow:
    """A typed :class:`SpecRow` from a row a layout found, with its feature and class;
    ``keys`` are the known labels (:func:`known_labels`)."""
    attribute, qualifier = split_label(found.label, keys)
    value = _unit_from_label(found.label, found.value)
    quantity, alternate = parse_value(value)
    vocab = vocabulary()
    # the feature's dimension is the value's own: "DIN rail 35 mm" and "35 mm DIN rail" are
    # text values; "32 A (with 4 mm² …)" and "6 kV … between coil and contacts" are not
    strict = read_value(value)
    if strict is not None and re.match(r"\s*[A-Z][A-Za-z]", value[strict.end:]):
        strict = None
    identity_label = word_key(found.label) in vocab.identity_labels
    if identity_label:
        strict = None  # "Part number | 92.931.3053.1": an identifier, not a number
    dimension = _dimension(strict.quantity if strict else None)
    feature = vocab.feature_of(found.label, dimension) or vocab.feature_of_symbol(found.label, dimension)
    pattern = vocab.features[feature].value_pattern if feature else ""
    if pattern and not re.search(pattern, found.value):
        feature = ""  # "Standard designation | M12 connector": no standard named
    if identity_label and feature not in ("order_number", "type_designation"):
        feature = ""  # "Order code | 95.05SPA": an identifier, not the coding
    if not feature and _APPROVAL_WORDS.search(section.title) and vocab.feature_of(section.path[-1]) == "approvals":
        feature = "approvals"  # "UL 1977 | Recognized, File E515431" under "Approvals"
    if not feature and found.label.split() and _is_mark(found.label.split()[0]):
        feature = "approvals"  # "cULus | 600 V, 20 A", "VDE | EN 61535", "UL (File E77054) 300 V 20 A"
    conductor = vocab.conductor_of(found.label) if feature in CONDUCTOR_FEATURES else ""
    if feature in CONDUCTOR_FEATURES and not conductor and strict is not None:
        # "Connection cross-section: 1 … 25 mm² rigid": the class printed after the size
        conductor = vocab.conductor_of(value[strict.end:])
    lines = found.lines
    return SpecRow(
        item=section.item, section=section.title, attribute=attribute, qualifier=qualifier,
        standard=_standard(section) or _standard_in_value(value), value=found.value, quantity=quantity, alternate=alternate,
        raw=" ".join(line.raw.strip() for line in lines), source=section.source,
        line_start=min(l.number for l in lines), line_end=max(l.number for l in lines),
        feature=feature, conductor=conductor,
    )


def _is_mark(word: str) -> bool:
    """Whether a word is an approval mark of the vocabulary (``cULus``, ``VDE``, ``UL``)."""
    return word.strip("():,").lower() in _mark_words()


@lru_cache(maxsize=1)
def _mark_words() -> frozenset[str]:
    return frozenset(m.lower() for m in vocabulary().approval_marks)


def _unit_from_label(label: str, value: str) -> str:
    """A value as its quantity reads: a unit printed in the label only (``AWG (cULus) |
    26 - 12``, ``for AWG cables solid 20 ... 14``) applies to a bare number range."""
    quantity = read_value(value)
    if quantity is None or quantity.quantity.unit:
        return value
    # "in" is a unit only as "(in)" or at the end ("Width in number of modules | 1" is no inch)
    units = {u for w in re.findall(r"[^\s(),]+", label) if len(w) > 1 and (u := canonical_unit(w))
             and (w.lower() != "in" or re.search(r"\(in\)|\bin$", label, re.IGNORECASE))}
    if len(units) == 1:
        with_unit = f"{value.strip()} {units.pop()}"
        parsed = read_value(with_unit)
        if parsed is not None and parsed.quantity.unit and parsed.end >= len(with_unit):
            return with_unit
    return value


def _with_alternate(row: SpecRow, found: FoundRow) -> SpecRow:
    """The row above given again in a second unit (``lb-in 4.4 ... 5.3`` under
    ``Tightening torque N·m 0.5 ... 0.6``): the value and line span grow, the second unit
    becomes the alternate."""
    alt, _ = parse_value(found.value)
    lines = found.lines
    return SpecRow(
        item=row.item, section=row.section, attribute=row.attribute, qualifier=row.qualifier,
        standard=row.standard, value=f"{row.value} / {found.value}", quantity=row.quantity,
        alternate=row.alternate or alt, raw=row.raw + " " + " ".join(l.raw.strip() for l in lines),
        source=row.source, line_start=row.line_start, line_end=max(row.line_end, *(l.number for l in lines)),
        feature=row.feature, conductor=row.conductor,
    )


def _in_approvals(section: Section) -> bool:
    """A section of approval tables (``Approvals / Certificates › Ship Approvals``,
    ``Certificates and declarations``); ``Approvals per UL 1059`` holds rated values."""
    return any(_APPROVAL_WORDS.search(p) and not re.search(r"\bper\b", p, re.IGNORECASE)
               for p in section.path)


def _item_line(text: str) -> tuple[str, str] | None:
    """(identifier, rest) for an accessory line ``Item no.: 210-719 …`` — an identity label
    followed by an identifier."""
    key = text.lower()
    for label in ("item no", "item number", "art. no", "article no", "order no", "part no", "order number"):
        if key.startswith(label):
            rest = text[len(label):].lstrip(" .:")
            token = re.match(r"\S+", rest)
            if token and looks_like_identifier(token.group(0)):
                return token.group(0), rest[token.end():].strip()
    return None


def _is_list_section(section: Section, approvals: list[Approval]) -> bool:
    """Approval lists are not spec rows: an approvals section whose tables gave approval
    records (a two-column approvals table, ``Approvals | cULus, CSA``, holds rows)."""
    if not _in_approvals(section):
        return False
    two_cells = any(len([c for c in line.text.split("\t") if c]) == 2 for line in section.lines)
    mine = any(a.line_start >= section.span[0] and a.line_end <= section.span[1] + 40
               and a.group == section.path[-1] for a in approvals)
    return mine and not two_cells


def _accessory_row(section: Section, found: FoundRow) -> Accessory | None:
    """A table row naming another product (``099.02 | Timer module for 95.05 sockets``)."""
    label = found.label.strip()
    if found.layout not in ("cells", "matrix") or not looks_like_identifier(label, labelled=True):
        return None
    if not re.search(r"[A-Za-z]{3,}", found.value) or parse_value(found.value)[0] is not None:
        return None
    line = found.lines[0]
    return Accessory(item=section.item, group=section.path[-1], item_number=label, description=found.value,
                     source=section.source, line_start=line.number, line_end=found.lines[-1].number)


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
        header: list[str] = []
        for line in section.lines if _in_approvals(section) else ():
            cells = [c.strip() for c in line.text.split("\t")]
            if len(cells) >= 3 and all(word_key(c) in vocabulary().header_words for c in cells if c):
                header = [word_key(c) for c in cells]
            elif len(cells) >= 3 and not _TABLE_HEADER.match(cells[0] or cells[1]):
                out.append(_tab_approval(section, line, group, header))
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


def _tab_approval(section: Section, line: Line, group: str, header: list[str]) -> Approval:
    """One tab-separated approvals row, by its table's header when it names the columns
    (``Approval | Issuer | Standard | Certificate``), else the converted layout
    ``Logo | <b>Name</b> Issuer | standard | certificate``."""
    cells = [c.strip() for c in line.text.split("\t")]
    if "issuer" in header and len(cells) == len(header):
        by = dict(zip(header, cells))
        name = by.get("approval") or by.get("mark") or by.get("name") or cells[0]
        standard = by.get("standard", "")
        return Approval(
            item=section.item, group=group, approval=name, issuer=by.get("issuer", ""),
            standard="" if standard == "-" else standard,
            certificate=by.get("certificate") or by.get("certificate name") or "", note="",
            source=section.source, line_start=line.number, line_end=line.number)
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


def _accessories(sections: list[Section], own: tuple[str, ...] = ()) -> list[Accessory]:
    """``Item no.: 210-719`` lines (an identity label and an identifier other than the
    product's own ``own``) with the description after it or on the next non-blank line."""
    out = []
    for section in sections:
        body = [line for line in section.lines if line.text]
        for index, line in enumerate(body):
            match = _item_line(line.text)
            if not match or match[0] in own:
                continue
            number, description = match
            last = line
            if not description and index + 1 < len(body) and not _item_line(body[index + 1].text):
                last = body[index + 1]
                description = last.text
            out.append(Accessory(
                item=section.item, group=section.path[-1], item_number=number,
                description=description, source=section.source,
                line_start=line.number, line_end=last.number,
            ))
    return out


def _siblings(section: Section, found: list[FoundRow], own: set[str]) -> list[Accessory]:
    """The other variants an ordering table lists beside the product (``814023 | NXB-63
    1P C16 | 16 | 6000 | 18`` on the sheet of the 814021): one accessory each, in the
    section's group, its first identifier the item number and its other cells, labelled
    by their column titles, the description. ``own`` are the product's identifiers as
    :func:`code_key` forms."""
    out: list[Accessory] = []
    by_line: dict[int, list[FoundRow]] = {}
    for row in found:
        if row.names and not own & {code_key(n) for n in row.names}:
            by_line.setdefault(row.lines[0].number, []).append(row)
    for number, rows in by_line.items():
        names = rows[0].names
        description = "; ".join([*names[1:], *(f"{r.label} {r.value}" for r in rows)])
        out.append(Accessory(item=section.item, group=section.path[-1], item_number=names[0],
                             description=description, source=section.source,
                             line_start=number, line_end=number))
    return out


def _product(doc: Document, rows: list[SpecRow]) -> Product:
    """The product record: the document's identity, colour from the ``color`` row."""
    color = next((r.value for r in rows if r.feature == "color"), "")
    return Product(item=doc.item, source=doc.source, title=doc.title, family=doc.series,
                   color=color, kind=doc.kind, identifiers=doc.identifiers or (doc.item,),
                   vendor=doc.vendor, series=doc.series)


def corpus_attributes(docs: list[tuple[Document, list[Section]]]) -> tuple[str, ...]:
    """The row labels the corpus's own tables print (two-cell table rows), so that a text
    row of one datasheet (``Color blue``) splits like a table row of another
    (``Color | light turquoise``)."""
    names: set[str] = set()
    for _doc, sections in docs:
        for section in sections:
            for line in section.lines:
                cells = [c.strip() for c in line.text.split("\t") if c.strip()]
                if len(cells) == 2 and cells[0][:1].isalpha() and len(cells[0].split()) <= 8:
                    names.add(split_label(cells[0])[0])
    return tuple(sorted(names))


def build_spec_table(doc: Document, sections: list[Section], known: tuple[str, ...] = ()) -> SpecTable:
    """The structured content of one datasheet: rows, approvals, accessories, product.

    Rows come from every section that is not an approvals or accessory list (see
    :mod:`.layouts`); ``known`` are the corpus's own table labels
    (:func:`corpus_attributes`). Approvals and accessories come from those lists; of an
    ordering table only the product's own line gives rows, the other variants it lists
    become accessories (:func:`_siblings`), never identifiers.
    """
    approvals = _approvals(sections)
    labels = known_labels(known)
    rows: list[SpecRow] = []
    accessories = _accessories(sections, doc.identifiers)
    listed = {n for a in accessories for n in range(a.line_start, a.line_end + 1)}
    own_names = set(doc.identifiers) | {doc.item}
    compact_names = tuple(code_key(n) for n in own_names if len(code_key(n)) >= 4)
    own_codes = {code_key(n) for n in own_names}
    for section in sections:
        if _is_list_section(section, approvals):
            continue
        found_rows = read_rows(section, labels)
        accessories += _siblings(section, found_rows, own_codes)
        for found in found_rows:
            if found.names and not own_codes & {code_key(n) for n in found.names}:
                continue  # another variant's row of an ordering table (one of the siblings above)
            if found.lines[0].number in listed:
                continue  # an accessory's item number and description
            if f"{found.label} {found.value}" in own_names:
                continue  # the product's name heading a page ("A2C 2.5"): no row
            if (found.lines[0].number == 1 or found.lines[0].page_line == 1) \
                    and word_key(found.label) not in vocabulary().identity_labels \
                    and code_key(f"{found.label} {found.value}").endswith(compact_names):
                continue  # a title or page header ending in the product's name ("Data sheet LZS | RT78725")
            accessory = _accessory_row(section, found)
            if accessory is not None:
                accessories.append(accessory)
            elif found.alternate and rows and rows[-1].section == section.title:
                rows[-1] = _with_alternate(rows[-1], found)
            else:
                rows.append(make_row(section, found, labels))
    return SpecTable(
        product=_product(doc, rows),
        rows=tuple(rows),
        approvals=tuple(approvals),
        accessories=tuple(accessories),
    )
