"""Refusals: ``not_found`` ("the datasheets don't say") and ``clarify`` answers.

A refusal may show related rows and passages, always apart from the answer and labelled as
such: an installer whose question the engine could not match for sure sees the close rows
("Retention force … Locked: > 80 N" beside "how hard do I pull to get it apart?").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import Answer, Citation

if TYPE_CHECKING:
    from .assistant import Assistant


RELATED = 4       # citations shown beside a refusal
RELATED_ROWS = 2  # of them at most this many spec rows, those sharing most key terms


def related(engine: "Assistant", items: list[str], qterms: list[str], passages: list[Citation]) -> list[Citation]:
    """What a refusal shows beside it, never as the answer: the spec rows (rows,
    approvals, accessories) of ``items`` sharing the most of the question's key terms
    (``qterms``, stems; ``RELATED_ROWS`` at most, matched as :func:`.matching.score`
    ranks them), then those of ``passages`` (closest first) sharing a key term;
    ``RELATED`` citations at most, none when the question has no key term."""
    from .matching import score
    from .retrieval import coverage, terms

    if not qterms:
        return []
    rows = []
    for item in items[:5]:
        for cand in engine.candidates.get(item, []):
            if coverage(qterms, set(cand.all_terms)) > 0:
                rows.append((score(cand, qterms), cand.citation))
    rows.sort(key=lambda r: -r[0])
    out = [c for _s, c in rows[:RELATED_ROWS]]
    out += [c for c in passages if c not in out and coverage(qterms, set(terms(f"{c.quote} {c.section}"))) > 0]
    return out[:RELATED]


def not_found(question: str, items: tuple[str, ...] | list[str], related: list[Citation],
              id: str | None = None, why: str = "") -> Answer:
    """The datasheets don't say: names the products asked about and, with ``why``, the
    reason; up to ``RELATED`` related rows or passages are attached (never as the
    answer)."""
    names = ", ".join(items) if items else "the products I have"
    text = f"The datasheets don't say that for {names}."
    if why:
        text = f"The datasheets don't say that for {names} ({why})."
    if related:
        text += " Related passages are shown, not as an answer."
    return Answer(question, "not_found", text, tuple(items), related=tuple(related[:RELATED]), id=id)


def unknown_product(question: str, unknown: tuple[str, ...], near: tuple[str, ...]) -> Answer:
    """Part numbers typed that match no product: named, with the closest item numbers the
    corpus has; no other product's values."""
    names = ", ".join(unknown)
    verb = "is" if len(unknown) == 1 else "are"
    text = f"{names} {verb} not in the datasheets I have, so I won't answer from another product."
    if near:
        text += f" Closest item numbers: {', '.join(near)}."
    return Answer(question, "not_found", text)


def clarify(engine: "Assistant", question: str) -> Answer:
    """Which product? Suggests the products whose text matches the question best."""
    hits = engine.retriever.bm25_only(question, [], k=20)
    items = list(dict.fromkeys(engine.index.chunks[h].item for h in hits))[:5]
    listing = ", ".join(items) if items else ", ".join(list(engine.tables)[:5])
    return Answer(question, "clarify", f"Which product do you mean? Name an item number, e.g. {listing}.",
                  tuple(items))


def empty(question: str) -> Answer:
    """No question at all (empty or control characters only)."""
    return Answer(question, "clarify", "Ask a question about a datasheet, for example "
                  "“What is the strip length of the 2002-1204?”.")
