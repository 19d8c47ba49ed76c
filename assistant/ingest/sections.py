"""Sections: split a normalised datasheet into a heading hierarchy, paragraphs and chunks.

Headings are found from the text's structure, in both formats: Markdown ``#`` headings and
bold-only lines; in PDF text, short standalone title-like lines that read as section names
(``… data``, ``Approvals per …``, ``Installation Notes``) and lines that open a new page
(a leading space right after the previous page's last line, then a blank line); and, in
text without blank lines, lines that are only a datasheet part's name. A heading
is *major* (a new top-level section) when it names a datasheet part (``… data``,
``… Notes``, ``Approvals / Certificates`` …); any other heading nests under the current
major one, giving paths such as ``Electrical data › Approvals per UL 1059``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

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
MAX_CHUNK_WORDS = 110  # ≈ 190 MiniLM tokens at ~1.7 tokens/word, under its 256-token cut


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
        return bool(re.fullmatch(r"\*\*[^*]+\*\*", raw)) and _titleish(text, 8)
    # Standalone: a blank line before, and after it a blank line or a new page's first line.
    standalone = _is_blank(lines, index - 1) and (
        _is_blank(lines, index + 1) or lines[index + 1].raw.startswith(" ")
    )
    if standalone and _titleish(text, 6) and _SECTION_WORDS.search(text):
        return True
    # PDF text without blank separators: only an unmistakable datasheet part name
    # (``Connection data``, ``Ratings per IEC/EN 60664-1``) counts.
    if _titleish(text, 5) and (_MAJOR.search(text) or _PER_STANDARD.match(text)):
        return True
    page_top = (
        line.raw.startswith(" ")
        and not line.raw.startswith("  ")
        and (index == 0 or not _is_blank(lines, index - 1))
        and _is_blank(lines, index + 1)
    )
    return page_top and _titleish(text, 5)


def split_sections(doc: Document) -> list[Section]:
    """Split a document into sections in file order; body lines keep their provenance.

    Lines before the first heading form a section named ``General``. Empty sections
    (a heading directly followed by another) are dropped.
    """
    markdown = doc.source.lower().endswith(".md")
    sections: list[Section] = []
    path: tuple[str, ...] = ("General",)
    major = ""
    body: list[Line] = []

    def close() -> None:
        while body and not body[-1].text:
            body.pop()
        while body and not body[0].text:
            body.pop(0)
        if body:
            sections.append(Section(doc.item, doc.source, path, tuple(body)))

    for index, line in enumerate(doc.lines):
        if not is_heading(doc.lines, index, markdown):
            body.append(line)
            continue
        close()
        body = []
        title = line.text
        in_approvals = major.lower().startswith("approvals")
        if _MAJOR.search(title) or not major or (in_approvals and "approval" not in title.lower()):
            major, path = title, (title,)
        else:
            path = (major, title)
    close()
    return sections


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
    label (``Removing a staggered jumper:``) is joined to the paragraph it introduces."""
    out: list[Paragraph] = []
    pending: tuple[Line, ...] = ()
    for para in paragraphs(section):
        lines = pending + para.lines
        caption = len(para.lines) == 1 and len(para.text.split()) <= 8 and para.text.endswith((":", "."))
        if caption and not pending:
            pending = lines
            continue
        out.append(Paragraph(section, lines))
        pending = ()
    if pending:
        out.append(Paragraph(section, pending))
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
