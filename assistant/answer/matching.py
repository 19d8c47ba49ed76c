"""Matching: which spec-table entries (rows, approvals, accessories) answer a question.

Every entry of a product's spec table becomes a :class:`Candidate` with the stems it can
be found by and the citation that backs it; a question's key terms are scored against
them (:func:`best_rows`). Candidates are built per product on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ..records import Citation, Fact, SpecRow, SpecTable
from . import fit
from .retrieval import coverage, expand, stem, terms, words

TIE = 0.005  # candidate scores this close are equally good answers
_NO_CONDUCTOR = fit.Conductor(None, None, None, None)


@dataclass(frozen=True)
class Candidate:
    """A spec-table entry that can answer a question: a row, an approval or an accessory,
    with the stems used to match it and the citation that backs it."""

    item: str
    kind: str  # "row" | "approval" | "accessory"
    attribute: str
    label: str
    value: str
    label_terms: frozenset[str]
    all_terms: frozenset[str]
    qualifier_terms: frozenset[str]
    citation: Citation
    row: SpecRow | None
    order: int

    @cached_property
    def attribute_terms(self) -> frozenset[str]:
        """Stems of the attribute name alone (``Rated current`` → rate, current)."""
        return frozenset(terms(self.attribute))


class CandidatesByItem(dict):
    """item number → its spec-table candidates, built on first use: a catalogue has
    thousands of products and a question touches a few (building them all took ~3 s of
    ``Assistant`` start-up at 1,000 datasheets)."""

    def __init__(self, build: Callable[[SpecTable], list[Candidate]], tables: dict[str, SpecTable]):
        super().__init__()
        self._build, self._tables = build, tables

    def __missing__(self, item: str) -> list[Candidate]:
        value = self[item] = self._build(self._tables[item])
        return value

    def get(self, item: str, default=None):
        """The item's candidates (built now if needed), ``default`` for an unknown item."""
        return self[item] if item in self._tables else default


def norm_quote(text: str) -> str:
    """A quote as cited: tabs and runs of whitespace folded to one space."""
    return re.sub(r"\s+", " ", text.replace("\t", " ")).strip()


def is_note(attribute: str) -> bool:
    """Whether a row is a note about another attribute (``Note (conductor cross-section)``)."""
    return attribute.lower().startswith("note")


def build_candidates(table: SpecTable, cite: Callable[[str, str, str, int, int], Citation]) -> list[Candidate]:
    """The candidates of one product's spec table; ``cite(item, source, section, start,
    end)`` makes the citation of a line span."""
    out: list[Candidate] = []
    item = table.product.item
    for order, row in enumerate(table.rows):
        # a note names its subject in the qualifier ("Note (conductor cross-section)"):
        # it is found by its text, but never outranks the attribute it annotates
        label_terms = frozenset(terms("note" if is_note(row.attribute) else row.label))
        out.append(Candidate(
            item, "row", row.attribute, row.label, row.value, label_terms,
            frozenset(terms(f"{row.label} {row.section} {row.standard} {row.value}")),
            frozenset(terms(f"{row.qualifier} {row.standard}")),
            cite(item, row.source, row.section, row.line_start, row.line_end),
            row, order))
    for order, a in enumerate(table.approvals, start=len(out)):
        label = f"{a.approval} certificate"
        text = f"approval certificate {a.group} {a.approval} {a.issuer} {a.standard}"
        out.append(Candidate(
            item, "approval", "Approval", label, a.certificate + (f" {a.note}" if a.note else ""),
            frozenset(terms(text)), frozenset(terms(text + " " + a.certificate)),
            frozenset(terms(f"{a.approval} {a.standard}")),
            cite(item, a.source, f"Approvals / Certificates › {a.group}", a.line_start, a.line_end),
            None, order))
    for order, acc in enumerate(table.accessories, start=len(out)):
        text = f"{acc.group} accessory item {acc.description}"
        out.append(Candidate(
            item, "accessory", acc.group, acc.group, f"{acc.item_number} {acc.description}",
            frozenset(terms(text)), frozenset(terms(text)), frozenset(),
            cite(item, acc.source, acc.group, acc.line_start, acc.line_end),
            None, order))
    return out


