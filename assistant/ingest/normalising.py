"""Normalising: clean raw datasheet lines while keeping each line's file and line number.

Removes page boilerplate (footers, addresses, "Subject to changes", page markers, URLs),
duplicated lines and Markdown/HTML markup; reads ``<sup>2</sup>`` as ``²``, decimal commas
as points, ``...`` as ``…`` and Unicode hyphens as ``-``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..records import Document, Line
from ..vocabulary import vocabulary
from .identity import identify
from .loading import RawFile



@lru_cache(maxsize=1)
def _furniture() -> tuple[re.Pattern, re.Pattern]:
    """Page furniture from the vocabulary (``[furniture]``): lines that start like one of
    its patterns (tried at the line start only, as one pattern) or contain one of its
    ``anywhere`` patterns (company register lines)."""
    vocab = vocabulary()
    starts = re.compile("|".join(f"(?:{p})" for p in vocab.furniture_starts), re.IGNORECASE)
    anywhere = re.compile("|".join(f"(?:{p})" for p in vocab.furniture_anywhere) or r"(?!x)x",
                          re.IGNORECASE)
    return starts, anywhere


# Company address lines: a street and house number, a postal code and city (case matters:
# "32423 Minden", not "2002 Series").
_ADDRESS = re.compile(r"^(?:[A-ZÄÖÜ][\w.\-]*(?:str\.|straße|strasse|street|road|avenue|weg)\s+\d+"
                      r"|\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+)$")
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
# Markdown pipe tables: "| Rated current | 24 A |" is a row of cells; "|---|---|" a rule.
_PIPE_ROW = re.compile(r"^\|(.*)\|$")
_PIPE_RULE = re.compile(r"^[\s|:\-]+$")
# Column gaps in text converted from PDFs: a dotted leader ("Part number ....... 92.931")
# or a run of two or more spaces (not after a sentence's end, not after a section number).
_LEADER = re.compile(r" ?\.{4,} ?| ?(?:\. ){3,}")
_GAP = re.compile(r"(?<=[^\s.!?])(?<!^\d)  +(?=\S)|(?<=[.!?])   +(?=\S)")
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\s{2,}")


def normalise_text(text: str, markdown: bool = False, decimal: bool = True) -> str:
    """Normalise one line of datasheet text (markup removed, units and decimals unified).

    ``"0,5 ... 4 mm <sup>2</sup>"`` → ``"0.5 … 4 mm²"``; ``"**Item no.770-101**"`` →
    ``"Item no.770-101"``; ``"[www.wago.com](http://…)"`` → ``"www.wago.com"``; table
    cells become tab-separated: ``"| Width | 5.2 mm |"``, ``"Width .... 5.2 mm"`` and
    ``"Width      5.2 mm"`` → ``"Width\t5.2 mm"``. ``decimal=False`` keeps decimal commas
    (identifiers such as ``PT 2,5`` are shown as printed).
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
    if text.startswith("|"):
        pipe = _PIPE_ROW.match(text)
        if pipe:
            if _PIPE_RULE.match(text):
                return ""
            text = "\t".join(cell.strip() for cell in pipe.group(1).split("|"))
    if "  " in text or ".." in text:
        text = _LEADER.sub("\t", text)
        if not _SECTION_NUMBER.match(text):
            text = _GAP.sub("\t", text)
    if text.startswith("#"):
        text = _HEADING_MARK.sub("", text)
    if markdown:  # list bullets; in PDF text a leading "- " is data (e.g. "- TAE00001V2")
        text = _BULLET.sub("", text)
    if decimal and "," in text:
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
    starts, anywhere = _furniture()
    return (starts.match(text) is not None or anywhere.search(text) is not None
            or _ADDRESS.match(text) is not None)


_STEP = re.compile(r"^\d{1,2}[.)]\s+\S")  # a numbered step


def normalise(raw: RawFile) -> Document:
    """Turn a raw file into a :class:`Document` of kept, normalised lines with provenance.

    Blank lines are kept (as empty ``text``) because they separate rows and paragraphs.
    A non-blank line repeating an earlier one is dropped when it is long (≥ 20 characters:
    a repeated page header or figure caption) or when it repeats the previous kept line;
    except a table cell repeated under a different short row name (the issuer
    ``DEKRA Certification B.V.`` under ``CSA`` and under ``KEMA/KEUR``) and a numbered
    step (the same first step of two procedures).
    The product's identity (item, identifiers, vendor, series, kind) is read from all the
    raw lines, page furniture included (:func:`.identity.identify`).
    """
    identity = identify(raw.lines, raw.source)
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
        describes_item = _names_item(last)  # accessory descriptions may repeat
        new_cell = len(last) < 20 and last not in seen.get(key, {last})
        step = _STEP.match(text) is not None  # "1. Switch off the supply …" again in another procedure
        if key == last or (len(key) >= 20 and key in seen and not describes_item and not new_cell and not step):
            continue
        seen.setdefault(key, set()).add(last)
        last = key
        # A PDF page-top line keeps its leading space in ``raw``; sections.py reads that cue.
        kept.append(Line(raw.source, number, rawline, text, *raw.place(number)))
    while kept and not kept[-1].text:
        kept.pop()
    return Document(item=identity.item, source=raw.source, title=identity.title, lines=tuple(kept),
                    sha256=raw.sha256, identifiers=identity.identifiers, vendor=identity.vendor,
                    series=identity.series, kind=identity.kind)


def _names_item(text: str) -> bool:
    """Whether a (lower-case) line starts with an identity label (``item no.: 210-719``)."""
    return _item_label().match(text) is not None


@lru_cache(maxsize=1)
def _item_label() -> re.Pattern:
    labels = sorted((l for l in vocabulary().identity_labels if len(l) > 3), key=len, reverse=True)
    return re.compile("|".join(r"[\W_]*".join(map(re.escape, l.split())) + r"\b" for l in labels))
