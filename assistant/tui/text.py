"""Turning datasheet and user text into display :class:`Content`, literally.

Nothing here parses markup: a datasheet line or a question containing ``[bold]`` or
``[@click=app.quit]`` is shown as those characters. Control characters (ANSI escapes
included) are replaced by visible symbols so they cannot move the cursor or restyle the
terminal.
"""

from __future__ import annotations

import re

from textual.content import Content

from ..records import Answer, Citation, Product
from ..vocabulary import vocabulary

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # C0 controls have "control pictures": ESC → ␛
    if code == 0x7F:
        return "␡"
    return f"\\x{code:02x}"  # C1 controls have no picture


def printable(text: str) -> str:
    """``text`` with tabs as spaces and every other control character made visible."""
    return _CONTROL.sub(_picture, text.replace("\t", "    ").replace("\r\n", "\n"))


def literal(text: str, style: str = "") -> Content:
    """Plain (never markup) content of ``text``, optionally in one style."""
    if style:
        return Content.assemble((printable(text), style), strip_control_codes=False)
    return Content(printable(text), strip_control_codes=False)


# Conductor classes as people say them (the vocabulary names classes by id only).
CONDUCTOR_NAMES = {
    "solid": "solid",
    "stranded": "stranded",
    "fine_stranded": "fine-stranded",
    "ferrule": "with ferrule",
    "ferrule_collar": "ferrule with collar",
    "ferrule_no_collar": "ferrule without collar",
}


def conductor_name(conductor: str) -> str:
    """A spec row's conductor class for display: ``fine_stranded`` → ``fine-stranded``,
    ``""`` for none; an id the table above does not know is shown with spaces."""
    return CONDUCTOR_NAMES.get(conductor, conductor.replace("_", " "))


def feature_label(feature: str, conductor: str = "") -> str:
    """A spec row's canonical feature by its vocabulary name, with the conductor class
    where set: ``rated current``, ``conductor cross section · solid``; ``""`` for none
    (an id the vocabulary no longer has is shown as is)."""
    known = vocabulary().features.get(feature)
    name = known.name if known else feature.replace("_", " ")
    return " · ".join(v for v in (name, conductor_name(conductor)) if v)


def _folded(identifier: str) -> str:
    return re.sub(r"[\W_]+", "", identifier.casefold())


def shown_identifiers(product: Product) -> list[str]:
    """The identifiers of a product worth showing, item first: each of
    ``Product.identifiers`` once, leaving out one that differs from an earlier one only by
    separators (the file stem ``770-1252_076-000`` of item ``770-1252/076-000``)."""
    out: list[str] = []
    for identifier in product.identifiers or (product.item,):
        if identifier and all(_folded(identifier) != _folded(o) for o in out):
            out.append(identifier)
    return out


def citation_label(citation: Citation) -> str:
    """Where a citation stands: ``corpus/2002-1204.txt · Connection data · line 65``; for a
    PDF by page and line on the page: ``corpus/s201.pdf · Ambient conditions · page 1, line 30``."""
    parts = [citation.source, citation.section, citation.where]
    return " · ".join(p for p in parts if p)


def citation_option(citation: Citation) -> Content:
    """A citation in the source pane's list: ``L65 Connection data · corpus/2002-1204.txt``;
    for a PDF ``p3 L23–24 …`` (page, lines on the page)."""
    start, end = citation.line_start, citation.line_end
    page = ""
    if citation.page:
        page, start, end = f"p{citation.page} ", citation.page_line_start, citation.page_line_end
    span = f"{start}" if start == end else f"{start}–{end}"
    return Content.assemble((f"{page}L{span} ", "bold"), literal(citation.section or "—"),
                            (f" · {printable(citation.source)}", "$text-muted"), strip_control_codes=False)


def citation_text(citation: Citation) -> str:
    """A citation as copied to the clipboard: the quote and where it stands."""
    return f"“{citation.quote}” — {citation_label(citation)}"


def answer_text(answer: Answer) -> str:
    """An answer as copied to the clipboard: question, answer and its sources."""
    out = [f"Q: {answer.question}", f"A: {answer.answer}"]
    if answer.citations:
        out.append("Sources:")
        out += [f"  {citation_label(c)}: “{c.quote}”" for c in answer.citations]
    elif answer.related:
        out.append("Related passages (not an answer):")
        out += [f"  {citation_label(c)}: “{c.quote}”" for c in answer.related]
    return "\n".join(out)


def citation_heading(citation: Citation, product: str = "") -> Content:
    """Heading of a shown passage: the ``product``'s name when given (``WAGO 2002-1204``),
    the line span (for a PDF, page and lines on the page), the section path, then the
    datasheet's file; the heading is cut at the screen's edge, so the short parts lead."""
    parts: list[str | tuple[str, str]] = []
    if product:
        parts += [(printable(product), "bold $text-accent"), " · "]
    parts += [(citation.where, "bold"), " · ", (printable(citation.section or "—"), "bold"), " · ",
              (printable(citation.source), "$text-muted")]
    return Content.assemble(*parts, strip_control_codes=False)
