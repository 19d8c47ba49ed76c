"""The faithfulness gate: every number an answer states must come from its sources.

An answer leaves the engine only when each number in its text is found in its facts, its
citations, its related passages or the question; item numbers and line references name
things and are taken out first. :meth:`Assistant.ask` turns an answer that fails into a
refusal and logs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from ..records import Answer

_CLAIMED_NUMBER = re.compile(r"(?P<sign>(?<![\w.])[-+\u2212\u2013](?=\d))?(?P<digits>\d+(?:\.\d+)?)")
_ITEM_TOKEN = re.compile(r"[\w/-]+")
# "lines 271–275" or "page 2, lines 4–6" in a passage answer says where a quote stands;
# it claims nothing.
_LINE_REFERENCE = re.compile(r"\b(?:page\s+\d+,\s*)?lines?\s+\d+(?:\s*[-\u2013]\s*\d+)?")


def _numbers(text: str) -> list[tuple[str, str]]:
    """The numbers a text states, as (written, value): decimal comma read as a point, the
    sign kept, the value without trailing zeros (``-35 … +85 °C`` → ``-35``, ``85``;
    ``4.0`` and ``4`` are one value; the hyphen in ``2002-1204`` is no sign)."""
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    out = []
    for m in _CLAIMED_NUMBER.finditer(text):
        minus = "-" if m.group("sign") and m.group("sign") != "+" else ""
        value = format(Decimal(m.group("digits")).normalize(), "f")
        out.append((minus + m.group("digits"), (minus if value != "0" else "") + value))
    return out


def unsupported_numbers(answer: Answer, item_numbers: Iterable[str] = ()) -> list[str]:
    """Numbers in the answer text found in none of its facts, citations, related passages
    or the question. An empty list means the answer is faithful.

    Item numbers (of the answer's products and citations, and ``item_numbers``, e.g. the
    corpus's) and citation line references (``lines 271–275``) name things; they are
    taken out of the text before it is checked, so a bare ``770`` or ``1204`` or a line
    number elsewhere in the text still needs a source. Numbers are compared by value
    (``4`` is backed by ``4.0``); a sign counts: ``-35`` is not backed by ``35``.
    """
    cited = answer.citations + answer.related
    items = set(item_numbers) | set(answer.products) | {f.product for f in answer.facts}
    items |= {c.product for c in cited}
    # one pass over the text's word tokens, whatever the number of products in the corpus
    text = _ITEM_TOKEN.sub(lambda m: " " if m.group(0) in items else m.group(0), answer.answer)
    for item in (i for i in items if i and not _ITEM_TOKEN.fullmatch(i)):  # unusual item numbers
        text = text.replace(item, " ")
    text = _LINE_REFERENCE.sub(" ", text)
    sources = [answer.question]
    sources += [f"{f.attribute} {f.qualifier} {f.value} {f.section}" for f in answer.facts]
    sources += [f"{c.section} {c.quote}" for c in cited]
    # each distinct source once: a filter's thousands of matches print the same rows
    known = {value for _written, value in _numbers(" ".join(dict.fromkeys(sources)))}
    return [written for written, value in _numbers(text) if value not in known]
