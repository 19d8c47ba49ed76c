"""Normalising: clean raw datasheet lines while keeping each line's file and line number.

Removes page boilerplate (footers, addresses, "Subject to changes", page markers, URLs),
duplicated lines and Markdown/HTML markup; reads ``<sup>2</sup>`` as ``²``, decimal commas
as points, ``...`` as ``…`` and Unicode hyphens as ``-``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .loading import RawFile
from ..records import Document, Line

ITEM_RE = re.compile(r"\b\d{3,4}-\d{3,4}(?:/\d{3}-\d{3,4})?\b")

# Page furniture: lines that start like these (tried at the line start only, as one
# pattern) or contain the company line anywhere.
_BOILERPLATE_START = re.compile("|".join(
    f"(?:{p})"
    for p in (
        r"subject to changes",
        r"data sheet\s*\|\s*item number",
        r"(https?://|www\.)\S+$",
        r"phone:|fax:|e-?mail:|tel\.?:",
        r"do you have any questions about our products",
        r"we are always happy to take your call",
        r"\d{2}\.\d{2}\.\d{4}\s+page\b",
        r"page \d+( of \d+)?$",
        r"rohs\s+compliant$",
        r"bomcheck\.net$",
        r"color:\s*■$",
        r"show all products from the family$",
        r"-{3,}(\s+-{3,})*$",
        r"hansastr\.",
        r"\d{5} minden$",
    )
), re.IGNORECASE)
_BOILERPLATE_ANYWHERE = re.compile(r"kontakttechnik gmbh", re.IGNORECASE)
# U+2013 (en dash) stays an en dash inside prose like "pushed in – no tools": only
# hyphen-like characters between word characters are folded.
_HYPHEN_IN_WORD = re.compile(r"(?<=\w)[\u2010\u2011\u2012\u2212](?=\w)")
# Every pattern below that starts with a repeat begins only where a run of its characters
# begins, and no repeat scans past where the next match could start: each stays linear in
# the line's length (a 1 MB line of spaces or "[" took hours with the plain forms).
# Terminal escape sequences in captured text or typed questions: CSI (colours, cursor),
# OSC (window titles, ended by BEL or ST) and two-character escapes.
ANSI_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_SUP2 = re.compile(r"(?<!\s)\s*<sup>\s*2\s*</sup>")
_SUP3 = re.compile(r"(?<!\s)\s*<sup>\s*3\s*</sup>")
_SUP = re.compile(r"<sup>((?:(?!</?sup>).)*)</sup>")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^)\]\s]*\)")
_TAB = re.compile(r"(?<! ) *\t[ \t]*")
# A minus sign before a number is a minus ("−40 … +85 °C"), and so is an en dash that stands
# where a minus would ("–40"), not between two values ("10–12").
_MINUS = re.compile(r"\u2212(?=\d)|(?<![\w.])\u2013(?=\d)")
_TAGS = re.compile(r"</?(?:b|i|u|em|strong|sub|br)\s*/?>", re.IGNORECASE)
_LATEX = re.compile(r"\$([^$]*)\$")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_BULLET = re.compile(r"^[-*+]\s+(?=\S)")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_MM2 = re.compile(r"mm2\b")
_SPACES = re.compile(r" +")


def normalise_text(text: str, markdown: bool = False) -> str:
    """Normalise one line of datasheet text (markup removed, units and decimals unified).

    ``"0,5 ... 4 mm <sup>2</sup>"`` → ``"0.5 … 4 mm²"``; ``"**Item no.770-101**"`` →
    ``"Item no.770-101"``; ``"[www.wago.com](http://…)"`` → ``"www.wago.com"``.
    """
    # Control characters (NUL, ESC, form feed, stray line breaks …) are not datasheet text;
    # a tab is a cell break.
    # Each rewrite runs only when its trigger character is on the line: most lines have
    # none, and a catalogue has millions of lines (this halved the time to read one).
    if "\x1b" in text:
        text = ANSI_ESCAPE.sub("", text)
    text = _CONTROL.sub(" ", text.replace("\u00a0", " "))
    if "<" in text:
        text = _SUP2.sub("²", text)
        text = _SUP3.sub("³", text)
        text = _SUP.sub(r"^\1", text)
        text = _TAGS.sub("", text)
    if "[" in text:
        text = _LINK.sub(r"\1", text)  # Markdown links keep their text
    text = text.replace("**", "").replace("__", "")
    if "$" in text:
        text = _LATEX.sub(r"\1", text)  # inline LaTeX like $I_N = 25$
    text = text.strip()
    if text.startswith("#"):
        text = _HEADING_MARK.sub("", text)
    if markdown:  # list bullets; in PDF text a leading "- " is data (e.g. "- TAE00001V2")
        text = _BULLET.sub("", text)
    if "," in text:
        text = _DECIMAL_COMMA.sub(".", text)
    text = text.replace("...", "…")
    if not text.isascii():
        text = _HYPHEN_IN_WORD.sub("-", text)
        text = _MINUS.sub("-", text)
    if "mm2" in text:
        text = _MM2.sub("mm²", text)
    # A tab separates attribute and value in converted tables: keep one, fold other spaces.
    if "\t" in text:
        text = _TAB.sub("\t", text)
    return _SPACES.sub(" ", text).strip()


def is_boilerplate(text: str) -> bool:
    """Whether a normalised line is page furniture (footer, address, URL, page marker)."""
    return (_BOILERPLATE_START.match(text) is not None
            or _BOILERPLATE_ANYWHERE.search(text) is not None)


def find_item_number(raw: RawFile, fallback: Path | None = None) -> str:
    """The datasheet's item number: from ``Item number: …`` / ``Data sheet | Item number``,
    else from the file name (``770-1252_076-000.md`` → ``770-1252/076-000``).

    Raises ValueError when neither gives one.
    """
    for line in raw.lines:
        match = re.search(r"item number:?\s*(" + ITEM_RE.pattern + ")", line, re.IGNORECASE)
        if match:
            return match.group(1)
    if fallback is not None:
        stem = fallback.stem.replace("_", "/")
        match = ITEM_RE.search(stem)
        if match:
            return match.group(0)
    raise ValueError(f"{raw.source}: no item number found in the text or the file name")


def normalise(raw: RawFile, path: Path | None = None) -> Document:
    """Turn a raw file into a :class:`Document` of kept, normalised lines with provenance.

    Blank lines are kept (as empty ``text``) because they separate rows and paragraphs.
    A non-blank line repeating an earlier one is dropped when it is long (≥ 20 characters:
    a repeated page header or figure caption) or when it repeats the previous kept line;
    except a table cell repeated under a different short row name (the issuer
    ``DEKRA Certification B.V.`` under ``CSA`` and under ``KEMA/KEUR``).
    Raises ValueError when no item number can be found.
    """
    item = find_item_number(raw, path)
    markdown = raw.source.lower().endswith(".md")
    kept: list[Line] = []
    seen: dict[str, set[str]] = {}  # line → the lines that preceded it
    last = ""
    for number, rawline in enumerate(raw.lines, start=1):
        text = normalise_text(rawline, markdown) if rawline.strip() else ""
        if not text or is_boilerplate(text):
            if kept and kept[-1].text:
                kept.append(Line(raw.source, number, rawline, "", *raw.place(number)))
            continue
        key = text.casefold()
        describes_item = last.startswith("item no")  # accessory descriptions may repeat
        new_cell = len(last) < 20 and last not in seen.get(key, {last})
        if key == last or (len(key) >= 20 and key in seen and not describes_item and not new_cell):
            continue
        seen.setdefault(key, set()).add(last)
        last = key
        # A PDF page-top line keeps its leading space in ``raw``; sections.py reads that cue.
        kept.append(Line(raw.source, number, rawline, text, *raw.place(number)))
    while kept and not kept[-1].text:
        kept.pop()
    title = _title(kept, item)
    return Document(item=item, source=raw.source, title=title, lines=tuple(kept), sha256=raw.sha256)


def _title(lines: list[Line], item: str) -> str:
    """The product description line (``Plug; 2-pole; Cod. B; …``) when the sheet has one."""
    for line in lines[:20]:
        if line.text.count(";") >= 2:
            return line.text
    return item
