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

from .answering import unsupported_numbers
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


def score(question: EvalQuestion, answer: Answer) -> Scored:
    """Score one answer (see the module docstring)."""
    unsupported = tuple(unsupported_numbers(answer))
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
