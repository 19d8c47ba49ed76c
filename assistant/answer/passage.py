"""Passage answers: a procedure or note quoted from the product's text, cited.

Chunks come from fused dense + BM25 retrieval within the question's products; the
quotable passages of the top chunks are ranked by key-term coverage (passage text and its
section title), then by their chunk's fused rank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re

import numpy as np

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


def answer(question: str, paras: list[Ranked], by_score: bool = False) -> Answer:
    """The passage answer: the best-covering passages (``by_score``: the best-ranked
    ones) quoted, two at most in the text, the top three cited."""
    best_cov = paras[0][1]
    good = paras[:2] if by_score else [p for p in paras if p[1] >= best_cov - 1e-9][:3]
    cited = [c for c, _cov, _s in paras[:3]]
    for cit, _cov, _s in good:
        if cit not in cited:
            cited.append(cit)
    text = " ".join(f"{c.product} ({c.section}, {c.where}): “{c.quote}”" for c, _, _ in good[:2])
    products = tuple(dict.fromkeys(c.product for c in cited[:3]))
    return Answer(question, "passage", text, products, citations=tuple(cited))


# Recall first for procedures: a passage answers when its chunk is close in meaning to the
# question (dense similarity of the question to the chunk, MiniLM unit vectors) or covers
# its key terms; calibrated on tests/questions/tune.jsonl.
DENSE_MIN = 0.42        # chunk similarity from which a passage may answer with one key term
DENSE_WEIGHT, COVERAGE_WEIGHT, SECTION_WEIGHT = 1.0, 1.2, 0.3
# The best passages so found are ranked again with their own dense similarity to the
# question (a chunk holds several passages; its similarity cannot tell them apart). Weights
# calibrated on tune, tune2, tune3 and the dev set's 106 procedure questions (expected
# passage first / in the first three, 64 / 80 before): 65 / 81 re-ranking one passage,
# 75 / 87 two, about the same with three or six. Two passages by their first 30 words (as
# good as 40 or 80; 20 loses two) keep a warm ask's p95 under 50 ms (benchmarks/run.py:
# 44–45 ms; 55 ms with three by 40 words, 98 ms with six by 80).
RERANK = 2              # passages embedded per question (kept per process)
RERANK_WORDS = 30       # words of a passage embedded
PASSAGE_WEIGHT, RERANK_CHUNK_WEIGHT, RERANK_COVERAGE_WEIGHT = 1.0, 0.5, 1.0
# A passage's own similarity from which it answers though its chunk is not close: the
# expected passages so found on tune scored 0.61–0.66, no not_found question above 0.47.
PASSAGE_MIN = 0.55
NEAR = 0.05  # how far below DENSE_MIN the chunk of the best-covering passage may be


def procedure_passages(engine: "Assistant", question: str, items: list[str], qterms: list[str]) -> list[Ranked]:
    """Passages that answer a how / where / why / when question, best first: the top
    chunks of fused retrieval within the products, each passage sharing a key term scored
    by its chunk's dense similarity to the question and its key-term coverage; the best
    ``RERANK`` are scored again with their own similarity. A passage answers when its
    chunk's similarity reaches ``DENSE_MIN``, it covers enough key terms, or its own
    similarity reaches ``PASSAGE_MIN``. A bare heading or caption is never an answer by
    itself; table rows are answered from the spec table. Returns (citation, key-term
    coverage, score), best first; empty when no passage answers."""
    vector = engine.query_vector(question)
    hits = engine.retriever.search(question, items, vector, k=8)
    if not hits:
        return []
    ids = np.asarray([h.chunk_id for h in hits])
    similarity = engine.retriever.dense_scores(vector, ids)
    ranked = []
    for hit, sim in zip(hits, similarity):
        chunk = engine.index.chunks[hit.chunk_id]
        section = Section(chunk.item, chunk.source, tuple(chunk.section.split(" › ")),
                          tuple(engine.index.lines(chunk.source, chunk.line_start, chunk.line_end)))
        for para in passages(section):
            text = para.text
            if "\t" in text or _heading_only(para):
                continue
            own = coverage(qterms, set(terms(text))) if qterms else 0.0
            cov = coverage(qterms, set(terms(text + " " + chunk.section))) if qterms else 0.0
            if cov <= 0:
                continue
            close = float(sim) >= DENSE_MIN or enough_terms(cov, qterms)
            citation = engine.citation(chunk.item, chunk.source, chunk.section, para.span[0], para.span[1],
                                       norm_quote(text))
            score = DENSE_WEIGHT * float(sim) + COVERAGE_WEIGHT * own + SECTION_WEIGHT * (cov - own)
            ranked.append((citation, cov, score, float(sim), own, close))
    ranked.sort(key=lambda r: -r[2])
    seen, pool = set(), []
    for entry in ranked:
        cit = entry[0]
        key = (cit.source, cit.line_start, cit.quote)
        if key not in seen:
            seen.add(key)
            pool.append(entry)
    # the passage covering the most key terms, half of them at least, in a chunk nearly
    # close ("5.2 Removing conductors: … Loosen the terminal screw … Pull the conductor
    # out" for "pull the wire out once the screw is loose")
    most = max((e[4] for e in pool), default=0.0)
    pool = [(cit, cov, score, sim, own, close or (own >= max(0.5, most - 1e-9) and sim >= DENSE_MIN - NEAR))
            for cit, cov, score, sim, own, close in pool]
    top, rest = pool[:RERANK], [(cit, cov, score) for cit, cov, score, _s, _o, close in pool[RERANK:] if close]
    if not top:
        return []
    # the best passages by their own similarity: one close in meaning answers even when
    # its chunk is not (a long section's chunk is about many things)
    own_sims = engine.text_vectors([_embedded_text(entry[0]) for entry in top]) @ vector
    top = sorted(((cit, cov, PASSAGE_WEIGHT * float(p) + RERANK_CHUNK_WEIGHT * sim
                   + RERANK_COVERAGE_WEIGHT * own + SECTION_WEIGHT * (cov - own))
                  for (cit, cov, _score, sim, own, close), p in zip(top, own_sims)
                  if close or float(p) >= PASSAGE_MIN), key=lambda r: -r[2])
    if not top:
        return rest
    # the passages not re-ranked follow, below every re-ranked one
    floor = top[-1][2]
    return top + [(cit, cov, min(score, floor) - 1e-6 * (i + 1)) for i, (cit, cov, score) in enumerate(rest)]


def _embedded_text(citation: Citation) -> str:
    """What is embedded of a passage: its section's last heading, then its first
    ``RERANK_WORDS`` words."""
    heading = citation.section.split(" › ")[-1]
    return f"{heading}: " + " ".join(citation.quote.split()[:RERANK_WORDS])


def _heading_only(para) -> bool:
    """A heading or caption standing alone (``Removing a conductor``, ``5.3 Replacing a
    protection module``): one short line that is no sentence; never an answer by itself."""
    text = para.text.strip()
    return len(para.lines) == 1 and len(text.split()) <= 8 and not text.endswith(".") and "=" not in text


def enough_terms(cov: float, qterms: list[str]) -> bool:
    """Enough key terms covered (see :func:`.matching.enough`)."""
    from .matching import enough

    return enough(cov, qterms)