def score(cand: Candidate, qterms: list[str]) -> float:
    """How well a candidate matches the question's key terms: coverage of all its terms,
    plus half the coverage of its label, minus a little per label word the question did
    not ask for, minus a tiny amount by table order (earlier rows win exact ties)."""
    cov = coverage(qterms, set(cand.all_terms))
    label_cov = coverage(qterms, set(cand.label_terms))
    extra = len(cand.label_terms - {t for q in qterms for t in expand(q)})
    return cov + 0.5 * label_cov - 0.02 * extra - 0.0001 * cand.order


def best_rows(candidates: list[Candidate], qterms: list[str], question: str) -> tuple[float, list[Candidate]]:
    """The best-matching candidates of one product: (coverage of the best, the rows that
    answer: all qualifiers of the best attribute, narrowed when the question names one)."""
    scored = [(score(c, qterms), coverage(qterms, set(c.all_terms)), c) for c in candidates]
    if not scored:
        return 0.0, []
    scored.sort(key=lambda s: -s[0])
    top_score, top_cov, top = scored[0]
    if top.kind == "row" and top.attribute.lower() != "note":
        same = [c for s, cov, c in scored if c.kind == "row" and c.attribute == top.attribute
                and cov >= top_cov - 1e-9]
    else:
        same = [c for s, cov, c in scored if c.kind == top.kind and c.attribute == top.attribute
                and cov >= top_cov - 1e-9]
    # a question that does not tell two attributes apart ("UL rating", "locking levers"
    # as a row and as accessories) gets all of them rather than an arbitrary one
    wanted = {t for q in qterms for t in expand(q)}

    def named(c: Candidate) -> tuple[frozenset[str], frozenset[str]]:
        # the attribute words a question matched, and its terms found literally
        return c.attribute_terms & wanted, c.all_terms & frozenset(qterms)

    same += [c for s, cov, c in scored if c not in same and cov >= top_cov - 1e-9
             and named(c) == named(top) and not is_note(c.attribute)
             and (s >= top_score - TIE or c.kind != top.kind)]
    # "which wire sizes?" without a conductor class: every conductor range of the sheet
    if top.row and fit.conductor_rows([top.row]) and fit.conductor(question) == _NO_CONDUCTOR:
        same += [c for s, cov, c in scored if c not in same and cov >= top_cov - 1e-9
                 and c.row and fit.conductor_rows([c.row])]
    qualifier_words = {stem(w) for w in words(question)}
    overlap = {id(c): len(c.qualifier_terms & qualifier_words) for c in same}
    best = max(overlap.values(), default=0)
    if best:
        same = [c for c in same if overlap[id(c)] == best]
    same.sort(key=lambda c: c.order)
    return top_cov, same


def enough(cov: float, qterms: list[str]) -> bool:
    """Enough of the question is covered to answer: all key terms for one or two, at most
    one in three missing for more."""
    if not qterms:
        return False
    missing = round((1 - cov) * len(qterms))
    return missing <= len(qterms) // 3


def shown(c: Candidate) -> str:
    """A candidate as the answer text shows it: ``Rated current 24 A (IEC/EN 60664-1)``."""
    if c.kind == "row":
        extra = f" ({c.row.standard})" if c.row.standard and c.row.standard not in c.label else ""
        return f"{c.label} {c.value}{extra}"
    if c.kind == "approval":
        return f"{c.label} {c.value}"
    return f"{c.label}: {c.value}"


def fact(c: Candidate) -> Fact:
    """The :class:`Fact` a candidate contributes to an answer."""
    return Fact(c.item, c.attribute, c.value, c.citation.section, c.citation.source, c.citation.line_start,
                c.row.qualifier if c.row else "")
