"""Sections: split a normalised datasheet into a heading hierarchy, paragraphs and chunks.

A PDF read with its layout marks its heading lines (``Line.heading``: bold or larger type,
see :mod:`.pdf`); when a document has such lines, they are its headings (consecutive ones
are one wrapped heading). Otherwise headings are found from the text's structure, in both
formats: Markdown ``#`` headings and bold-only lines; in PDF text without layout, short
standalone title-like lines that read as section names
(``… data``, ``Approvals per …``, ``Installation Notes``) and lines that open a new page
(a leading space right after the previous page's last line, then a blank line); and, in
text without blank lines, lines that are only a datasheet part's name. A heading
is *major* (a new top-level section) when it names a datasheet part (``… data``,
``… Notes``, ``Approvals / Certificates`` …); any other heading nests under the current
major one, giving paths such as ``Electrical data › Approvals per UL 1059``.

Paragraphs are separated by blank lines (in a PDF: layout gaps, table rows). Quotable
passages and chunks never exceed ``MAX_CHUNK_WORDS`` words or ``MAX_PASSAGE_CHARS``
characters: a longer paragraph is split at sentence ends, keeping numbered steps together
where they fit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from ..records import Chunk, Document, Line, Section

_SECTION_WORDS = re.compile(
    r"\b(data|ratings? per|approvals?|certificates?|notes|requirements|accessories|"
    r"counterparts?|compatible products|item description|product family|plug connection)\b",
    re.IGNORECASE,
)
_MAJOR = re.compile(
    r"(\bdata|\bnotes|certificates|requirements|counterparts?|products|description|family)$"
    r"|^approvals\s*/|^accessories$",
    re.IGNORECASE,
)
_PER_STANDARD = re.compile(r"^(ratings?|approvals?) per\s+\S", re.IGNORECASE)
_ITEM_LINE = re.compile(r"^item no\b", re.IGNORECASE)
# a numbered heading of a manual: "5.1 Connecting conductors", "3 Technical data" (a step
# "1. Switch off …" has a dot after its number, a value "5.2 mm" a unit)
NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\s+(?!(?:mm|cm|in|kg|mA|kA|kV|V|A|Nm|N|W|AWG|x)\b)"
                              r"[A-Z][A-Za-z-]+(?:\s+[\w/&()-]+){0,6}$")
MAX_CHUNK_WORDS = 110  # ≈ 190 MiniLM tokens at ~1.7 tokens/word, under its 256-token cut
MAX_PASSAGE_CHARS = 800  # a quote people read in the chat (~ ten lines of a datasheet column)
_SENTENCE_END = re.compile(r"[.!?;][\"”’)]?$")
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(]?[A-Z0-9])")
# a numbered step or list item: "1. Strip", "2) Insert", "Step 3", "• Push", "- Lift"
_STEP = re.compile(r"^(?:\d{1,2}[.)]\s|step\s+\d+\b|[•▪●■◦*–-]\s)", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    """Consecutive non-blank lines of one section, joined as one quotable text."""

    section: Section
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """The lines joined with spaces (a line ending in ``-`` joins without one)."""
        return join_lines(self.lines)

    @property
    def span(self) -> tuple[int, int]:
        """First and last original line numbers."""
        return (self.lines[0].number, self.lines[-1].number)


def join_lines(lines: tuple[Line, ...] | list[Line]) -> str:
    """Join wrapped datasheet lines into one text, re-joining words hyphenated at a break."""
    out = ""
    for line in lines:
        text = line.text
        if not out:
            out = text
        elif out.endswith("-") and not out.endswith(" -") and text[:1].islower():
            out += text
        else:
            out += " " + text
    return out


def _is_blank(lines: tuple[Line, ...], index: int) -> bool:
    return index < 0 or index >= len(lines) or not lines[index].text


def _titleish(text: str, max_words: int) -> bool:
    words = text.split()
    return (
        0 < len(words) <= max_words
        and len(text) <= 60
        and text[0].isalpha()
        and text[0].isupper()
        and not re.search(r"[.:;!?,]$", text)
        and "\t" not in text
    )


def is_heading(lines: tuple[Line, ...], index: int, markdown: bool) -> bool:
    """Whether ``lines[index]`` is a section heading (see the module docstring)."""
    line = lines[index]
    text = line.text
    if not text or _ITEM_LINE.match(text) or text.endswith(":"):
        return False
    if markdown:
        raw = line.raw.strip()
        if raw.startswith("#"):
            return True
        return bool(re.fullmatch(r"\*\*[^*]+\*\*", raw)) and _titleish(text, 8) and ":" not in text
    # Standalone: a blank line before, and after it a blank line or a new page's first line.
    standalone = _is_blank(lines, index - 1) and (
        _is_blank(lines, index + 1) or lines[index + 1].raw.startswith(" ")
    )
    if standalone and _titleish(text, 6) and (_SECTION_WORDS.search(text) or _section_words(text)):
        return True
    if standalone and NUMBERED_HEADING.match(text):
        return True  # "5.2  Removing conductors", "3 Technical data" in a manual
    # PDF text without blank separators: only an unmistakable datasheet part name
    # (``Connection data``, ``Ratings per IEC/EN 60664-1``) counts.
    if _titleish(text, 5) and (_MAJOR.search(text) or _PER_STANDARD.match(text)):
        return True
    # After a blank line, a short title of section words over the section's rows
    # ("Dimensions", "Ambient conditions", "Certificates/ approvals"): the vocabulary's
    # [sections] words.
    title = _STANDARD_IN_TITLE.sub("", text).strip()  # "Rating data UL 1059"
    if _is_blank(lines, index - 1) and not _is_blank(lines, index + 1) and title and _titleish(title, 4) \
            and not re.search(r"\d", title) and _section_words(title):
        return True
    page_top = (
        line.raw.startswith(" ")
        and not line.raw.startswith("  ")
        and (index == 0 or not _is_blank(lines, index - 1))
        and _is_blank(lines, index + 1)
    )
    return page_top and _titleish(text, 5)


_STANDARD_IN_TITLE = re.compile(r"\b(?:IEC/EN|IEC|EN|UL|CSA|DIN|VDE|ISO)\s+(?:No\.\s*)?\d[\w.\-/]*$")


def _section_words(text: str) -> bool:
    """Whether every word of a short title is a section word of the vocabulary; of a
    bilingual title (``Normen / Standards``) every word of one half."""
    from ..vocabulary import vocabulary, word_key

    section = vocabulary().section_words
    for part in [text] + (text.split(" / ") if " / " in text else []):
        words = word_key(part.replace("/", " ")).split()
        if words and all(w in section or w in ("and", "of", "the", "&") for w in words) \
                and any(w in section for w in words):
            return True
    return False


def split_sections(doc: Document) -> list[Section]:
    """Split a document into sections in file order; body lines keep their provenance.

    Lines before the first heading form a section named ``General``. Empty sections
    (a heading directly followed by another) are dropped.
    """
    markdown = doc.source.lower().endswith(".md")
    # A PDF read with its layout says which lines are headings; a wrapped heading is
    # several such lines in a row, read as one title.
    flagged = any(line.heading and line.text for line in doc.lines)
    sections: list[Section] = []
    path: tuple[str, ...] = ("General",)
    major = ""
    body: list[Line] = []
    titles = _flagged_titles(doc.lines) if flagged else {}

    def close() -> None:
        while body and not body[-1].text:
            body.pop()
        while body and not body[0].text:
            body.pop(0)
        if body:
            sections.append(Section(doc.item, doc.source, path, tuple(body)))

    for index, line in enumerate(doc.lines):
        if flagged:
            if not (line.heading and line.text):
                body.append(line)
                continue
            if index not in titles:
                continue  # a further line of a wrapped heading
            title = titles[index]
        elif is_heading(doc.lines, index, markdown):
            title = line.text
        else:
            body.append(line)
            continue
        close()
        body = []
        in_approvals = major.lower().startswith("approvals")
        if _MAJOR.search(title) or not major or (in_approvals and "approval" not in title.lower()) \
                or NUMBERED_HEADING.match(title):
            major, path = title, (title,)
        else:
            path = (major, title)
    close()
    return sections


def _flagged_titles(lines: tuple[Line, ...]) -> dict[int, str]:
    """Index of each heading's first line → its title, where consecutive heading-flagged
    lines (no blank line between) are one wrapped heading."""
    titles: dict[int, str] = {}
    first = -1
    for index, line in enumerate(lines):
        if not (line.heading and line.text):
            first = -1
        elif first < 0:
            first = index
            titles[index] = line.text
        else:
            titles[first] = join_lines([Line(line.source, 0, "", titles[first]), line])
    return titles


def paragraphs(section: Section) -> list[Paragraph]:
    """The blank-line-separated paragraphs of a section (a table row is one paragraph)."""
    out: list[Paragraph] = []
    current: list[Line] = []
    for line in section.lines + (Line(section.source, 0, "", ""),):
        if line.text:
            current.append(line)
        elif current:
            out.append(Paragraph(section, tuple(current)))
            current = []
    return out


def passages(section: Section) -> list[Paragraph]:
    """Quotable passages of a section: its paragraphs, where a short one-line caption or
    label (``Removing a staggered jumper:``) is joined to the paragraph it introduces.

    No passage is longer than ``MAX_CHUNK_WORDS`` words or ``MAX_PASSAGE_CHARS``
    characters (but for a single word that long): a longer paragraph is split at line
    ends, preferring the start or end of a run of numbered steps, then a boundary between
    steps, then a sentence end (see :func:`split_long`)."""
    out: list[Paragraph] = []
    pending: tuple[Line, ...] = ()
    for para in paragraphs(section):
        caption = len(para.lines) == 1 and len(para.text.split()) <= 8 and para.text.endswith((":", "."))
        if caption and not pending:
            pending = para.lines
            continue
        # the caption's size comes off the first piece's budget
        words = MAX_CHUNK_WORDS - sum(len(l.text.split()) for l in pending)
        chars = MAX_PASSAGE_CHARS - sum(len(l.text) + 1 for l in pending)
        pieces = split_long(para.lines, words, chars)
        if pending and len(pieces) > 1:
            pieces = pieces[:1] + split_long(sum(pieces[1:], ()), MAX_CHUNK_WORDS, MAX_PASSAGE_CHARS)
        for index, piece in enumerate(pieces):
            out.append(Paragraph(section, (pending if index == 0 else ()) + piece))
        pending = ()
    if pending:
        out.append(Paragraph(section, pending))
    return out


def _size(lines) -> tuple[int, int]:
    """Words and characters of lines as joined by :func:`join_lines` (one space between)."""
    return (sum(len(l.text.split()) for l in lines),
            sum(len(l.text) for l in lines) + max(len(lines) - 1, 0))


def split_long(lines: tuple[Line, ...], max_words: int = MAX_CHUNK_WORDS,
               max_chars: int = MAX_PASSAGE_CHARS) -> list[tuple[Line, ...]]:
    """A paragraph's lines as pieces of at most ``max_words`` words and ``max_chars``
    characters (one piece when it fits).

    Pieces end at line ends, chosen in this order of preference: before or after a run of
    numbered steps or list items (never right after a line ending in ``:``, which
    introduces what follows), between two steps, after a sentence end, anywhere. Among
    equally good ends the one giving the longest piece wins. A single line longer than
    the limits is first cut at its sentence ends (then, if need be, between words) into
    pieces that keep the line's number: a citation of one gives that line.
    """
    max_words, max_chars = max(max_words, 1), max(max_chars, 1)
    words, chars = _size(lines)
    if words <= max_words and chars <= max_chars:
        return [tuple(lines)]
    units: list[Line] = []
    for line in lines:
        units.extend(_split_line(line, max_words, max_chars))
    steps = [bool(_STEP.match(u.text)) for u in units]
    in_step = []
    for index, unit in enumerate(units):
        continues = bool(in_step) and in_step[-1] and not _SENTENCE_END.search(units[index - 1].text)
        in_step.append(steps[index] or continues)

    def rank(cut: int) -> int:  # the end between units[cut - 1] and units[cut]
        before = units[cut - 1].text
        if before.endswith(":"):
            return 0
        if in_step[cut - 1] != in_step[cut]:  # a run of steps starts or ends here
            return 3
        if steps[cut]:
            return 2
        return 1 if _SENTENCE_END.search(before) else 0

    out: list[tuple[Line, ...]] = []
    start = 0
    while start < len(units):
        end, words, chars = start, 0, -1
        while end < len(units):
            w, c = len(units[end].text.split()), len(units[end].text) + 1
            if end > start and (words + w > max_words or chars + c > max_chars):
                break
            words, chars, end = words + w, chars + c, end + 1
        if end == len(units):
            out.append(tuple(units[start:]))
            break
        cut = max(range(start + 1, end + 1), key=lambda k: (rank(k), k))
        out.append(tuple(units[start:cut]))
        start = cut
    return out


def _split_line(line: Line, max_words: int, max_chars: int) -> list[Line]:
    """A line longer than the limits as sentence pieces (a sentence still too long as runs
    of words), each a :class:`Line` with the line's number and a part of its text."""
    words, chars = _size([line])
    if words <= max_words and chars <= max_chars:
        return [line]
    out: list[Line] = []
    for sentence in _SENTENCE_BREAK.split(line.text):
        tokens = sentence.split()
        if len(tokens) <= max_words and len(sentence) <= max_chars:
            out.append(replace(line, text=sentence))
            continue
        piece: list[str] = []
        size = -1
        for token in tokens:
            if piece and (len(piece) >= max_words or size + len(token) + 1 > max_chars):
                out.append(replace(line, text=" ".join(piece)))
                piece, size = [], -1
            piece.append(token)
            size += len(token) + 1
        if piece:
            out.append(replace(line, text=" ".join(piece)))
    return out


def chunk_sections(sections: list[Section]) -> list[Chunk]:
    """Chunks for retrieval: one per section, split at paragraph breaks when a section is
    longer than ``MAX_CHUNK_WORDS`` words. ``Chunk.text`` starts with the section path so
    the embedding knows where the text stands."""
    chunks: list[Chunk] = []
    for section in sections:
        group: list[Paragraph] = []
        words = 0
        for para in passages(section):  # never split a caption from what it introduces
            size = len(para.text.split())
            if group and words + size > MAX_CHUNK_WORDS:
                chunks.append(_chunk(section, group))
                group, words = [], 0
            group.append(para)
            words += size
        if group:
            chunks.append(_chunk(section, group))
    return chunks


def _chunk(section: Section, group: list[Paragraph]) -> Chunk:
    body = "\n".join(p.text for p in group)
    words = body.split()
    if len(words) > MAX_CHUNK_WORDS * 2:  # one enormous paragraph: keep what the model reads
        body = " ".join(words[: MAX_CHUNK_WORDS * 2])
    text = f"{section.title}\n{body}"
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Chunk(
        item=section.item,
        source=section.source,
        section=section.title,
        line_start=group[0].span[0],
        line_end=group[-1].span[1],
        text=text,
        key=key,
    )
