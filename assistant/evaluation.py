"""Evaluation: score answers against a question set by the rules of ``shared/eval/README.md``.

A question passes when its kind is ``not_found`` and the answer's is too; otherwise the
answer is not ``not_found``, the verdict matches (checks), every ``expect_all`` string is in
the answer text and ``cite`` is inside one of the first three citations' quotes, all compared
on normalised text. Numbers in an answer with no source are counted separately.
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


@dataclass(frozen=True)
class Scored:
    """A question, the answer given, whether it passed, why not, and unsupported numbers."""

    question: EvalQuestion
    answer: Answer
    passed: bool
    reason: str
    unsupported: tuple[str, ...]


def normalise(text: str) -> str:
    """The comparison form: case-folded, whitespace removed, ``...`` → ``…``, decimal comma
    → point, ``<sup>2</sup>`` → ``²``, Unicode hyphens → ``-``."""
    text = re.sub(r"<sup>\s*2\s*</sup>", "²", text or "")
    text = text.replace("...", "…")
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    text = re.sub(r"[\u2010\u2011\u2012\u2013\u2212]", "-", text)
    return re.sub(r"\s+", "", text).casefold()


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
                expect_all=tuple(data.get("expect_all") or ()), cite=data.get("cite") or ""))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a question record ({exc})") from exc
    return out


def score(question: EvalQuestion, answer: Answer, item_numbers: tuple[str, ...] = ()) -> Scored:
    """Score one answer (see the module docstring)."""
    unsupported = tuple(unsupported_numbers(answer, item_numbers))
    reason = ""
    if question.kind == "not_found":
        if answer.kind != "not_found":
            reason = f"expected not_found, got {answer.kind}"
    elif answer.kind == "not_found":
        reason = "answered not_found"
    else:
        text = normalise(answer.answer)
        if question.kind == "check":
            expected = [e for e in question.expect_all if e in ("yes", "no")]
            if expected and answer.verdict != expected[0]:
                reason = f"verdict {answer.verdict}, expected {expected[0]}"
            rest = [e for e in question.expect_all if e not in ("yes", "no")]
        else:
            rest = list(question.expect_all)
        missing = [e for e in rest if normalise(e) not in text]
        if not reason and missing:
            reason = f"answer lacks {missing}"
        if not reason and question.cite:
            quotes = [normalise(c.quote) for c in answer.citations[:3]]
            if not any(normalise(question.cite) in q for q in quotes):
                reason = "cited passage not in the first three citations"
    return Scored(question, answer, not reason, reason, unsupported)


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
