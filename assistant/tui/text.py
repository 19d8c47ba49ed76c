"""Turning datasheet and user text into display :class:`Content`, literally.

Nothing here parses markup: a datasheet line or a question containing ``[bold]`` or
``[@click=app.quit]`` is shown as those characters. Control characters (ANSI escapes
included) are replaced by visible symbols so they cannot move the cursor or restyle the
terminal.
"""

from __future__ import annotations

import re

from textual.content import Content

from ..records import Answer, Citation

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


def lines_label(start: int, end: int) -> str:
    """``line 65`` or ``lines 199–200``."""
    return f"line {start}" if start == end else f"lines {start}–{end}"


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


def citation_heading(citation: Citation) -> Content:
    """Heading of a shown passage: the datasheet, then the section path and line span
    (for a PDF, page and lines on the page)."""
    return Content.assemble(
        (printable(citation.source), "bold"), " · ",
        (printable(citation.section or "—"), "bold"), " · ",
        (citation.where, "bold"),
        strip_control_codes=False)
