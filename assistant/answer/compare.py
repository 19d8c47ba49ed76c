"""Comparisons: the same attribute of several products, each from its own sheet."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..records import Answer
from . import passage, refusal
from .matching import Candidate, best_rows, enough, fact, shown

if TYPE_CHECKING:
    from .assistant import Assistant

_COMPARATIVE = re.compile(r"\b(higher|more|larger|bigger|greater|wider|longer|heavier|lower|less|"
                          r"smaller|narrower|shorter|lighter)\b", re.IGNORECASE)
_SMALLER = {"lower", "less", "smaller", "narrower", "shorter", "lighter"}


def answer(engine: "Assistant", question: str, items: list[str], qterms: list[str]) -> Answer:
    """Each product's best rows for the question side by side; which one is higher or
    lower when the question asks and the units agree; products whose sheet does not give
    the attribute are named."""
    chosen: dict[str, list[Candidate]] = {}
    for item in items:
        cov, rows = best_rows(engine.candidates.get(item, []), qterms, question)
        if enough(cov, qterms) and rows:
            chosen[item] = rows
    if not chosen:
        related = [p[0] for p in passage.ranked_passages(engine, question, items, qterms)[:3]]
        return refusal.not_found(question, tuple(items), related)
    parts, facts, citations = [], [], []
    for item, rows in chosen.items():
        parts.append(f"{item}: {'; '.join(shown(c) for c in rows)}")
        facts += [fact(c) for c in rows]
    for depth in range(max(len(r) for r in chosen.values())):  # each product's first row first
        citations += [rows[depth].citation for rows in chosen.values() if depth < len(rows)]
    text = ". ".join(parts) + "."
    missing = [i for i in items if i not in chosen]
    if missing:
        text += f" The datasheet of {', '.join(missing)} does not give this."
    verdict_line = _which(question, chosen)
    if verdict_line:
        text = verdict_line + " " + text
    return Answer(question, "compare", text, tuple(items), facts=tuple(facts),
                  citations=tuple(citations), headline=verdict_line)


def _which(question: str, chosen: dict[str, list[Candidate]]) -> str:
    word = _COMPARATIVE.search(question)
    firsts = {item: rows[0].row.quantity for item, rows in chosen.items() if rows[0].row and rows[0].row.quantity}
    if not word or len(firsts) < 2 or len({q.unit for q in firsts.values()}) != 1:
        return ""
    low = word.group(1).lower() in _SMALLER
    pick = (min if low else max)(firsts, key=lambda i: firsts[i].high)
    return f"{pick} has the {word.group(1).lower()} value."
