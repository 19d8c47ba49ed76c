"""Lookups: a value read from the spec table (``spec``), or, when the text covers the
question better, a passage; an overview of a product when the question names no attribute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..records import Answer
from . import passage, refusal
from .matching import Candidate, best_rows, enough, fact, shown

if TYPE_CHECKING:
    from .assistant import Assistant

PROCEDURAL = re.compile(
    r"^\s*(how\s+(do|can|should|would|to|must|is|are)\b|what('s|\s+is)\s+the\s+(procedure|way|"
    r"right way)|explain|describe|instructions?|steps?\b|procedure)", re.IGNORECASE)


def answer(engine: "Assistant", question: str, items: list[str], qterms: list[str]) -> Answer:
    """The spec rows or passage that cover the question's key terms best, else a refusal
    with the closest passages as related."""
    spec = {item: best_rows(engine.candidates.get(item, []), qterms, question) for item in items}
    spec_cov = max((cov for cov, _ in spec.values()), default=0.0)
    procedural = bool(PROCEDURAL.search(question))

    def answered() -> dict[str, list[Candidate]]:
        return {item: rows for item, (cov, rows) in spec.items() if enough(cov, qterms) and rows}

    if not procedural and spec_cov >= 1.0 - 1e-9:
        # the spec table covers every key term: no passage can cover more, so the
        # answer is the same without retrieval (and needs no embedding model)
        return spec_answer(question, answered())
    paras = passage.ranked_passages(engine, question, items, qterms)
    passage_cov = paras[0][1] if paras else 0.0
    if procedural and enough(passage_cov, qterms):
        return passage.answer(question, paras)
    if enough(spec_cov, qterms) and spec_cov >= passage_cov - 1e-9:
        return spec_answer(question, answered())
    if enough(passage_cov, qterms):
        return passage.answer(question, paras)
    if enough(spec_cov, qterms):
        return spec_answer(question, answered())
    return refusal.not_found(question, tuple(items), [p[0] for p in paras[:3]])


def spec_answer(question: str, answered: dict[str, list[Candidate]]) -> Answer:
    """A ``spec`` answer from the chosen candidates of each product (item → candidates)."""
    parts, facts, citations = [], [], []
    for item, rows in answered.items():
        # the same value printed again elsewhere in the sheet ("Strip length 9 mm" in
        # the installation notes) is cited, not repeated
        kept = [c for c in rows if not any(o is not c and o.label == c.label and o.value != c.value
                                           and o.value.startswith(c.value) for o in rows)]
        text = "; ".join(dict.fromkeys(shown(c) for c in kept))
        parts.append(f"{item}: {text}")
        for c in rows:
            facts.append(fact(c))
            citations.append(c.citation)
    first = next(iter(answered.values()))[0]
    return Answer(question, "spec", ". ".join(parts) + ".", tuple(answered),
                  headline=first.value if first.kind != "accessory" else first.value.split(" ")[0],
                  facts=tuple(facts), citations=tuple(citations))


def overview(engine: "Assistant", question: str, items: list[str]) -> Answer:
    """``Tell me about the 770 plug``: the product's first quantity rows."""
    facts, citations, parts = [], [], []
    for item in items:
        rows = [c for c in engine.candidates[item] if c.row and c.row.quantity][:6]
        parts.append(f"{item}: " + "; ".join(shown(c) for c in rows))
        facts += [fact(c) for c in rows]
        citations += [c.citation for c in rows]
    return Answer(question, "spec", ". ".join(parts) + ".", tuple(items),
                  facts=tuple(facts), citations=tuple(citations))
