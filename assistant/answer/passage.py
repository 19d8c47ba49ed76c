"""Passage answers: a procedure or note quoted from the product's text, cited.

Chunks come from fused dense + BM25 retrieval within the question's products; the
quotable passages of the top chunks are ranked by key-term coverage (passage text and its
section title), then by their chunk's fused rank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ingest.sections import passages
from ..records import Answer, Citation, Section
from .matching import norm_quote
from .retrieval import coverage, terms

if TYPE_CHECKING:
    from .assistant import Assistant

Ranked = tuple[Citation, float, float]
"""A passage ranked for a question: (citation, key-term coverage, score)."""


def ranked_passages(engine: "Assistant", question: str, items: list[str], qterms: list[str]) -> list[Ranked]:
    """Quotable passages of the products ranked for the question, best first."""
    if not qterms:
        return []
    vector = engine.query_vector(question)
    hits = engine.retriever.search(question, items, vector, k=6)
    ranked = []
    for rank, hit in enumerate(hits):
        chunk = engine.index.chunks[hit.chunk_id]
        section = Section(chunk.item, chunk.source, tuple(chunk.section.split(" › ")),
                          tuple(engine.index.lines(chunk.source, chunk.line_start, chunk.line_end)))
        for para in passages(section):
            if "\t" in para.text:
                continue  # table rows are answered from the spec table
            text_terms = set(terms(para.text + " " + chunk.section))
            cov = coverage(qterms, text_terms)
            citation = engine.citation(chunk.item, chunk.source, chunk.section, para.span[0], para.span[1],
                                       norm_quote(para.text))
            ranked.append((citation, cov, cov + 0.5 / (1 + rank)))
    ranked.sort(key=lambda r: -r[2])
    seen, out = set(), []
    for cit, cov, score in ranked:
        key = (cit.source, cit.line_start, cit.quote)  # pieces of one long line differ in quote
        if key not in seen:
            seen.add(key)
            out.append((cit, cov, score))
    return out


def answer(question: str, paras: list[Ranked]) -> Answer:
    """The passage answer: the best-covering passages quoted (two at most in the text),
    the top three cited."""
    best_cov = paras[0][1]
    good = [p for p in paras if p[1] >= best_cov - 1e-9][:3]
    cited = [c for c, _cov, _s in paras[:3]]
    for cit, _cov, _s in good:
        if cit not in cited:
            cited.append(cit)
    text = " ".join(f"{c.product} ({c.section}, {c.where}): “{c.quote}”" for c, _, _ in good[:2])
    products = tuple(dict.fromkeys(c.product for c in cited[:3]))
    return Answer(question, "passage", text, products, citations=tuple(cited))
