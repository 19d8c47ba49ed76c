"""Identity: which product a datasheet is about, read from the document itself.

- **Identifiers** printed under the labels vendors use (the vocabulary's ``[identity]``
  labels: item / article / order / part / catalogue / type number, product type
  designation, ``Data sheet X`` …) as a table cell, after ``:``, or on the line below a
  label-only line; the parts of a ``Name - TYPE - NUMBER`` title line; an identifier
  standing alone near the top; the first word of the description line when it is one
  (``GST18i3 socket connector, …``). Only the first occurrence of each label counts: later
  ones name accessories and counterparts. The file stem is always an identifier too.
- The **item** (the product's key) is the first identifier by label rank: item / article /
  order / part numbers before type designations, before title-line ones, before the stem.
- The **vendor**: a web domain or company name the vocabulary knows (``[vendors]``), else
  the company line (``… GmbH``, ``… Co., Ltd.``) matching the sheet's own web domain, else
  that domain.
- The **series** under a series label (``Series: HP``, ``Product family …``) or written
  ``HP series``; the **kind** is the first product kind the title names (``Plug-in socket
  for RT relay`` → ``socket``).

Nothing here knows one vendor's identifier shape: an identifier is a token with a digit
(or a capitalised code under a label) that is not a quantity.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..vocabulary import vocabulary, word_key
from .values import read_value

# Label classes in rank order: the item is the first identifier of the best class.
_CLASSES = (
    ("item", ("item number", "item no", "item")),
    ("article", ("article number", "article no", "art no", "art nr", "article")),
    ("order", ("order number", "order no", "ordering number", "order code", "ordering code",
               "order reference", "product id", "product number", "product no", "product code")),
    ("part", ("part number", "part no", "p n", "catalogue number", "catalog number",
              "catalogue no", "catalog no", "cat no", "mlfb", "model number", "model", "reference", "ref")),
    ("datasheet", ("data sheet", "datasheet")),
    ("type", ("product type designation", "type designation", "product designation", "type number",
              "type code", "type", "designation")),
)
_MAX_LINE = 300
_STANDARD_NAME = re.compile(r"(?:IEC/EN|IEC|EN|UL|CSA|DIN|VDE|ISO|NF|BS|GB/T|C22\.2)\s*(?:No\.\s*)?\d", re.IGNORECASE)
_HEAD_LINES = 400  # identifiers are printed at the top (and in page headers), not further on
_TOKEN = r"[A-Za-z0-9][A-Za-z0-9:/.\-_,+]*[A-Za-z0-9]"
_DOMAIN = re.compile(r"(?:https?://|www\.|@)([a-z0-9][a-z0-9.\-]*\.[a-z]{2,})", re.IGNORECASE)
_LEGAL = re.compile(r"^(?P<name>[^\t|,]{2,60}?),?\s+(?:GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|SE|Inc\.?|Ltd\.?|"
                    r"LLC|S\.A\.S\.?|SAS|S\.p\.A\.?|S\.A\.|B\.V\.|Co\.,?\s*Ltd\.?|KG|plc|Corp\.?|Corporation)"
                    r"(?=$|[\s,·|])")
_SERIES_WORD = re.compile(r"(?:^|[\s#])(?P<name>[A-Za-z0-9][\w.\-]{0,15})\s+series\b", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    """What a datasheet says about its product: the key ``item``, every identifier
    (``item`` first, the file stem last), vendor, series, product kind and the title
    (description) line. Empty strings where the sheet does not say."""

    item: str
    identifiers: tuple[str, ...]
    vendor: str
    series: str
    kind: str
    title: str


def _plain(raw: str) -> str:
    """A raw line with markup removed but numbers as printed (``PT 2,5`` stays)."""
    from .normalising import normalise_text

    return normalise_text(raw, markdown=True, decimal=False)


def looks_like_identifier(text: str, labelled: bool = False) -> bool:
    """Whether a text can be a product identifier: 3–40 characters, at most four
    words, a digit in it (or, under an identity label, a capitalised code like ``LZS``),
    and not a quantity (``16 A``, ``1P``) or a sentence."""
    text = text.strip()
    alnum = re.sub(r"[^A-Za-z0-9]", "", text)
    if not 3 <= len(alnum) <= 40 or len(text.split()) > 4 or text.endswith((".", ":", ",")):
        return False
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9:/.\-_,+ ]*", text) or re.search(r"www\.|https?:|\.com\b", text):
        return False
    words = text.split()
    if _STANDARD_NAME.match(text):
        return False  # "UL 1977", "IEC 61984": a standard, not a product
    if any(re.fullmatch(r"[a-z]{2,}", w) or w.endswith(":") for w in words):
        return False  # a word of prose ("per", "of") or a label ("number:")
    if not any(c.isdigit() for c in text):
        return labelled and len(words) == 1 and text.isupper() and text.isalpha()
    parsed = read_value(text)
    if parsed is not None and parsed.end >= len(text) and (parsed.quantity.unit or not labelled):
        return False  # "16 A", "2.5 mm²", "24": a quantity, not a name (but "Type 95.05" is one)
    if re.fullmatch(r"\d{1,2}[A-Za-z]{1,2}", text):
        return False  # "1P", "2M": pole and module counts
    return all(any(c.isdigit() for c in w) or len(w) <= 4 for w in words[1:])


def _label_match(cell: str) -> tuple[str, str] | None:
    """(class, rest) when a cell or line starts with an identity label."""
    key = word_key(cell)
    best = None
    for klass, labels in _CLASSES:
        for label in labels:
            if key == label or key.startswith(label + " "):
                if best is None or len(label) > len(best[1]):
                    best = (klass, label)
    if best is None:
        return None
    # the text after the label, as printed
    pattern = r"^[\W_]*" + r"[\W_]+".join(re.escape(w) for w in best[1].split()) + r"\b"
    match = re.match(pattern, cell, re.IGNORECASE)
    rest = cell[match.end():] if match else ""
    return best[0], rest.strip(" :.|\t")


def _first_token(rest: str, whole: bool) -> str:
    """The identifier at the start of a label's value: the whole cell when it reads as
    one (``GST18i3S S1 ZR1 SW``), else its first token, cut before ``(``."""
    rest = rest.split(" (")[0].strip().strip(",;")
    if whole and looks_like_identifier(rest, labelled=True):
        return rest
    token = re.match(_TOKEN, rest)
    return token.group(0) if token else ""


def identify(raw_lines: tuple[str, ...] | list[str], source: str) -> Identity:
    """The identity of the datasheet whose raw lines are given (see the module docstring).

    ``source`` is the citation name of the file (``corpus/2002-1204.txt``); its stem is
    always an identifier. Never raises: a sheet that prints nothing usable is known by
    its file stem.
    """
    from .normalising import is_boilerplate

    # identity stands in short lines: a longer one (prose, or junk) is not read for it
    lines = [_plain(r) if len(r) <= _MAX_LINE else "" for r in raw_lines]
    content = [l for l in lines if l and not is_boilerplate(l)]
    found: dict[str, str] = {}  # class → first identifier
    ordered: list[str] = []

    def add(ident: str, klass: str | None = None) -> None:
        ident = ident.strip()
        if not ident:
            return
        if klass is not None and klass not in found:
            found[klass] = ident
        if ident not in ordered:
            ordered.append(ident)

    seen_classes: set[str] = set()
    for index, line in enumerate(lines[:_HEAD_LINES]):
        if not line:
            continue
        for cell_text in _label_candidates(line):
            match = _label_match(cell_text)
            if match is None:
                continue
            klass, rest = match
            if klass in seen_classes:
                continue
            ident = _first_token(rest, whole="\t" in line or ":" in cell_text) if rest else ""
            if not rest:  # a label-only line: the identifier stands on the next line
                nxt = next((l for l in lines[index + 1:index + 3] if l), "")
                ident = nxt if looks_like_identifier(nxt, labelled=True) else ""
            if ident and looks_like_identifier(ident, labelled=True):
                seen_classes.add(klass)
                add(ident, klass)
    head = content[:15]
    for line in head:  # "Name - TYPE - NUMBER" title lines
        parts = [p.strip(" #*") for p in re.split(r"\s+-\s+", line)]
        if len(parts) >= 3:
            for part in parts:
                if looks_like_identifier(part):
                    add(part, "title")
    for line in content[:12]:  # an identifier standing alone near the top
        cell = line.strip(" #*")
        if cell and "\t" not in cell and len(cell.split()) <= 2 and any(c.isdigit() for c in cell.split()[0]) \
                and looks_like_identifier(cell) and re.search(r"[A-Za-z]", cell):
            add(cell, "title")
    title = _title(content)
    if title.split():
        first = title.split()[0].strip(",;")
        if looks_like_identifier(first) and re.search(r"[A-Za-z]", first):
            add(first, "title")
    stem = PurePosixPath(source).stem
    add(stem, "stem")
    item = next(found[k] for k in [c for c, _ in _CLASSES] + ["title", "stem"] if k in found)
    identifiers = (item,) + tuple(i for i in ordered if i != item)
    from .normalising import normalise_text

    return Identity(item=item, identifiers=identifiers, vendor=_vendor(raw_lines),
                    series=_series(lines, content), kind=_kind(title, content),
                    title=normalise_text(title) if title else item)


def _label_candidates(line: str) -> list[str]:
    """Places in a line where an identity label may start: the line, each table cell,
    each ``|``-separated part, after ``(`` (``(article no. 167592)``) and after `` / ``
    (``Artikelnummer / Article number: 10195100``)."""
    out = [line]
    if "\t" in line:
        cells = line.split("\t")
        out += ["\t".join(cells[i:]) for i in range(1, len(cells))]
        out[0] = "\t".join(cells)
    out += [part for part in re.split(r"\s*\|\s*", line)[1:] if part]
    out += [m.group(1) for m in re.finditer(r"\(([^()]+)\)", line)]
    # the second half of a bilingual label ("Artikelnummer / Article number: 10195100")
    out += [part for part in re.split(r"\s+/\s+", line)[1:] if part]
    return [c.replace("\t", ": ", 1) if "\t" in c else c for c in out]


def _title(content: list[str]) -> str:
    """The product's description line: the first of the top lines that lists features
    (two or more ``;`` or ``,`` and five or more words)."""
    for line in content[:20]:
        if "\t" in line:
            continue
        if (line.count(";") >= 2 or line.count(",") >= 2) and len(line.split()) >= 5:
            return line.strip(" #*")
    return ""


def _vendor(raw_lines) -> str:
    vocab = vocabulary()
    # the company line and web address stand in the page header and footer
    ends = list(raw_lines[:_HEAD_LINES]) + list(raw_lines[max(_HEAD_LINES, len(raw_lines) - _HEAD_LINES):])
    raw_lines = [r for r in ends if len(r) <= _MAX_LINE]
    text = "\n".join(raw_lines)
    domains = Counter(d.lower().removeprefix("www.") for d in _DOMAIN.findall(text))
    for domain in list(domains):
        if any(domain.endswith(ignored) for ignored in vocab.ignored_domains):
            del domains[domain]
    for domain, _n in domains.most_common():
        known = vocab.vendor_in(domain)
        if known:
            return known
    known = vocab.vendor_in(text)
    if known:
        return known
    companies = Counter()
    for raw in raw_lines:
        if len(raw) > _MAX_LINE:
            continue
        for part in re.split(r"\s{2,}|\t|\s[·|]\s", raw.strip(" *#")):
            m = _LEGAL.match(part.strip())
            if m:
                companies[m.group("name").strip()] += 1
    for domain, _n in domains.most_common():
        label = domain.split(".")[0].split("-")[0]
        for name, _count in companies.most_common():
            if word_key(name).split()[0] == label.lower():
                return name
    if domains:
        label = domains.most_common(1)[0][0].split(".")[0]
        return label.replace("-", " ").title()
    return companies.most_common(1)[0][0] if companies else ""


def _series(lines: list[str], content: list[str]) -> str:
    vocab = vocabulary()
    for index, line in enumerate(lines):
        if not line:
            continue
        if "\t" not in line and ":" in line:
            # "Range of product: NXB-63", "Baureihe / Series: EPIC H-BE": a label and its value
            label, _, value = line.partition(":")
            line = f"{label.split(' / ')[-1]}\t{value}"
        cells = [c.strip(" :") for c in line.split("\t")]
        head = cells[0]
        key = word_key(head)
        for label in sorted(vocab.series_labels, key=len, reverse=True):
            if key == label or key.startswith(label + " "):
                if len(cells) > 1:
                    value = cells[1]
                elif key == label:
                    value = next((l for l in lines[index + 1:index + 3] if l), "")
                else:
                    pattern = r"^[\W_]*" + r"[\W_]+".join(re.escape(w) for w in label.split()) + r"\b"
                    match = re.match(pattern, head, re.IGNORECASE)
                    value = head[match.end():] if match else ""
                value = value.strip(" :")
                inner = re.search(r"\(([^()]+)\)", value)  # "22 (TOPJOB S)"
                if inner and re.fullmatch(r"[\d\s]+", value[:inner.start()]):
                    value = inner.group(1)
                if value and len(value) <= 40:
                    return value.split(",")[0].replace("®", "").strip()
    for line in content[:15]:
        m = _SERIES_WORD.search(line)
        if m:
            return m.group("name")
    return ""


def _kind(title: str, content: list[str]) -> str:
    vocab = vocabulary()
    for text in (title, " ".join(content[:15])):
        kinds = vocab.kinds_in(text)
        if kinds:
            return kinds[0][1]
    # no title names one: the first kind (most specific first) the text names repeatedly
    counts = Counter(kind for _at, kind in vocab.kinds_in(" ".join(content)))
    frequent = [k for k in vocab.kinds if counts[k] >= 3]
    products = [k for k in frequent if k not in vocab.accessory_kinds] or frequent
    return max(products, key=lambda k: counts[k]) if products else ""
