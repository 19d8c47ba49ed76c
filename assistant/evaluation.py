"""Evaluation: score answers against a question set by the rules of the answer contract
(``docs/answer-contract.md``).

A question passes when its kind is ``not_found`` and the answer's is too; a ``filter``
question when the answer's products are the expected set (any identifier of a product
counts); otherwise the answer is not ``not_found``, the verdict matches (checks: yes, no or
conditional), every ``expect_all`` string is in the answer text, ``cite`` is inside one of
the first three citations' quotes and, where ``source`` is given, none of the first three
citations comes from another file, all compared on normalised text. Numbers in an answer
with no source are counted separately, and so are **wrong-row** answers: a lookup or check
(not a refusal) whose first citation is not the expected ``cite``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .answer.gate import unsupported_numbers
from .records import Answer


@dataclass(frozen=True)
class EvalQuestion:
    """One line of a question set (``id``, ``question``, ``history``, expected ``kind`` …)."""

    id: str
    question: str
    history: tuple[str, ...]
    kind: str
    products: tuple[str, ...]
    expect_all: tuple[str, ...]
    cite: str
    source: str = ""


@dataclass(frozen=True)
class Scored:
    """A question, the answer given, whether it passed, why not, and unsupported numbers."""

    question: EvalQuestion
    answer: Answer
    passed: bool
    reason: str
    unsupported: tuple[str, ...]
    wrong_row: bool = False


def normalise(text: str) -> str:
    """The comparison form: case-folded, whitespace removed, ``...`` → ``…``, decimal comma
    → point, ``<sup>2</sup>`` → ``²``, Unicode hyphens → ``-``."""
    text = re.sub(r"<sup>\s*2\s*</sup>", "²", text or "")
    text = text.replace("...", "…")
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    text = re.sub(r"[\u2010\u2011\u2012\u2013\u2212]", "-", text)
    return re.sub(r"\s+", "", text).casefold()


def identifier_map(products) -> dict[str, str]:
    """Every identifier of every product (normalised) → the product's item, so a question
    set may name a product by any of them (``S201-C16`` for ``2CDS251001R0164``)."""
    out: dict[str, str] = {}
    for p in products:
        for ident in (p.item, *p.identifiers):
            out.setdefault(normalise(ident), p.item)
    return out


def read_questions(path: Path) -> list[EvalQuestion]:
    """Read a JSONL question set. Raises ValueError naming the line of a malformed entry."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            out.append(EvalQuestion(
                id=str(data.get("id", number)), question=data["question"],
                history=tuple(data.get("history") or ()), kind=data.get("kind", ""),
                products=tuple(data.get("products") or ()),
                expect_all=tuple(data.get("expect_all") or ()), cite=data.get("cite") or "",
                source=data.get("source") or ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a question record ({exc})") from exc
    return out


_VERDICTS = ("yes", "no", "conditional")


def score(question: EvalQuestion, answer: Answer, item_numbers: tuple[str, ...] = (),
          identifiers: dict[str, str] | None = None) -> Scored:
    """Score one answer (see the module docstring). ``identifiers`` maps every identifier
    of a product (normalised) to its item, for filter sets and ``source`` names."""
    unsupported = tuple(unsupported_numbers(answer, item_numbers))
    known = identifiers or {}
    reason = ""
    wrong_row = False
    if question.kind == "not_found":
        if answer.kind != "not_found":
            reason = f"expected not_found, got {answer.kind}"
    elif question.kind == "filter":
        want = {known.get(normalise(p), normalise(p)) for p in question.products}
        got = {known.get(normalise(p), normalise(p)) for p in answer.products}
        if answer.kind != "filter":
            reason = f"expected filter, got {answer.kind}"
        elif want != got:
            reason = f"products {sorted(got)} ≠ expected {sorted(want)}"
    elif answer.kind == "not_found":
        reason = "answered not_found"
    else:
        text = normalise(answer.answer)
        if question.kind == "check":
            expected = [e for e in question.expect_all if e in _VERDICTS]
            if expected and answer.verdict != expected[0]:
                reason = f"verdict {answer.verdict}, expected {expected[0]}"
            rest = [e for e in question.expect_all if e not in _VERDICTS]
        else:
            rest = list(question.expect_all)
        missing = [e for e in rest if normalise(e) not in text]
        if not reason and missing:
            reason = f"answer lacks {missing}"
        quotes = [normalise(c.quote) for c in answer.citations[:3]]
        if question.cite:
            wanted = normalise(question.cite)
            if not any(wanted in q for q in quotes):
                reason = reason or "cited passage not in the first three citations"
            if question.kind in ("spec", "check") and answer.kind in ("spec", "check") and \
                    quotes and wanted not in quotes[0] and answer.citations[0].product in _items(question, known):
                wrong_row = True
        if not reason and question.source:
            others = [c.source for c in answer.citations[:3] if Path(c.source).name != question.source]
            if others:
                reason = f"cites {others[0]}, expected {question.source}"
    return Scored(question, answer, not reason, reason, unsupported, wrong_row)


def _items(question: EvalQuestion, known: dict[str, str]) -> set[str]:
    """The items a question is about (its products, by any identifier)."""
    return {known.get(normalise(p), p) for p in question.products}


def report(results: list[Scored]) -> str:
    """A table per kind, the misses, and the unsupported-number count, as printed text."""
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for r in results:
        by_kind[r.question.kind].append(r)
    lines = [f"{'kind':<10} {'passed':>6} {'total':>6}"]
    for kind in sorted(by_kind):
        group = by_kind[kind]
        lines.append(f"{kind:<10} {sum(r.passed for r in group):>6} {len(group):>6}")
    passed = sum(r.passed for r in results)
    lines.append(f"{'all':<10} {passed:>6} {len(results):>6}")
    misses = [r for r in results if not r.passed]
    if misses:
        lines.append("")
        lines.append("misses:")
        for r in misses:
            lines.append(f"  {r.question.id} {r.question.question!r}: {r.reason}")
            lines.append(f"      got {r.answer.kind}: {r.answer.answer[:150]!r}")
    unsupported = sum(len(r.unsupported) for r in results)
    lines.append("")
    lines.append(f"unsupported numbers: {unsupported}")
    for r in results:
        if r.unsupported:
            lines.append(f"  {r.question.id}: {', '.join(r.unsupported)}")
    wrong = [r for r in results if r.wrong_row]
    lines.append(f"wrong-row answers: {len(wrong)}")
    for r in wrong:
        lines.append(f"  {r.question.id}: first citation {r.answer.citations[0].quote[:80]!r}")
    lines.append(f"score: {passed}/{len(results)} passed")
    return "\n".join(lines)


def retrieval_recall(assistant, questions: list[EvalQuestion], k: int = 3) -> dict[str, tuple[int, int]]:
    """Recall@k of the passage retriever, fused and each half alone, on a question set.

    A question counts when it expects a citation (``cite``) and is not ``not_found``; it is
    recalled when one of the top-k chunks of its resolved products contains the ``cite``
    text (normalised). The query is the question, after the conversation's last question
    when it has a history. Returns ``{"fused"|"dense"|"bm25": (recalled, counted)}``.
    """
    retriever, chunks = assistant.retriever, assistant.index.chunks
    counts = {"fused": [0, 0], "dense": [0, 0], "bm25": [0, 0]}
    for q in questions:
        if q.kind == "not_found" or not q.cite:
            continue
        items = list(assistant.resolver.resolve(q.question, list(q.history)).items) or sorted(assistant.tables)
        query = " ".join(list(q.history[-1:]) + [q.question])
        vector = assistant.embedder.encode([query])[0]
        ranked = {
            "fused": [h.chunk_id for h in retriever.search(query, items, vector, k)],
            "dense": retriever.dense_only(vector, items, k),
            "bm25": retriever.bm25_only(query, items, k),
        }
        wanted = normalise(q.cite)
        for name, ids in ranked.items():
            counts[name][1] += 1
            counts[name][0] += any(wanted in normalise(chunks[i].text) for i in ids)
    return {name: (hit, total) for name, (hit, total) in counts.items()}
