"""Answering: turn a question into a cited :class:`Answer`, never a guess.

Order of work for a question: resolve the products (item numbers, hints, conversation);
decide the kind (check / compare / passage / spec); look numbers up in the spec table
(rows, approvals, accessories) and passages up in the section chunks (dense + BM25 fused,
restricted to the products); refuse with ``not_found`` when no source covers the
question's key terms. Every number in an answer's text must come from its facts, its
citations or the question (checked before the answer leaves, see :func:`unsupported_numbers`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from decimal import Decimal
from pathlib import Path

import numpy as np

from . import checking
from ..index import indexing, store
from ..index.embedding import Embedder
from ..records import Answer, Citation, ContextLine, Fact, Product, Section, SpecRow, SpecTable
from ..ingest.normalising import ANSI_ESCAPE
from .resolve import ProductResolver
from .retrieval import Retriever, coverage, expand, key_terms, stem, terms, words
from ..ingest.sections import passages

log = logging.getLogger(__name__)

MAX_QUESTION = 500  # characters read of a question; longer input is cut, not rejected
_NO_CONDUCTOR = checking.Conductor(None, None, None, None)
_TIE = 0.005  # candidate scores this close are equally good answers
SMALL_CORPUS = 5  # up to this many products, a question naming none is answered for all
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PROCEDURAL = re.compile(
    r"^\s*(how\s+(do|can|should|would|to|must|is|are)\b|what('s|\s+is)\s+the\s+(procedure|way|"
    r"right way)|explain|describe|instructions?|steps?\b|procedure)", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|also|same for|and for|and under|and in)\b|"
                        r"\b(it|its|it's|that|this one|them)\b", re.IGNORECASE)
_COMPARATIVE = re.compile(r"\b(higher|more|larger|bigger|greater|wider|longer|heavier|lower|less|"
                          r"smaller|narrower|shorter|lighter)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_question(question: str) -> str:
    """A question as the engine reads it: control characters removed, whitespace folded,
    cut at ``MAX_QUESTION`` characters, decimal commas read as points."""
    text = ANSI_ESCAPE.sub(" ", question or "")
    text = _CONTROL.sub(" ", text)
    # a minus typed as U+2212 or a dash before a number ("at −40 °C"); "10–12" stays a range
    text = re.sub(r"(?<![\w.])[\u2212\u2013\u2012](?=\d)", "-", text)
    text = re.sub(r"\s+", " ", text).strip()[:MAX_QUESTION]
    return re.sub(r"(?<=\d),(?=\d)", ".", text)


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


class _ByItem(dict):
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


def _norm_quote(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\t", " ")).strip()


class Assistant:
    """The answering API used by the CLI and the TUI.

    ``open`` loads (building first when missing or stale) the index; ``ask`` answers.
    The embedding model is loaded on first need, or ahead of time with ``warm_up``.
    """

    def __init__(self, index: store.StoredIndex, embedder: Embedder | None = None):
        self.index = index
        self.embedder = embedder or Embedder()
        self.tables: dict[str, SpecTable] = index.tables
        self.resolver = ProductResolver(list(index.products.values()))
        self.retriever = Retriever(index.chunks, index.vectors)
        self.candidates: dict[str, list[Candidate]] = _ByItem(self._candidates, self.tables)
        self._lock = threading.Lock()

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, index_dir: Path | None = None, corpus_dir: Path | None = None,
             progress: indexing.Progress | None = None, embedder: Embedder | None = None,
             on_rebuild: Callable[[str], None] | None = None) -> "Assistant":
        """Load the index of ``index_dir``, (re)building it from ``corpus_dir`` first when it
        is missing, stale (corpus or model changed) or damaged; ``on_rebuild(reason)`` is
        told why. Defaults: the repository's ``index/`` and ``corpus/``.

        Raises FileNotFoundError (no corpus folder), indexing.NothingIndexed (no readable
        datasheet), store.IndexError_ (an index that cannot be read even after a rebuild).
        """
        index_dir, corpus_dir = default_paths(index_dir, corpus_dir)
        reason = indexing.check(index_dir, corpus_dir)
        embedder = embedder or Embedder()
        if reason:
            if on_rebuild:
                on_rebuild(reason)
            indexing.build(corpus_dir, index_dir, embedder, progress, reason)
        try:
            return cls(store.load_generation(index_dir, verify=False), embedder)
        except store.IndexCorrupt as exc:
            # files that match their checksums but cannot be read (written by a faulty
            # build): rebuild from the datasheets alone, carrying nothing over
            reason = f"the index could not be read ({exc})"
            if on_rebuild:
                on_rebuild(reason)
            indexing.build(corpus_dir, index_dir, embedder, progress, reason, full=True)
            return cls(store.load_generation(index_dir, verify=False), embedder)

    def warm_up(self) -> None:
        """Load the embedding model now (≈ 3 s) rather than at the first question needing it."""
        self.embedder.load()

    # ------------------------------------------------------------ browsing

    def products(self) -> list[Product]:
        """The products of the corpus, in index order."""
        return list(self.index.products.values())

    def spec_table(self, item: str) -> SpecTable:
        """A product's whole spec table. Raises KeyError for an unknown item number."""
        resolved = self.resolver.resolve(item).items
        if item not in self.tables and len(resolved) == 1:
            item = resolved[0]
        return self.tables[item]

    def context(self, citation: Citation, radius: int = 4) -> list[ContextLine]:
        """The kept lines around a citation (``radius`` lines either side), cited ones marked."""
        with self._lock:  # the UI asks for context while a worker thread may be answering
            lines = self.index.lines(citation.source, max(1, citation.line_start - 40), citation.line_end + 40)
        before = [l for l in lines if l.number < citation.line_start and l.text][-radius:]
        inside = [l for l in lines if citation.line_start <= l.number <= citation.line_end]
        after = [l for l in lines if l.number > citation.line_end and l.text][:radius]
        return [ContextLine(l.number, l.text, citation.line_start <= l.number <= citation.line_end)
                for l in before + inside + after]

    # ------------------------------------------------------------ candidates

    def _citation(self, item: str, source: str, section: str, start: int, end: int) -> Citation:
        lines = [l for l in self.index.lines(source, start, end) if l.text]
        quote = _norm_quote(" ".join(l.text for l in lines))
        return Citation(item, source, section, start, end, quote)

    def _candidates(self, table: SpecTable) -> list[Candidate]:
        out: list[Candidate] = []
        item = table.product.item
        for order, row in enumerate(table.rows):
            # a note names its subject in the qualifier ("Note (conductor cross-section)"):
            # it is found by its text, but never outranks the attribute it annotates
            label_terms = frozenset(terms("note" if _is_note(row.attribute) else row.label))
            out.append(Candidate(
                item, "row", row.attribute, row.label, row.value, label_terms,
                frozenset(terms(f"{row.label} {row.section} {row.standard} {row.value}")),
                frozenset(terms(f"{row.qualifier} {row.standard}")),
                self._citation(item, row.source, row.section, row.line_start, row.line_end),
                row, order))
        for order, a in enumerate(table.approvals, start=len(out)):
            label = f"{a.approval} certificate"
            text = f"approval certificate {a.group} {a.approval} {a.issuer} {a.standard}"
            out.append(Candidate(
                item, "approval", "Approval", label, a.certificate + (f" {a.note}" if a.note else ""),
                frozenset(terms(text)), frozenset(terms(text + " " + a.certificate)),
                frozenset(terms(f"{a.approval} {a.standard}")),
                self._citation(item, a.source, f"Approvals / Certificates › {a.group}",
                               a.line_start, a.line_end), None, order))
        for order, acc in enumerate(table.accessories, start=len(out)):
            text = f"{acc.group} accessory item {acc.description}"
            out.append(Candidate(
                item, "accessory", acc.group, acc.group, f"{acc.item_number} {acc.description}",
                frozenset(terms(text)), frozenset(terms(text)), frozenset(),
                self._citation(item, acc.source, acc.group, acc.line_start, acc.line_end),
                None, order))
        return out

    # ------------------------------------------------------------ asking

    def ask(self, question: str, history: Sequence[str] = (), id: str | None = None) -> Answer:
        """Answer a question, given the earlier questions of the conversation (oldest first).

        Never raises for any question text: empty or control-character input gets a
        ``clarify`` answer, an unknown item number a ``not_found`` one.
        """
        with self._lock:
            answer = self._ask(question, [clean_question(h) for h in history])
        answer = replace(answer, question=question, id=id)
        # the corpus's own item numbers are references, not claims
        missing = unsupported_numbers(answer, self.tables)
        if missing:
            log.warning("answer withheld, numbers without source %s: %r", missing, answer.answer)
            answer = self._refusal(answer.question, answer.products,
                                   list(answer.citations) + list(answer.related), id=id,
                                   why="the answer could not be backed by the datasheet text")
        return answer

    def _ask(self, raw: str, history: list[str]) -> Answer:
        question = clean_question(raw)
        if not re.search(r"[A-Za-z0-9]", question):
            return Answer(question, "clarify", "Ask a question about a datasheet, for example "
                          "“What is the strip length of the 2002-1204?”.")
        resolution = self.resolver.resolve(question, history)
        if resolution.unknown and not resolution.items:
            known = ", ".join(sorted(self.tables))
            return Answer(question, "not_found",
                          f"{', '.join(resolution.unknown)} is not in the datasheets I have "
                          f"(known item numbers: {known}). I won't answer from another product.")
        items = list(resolution.items)
        if not items:
            if len(self.tables) > SMALL_CORPUS:
                return self._clarify(question)
            items = list(self.tables)
        follow_up = bool(history) and (resolution.source != "question" or _FOLLOW_UP.search(question)) \
            and bool(_FOLLOW_UP.search(question))
        ignore = self.resolver.hint_terms(items) | {stem(w) for w in words(" ".join(items))}
        qterms = key_terms(question, ignore)
        if follow_up and not self._names_attribute(items, qterms):
            # an elliptical follow-up ("and for the 770 plug?", "and under UL?") asks the
            # previous question again; one naming its own attribute ("how heavy is it?") not
            earlier = key_terms(history[-1], ignore)
            qterms = earlier + [t for t in qterms if t not in earlier]
        if checking.is_check(question):
            return self._check(question, items, qterms)
        if not qterms:
            return self._overview(question, items)
        if len(items) >= 2 and resolution.source == "question":
            return self._compare(question, items, qterms)
        return self._lookup(question, items, qterms)

    def _names_attribute(self, items: list[str], qterms: list[str]) -> bool:
        """Whether a question term (or a synonym) names an attribute of these products."""
        wanted = {t for q in qterms for t in expand(q)}
        return any(wanted & c.attribute_terms for item in items for c in self.candidates.get(item, []))

    # ------------------------------------------------------------ spec lookups

    def _score(self, cand: Candidate, qterms: list[str]) -> float:
        cov = coverage(qterms, set(cand.all_terms))
        label_cov = coverage(qterms, set(cand.label_terms))
        extra = len(cand.label_terms - {t for q in qterms for t in expand(q)})
        return cov + 0.5 * label_cov - 0.02 * extra - 0.0001 * cand.order

    def _best_rows(self, item: str, qterms: list[str], question: str) -> tuple[float, list[Candidate]]:
        """The best-matching candidates of one product: coverage, and the rows that answer
        (all qualifiers of the best attribute, narrowed when the question names one)."""
        scored = [(self._score(c, qterms), coverage(qterms, set(c.all_terms)), c)
                  for c in self.candidates.get(item, [])]
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
                 and named(c) == named(top) and not _is_note(c.attribute)
                 and (s >= top_score - _TIE or c.kind != top.kind)]
        # "which wire sizes?" without a conductor class: every conductor range of the sheet
        if top.row and checking.conductor_rows([top.row]) and checking.conductor(question) == _NO_CONDUCTOR:
            same += [c for s, cov, c in scored if c not in same and cov >= top_cov - 1e-9
                     and c.row and checking.conductor_rows([c.row])]
        qualifier_words = {stem(w) for w in words(question)}
        overlap = {id(c): len(c.qualifier_terms & qualifier_words) for c in same}
        best = max(overlap.values(), default=0)
        if best:
            same = [c for c in same if overlap[id(c)] == best]
        same.sort(key=lambda c: c.order)
        return top_cov, same

    def _lookup(self, question: str, items: list[str], qterms: list[str]) -> Answer:
        spec = {item: self._best_rows(item, qterms, question) for item in items}
        spec_cov = max((cov for cov, _ in spec.values()), default=0.0)
        procedural = bool(_PROCEDURAL.search(question))
        if not procedural and spec_cov >= 1.0 - 1e-9:
            # the spec table covers every key term: no passage can cover more, so the
            # answer is the same without retrieval (and needs no embedding model)
            answered = {item: rows for item, (cov, rows) in spec.items() if _enough(cov, qterms) and rows}
            return self._spec_answer(question, answered)
        paras = self._passages(question, items, qterms)
        passage_cov = paras[0][1] if paras else 0.0
        if procedural and _enough(passage_cov, qterms):
            return self._passage_answer(question, paras)
        if _enough(spec_cov, qterms) and spec_cov >= passage_cov - 1e-9:
            answered = {item: rows for item, (cov, rows) in spec.items() if _enough(cov, qterms) and rows}
            return self._spec_answer(question, answered)
        if _enough(passage_cov, qterms):
            return self._passage_answer(question, paras)
        if _enough(spec_cov, qterms):
            answered = {item: rows for item, (cov, rows) in spec.items() if _enough(cov, qterms) and rows}
            return self._spec_answer(question, answered)
        return self._refusal(question, tuple(items), [p[0] for p in paras[:3]])

    def _spec_answer(self, question: str, answered: dict[str, list[Candidate]]) -> Answer:
        parts, facts, citations = [], [], []
        for item, rows in answered.items():
            # the same value printed again elsewhere in the sheet ("Strip length 9 mm" in
            # the installation notes) is cited, not repeated
            kept = [c for c in rows if not any(o is not c and o.label == c.label and o.value != c.value
                                               and o.value.startswith(c.value) for o in rows)]
            shown = "; ".join(dict.fromkeys(_shown(c) for c in kept))
            parts.append(f"{item}: {shown}")
            for c in rows:
                facts.append(_fact(c))
                citations.append(c.citation)
        first = next(iter(answered.values()))[0]
        return Answer(question, "spec", ". ".join(parts) + ".", tuple(answered),
                      headline=first.value if first.kind != "accessory" else first.value.split(" ")[0],
                      facts=tuple(facts), citations=tuple(citations))

    def _overview(self, question: str, items: list[str]) -> Answer:
        """``Tell me about the 770 plug``: the product's title and its first quantity rows."""
        facts, citations, parts = [], [], []
        for item in items:
            rows = [c for c in self.candidates[item] if c.row and c.row.quantity][:6]
            parts.append(f"{item}: " + "; ".join(_shown(c) for c in rows))
            facts += [_fact(c) for c in rows]
            citations += [c.citation for c in rows]
        return Answer(question, "spec", ". ".join(parts) + ".", tuple(items),
                      facts=tuple(facts), citations=tuple(citations))

    def _compare(self, question: str, items: list[str], qterms: list[str]) -> Answer:
        chosen: dict[str, list[Candidate]] = {}
        for item in items:
            cov, rows = self._best_rows(item, qterms, question)
            if _enough(cov, qterms) and rows:
                chosen[item] = rows
        if not chosen:
            return self._refusal(question, tuple(items), [p[0] for p in self._passages(question, items, qterms)[:3]])
        parts, facts, citations = [], [], []
        for item, rows in chosen.items():
            parts.append(f"{item}: {'; '.join(_shown(c) for c in rows)}")
            facts += [_fact(c) for c in rows]
        for depth in range(max(len(r) for r in chosen.values())):  # each product's first row first
            citations += [rows[depth].citation for rows in chosen.values() if depth < len(rows)]
        text = ". ".join(parts) + "."
        missing = [i for i in items if i not in chosen]
        if missing:
            text += f" The datasheet of {', '.join(missing)} does not give this."
        verdict_line = self._which(question, chosen)
        if verdict_line:
            text = verdict_line + " " + text
        return Answer(question, "compare", text, tuple(items), facts=tuple(facts),
                      citations=tuple(citations), headline=verdict_line)

    @staticmethod
    def _which(question: str, chosen: dict[str, list[Candidate]]) -> str:
        word = _COMPARATIVE.search(question)
        firsts = {item: rows[0].row.quantity for item, rows in chosen.items() if rows[0].row and rows[0].row.quantity}
        if not word or len(firsts) < 2 or len({q.unit for q in firsts.values()}) != 1:
            return ""
        low = word.group(1).lower() in {"lower", "less", "smaller", "narrower", "shorter", "lighter"}
        pick = (min if low else max)(firsts, key=lambda i: firsts[i].high)
        return f"{pick} has the {word.group(1).lower()} value."

    # ------------------------------------------------------------ checks

    def _check(self, question: str, items: list[str], qterms: list[str]) -> Answer:
        asked = checking.asked_value(question)
        results = []
        for item in items:
            rows = list(self.tables[item].rows)
            decided = self._check_rows(question, asked, rows)
            if decided:
                results.append((item, decided))
        if not results:
            return self._refusal(question, tuple(items), [p[0] for p in self._passages(question, items, qterms)[:3]],
                                 why=f"no range to check {asked.text} against")
        verdicts, parts, facts, citations, headline = [], [], [], [], ""
        for item, (verdict, lines, rows) in results:
            verdicts.append(verdict)
            parts.append(f"{item}: {verdict}: " + "; ".join(lines))
            cands = {id(c.row): c for c in self.candidates[item] if c.row is not None}
            for row in rows:
                cand = cands[id(row)]
                facts.append(_fact(cand))
                citations.append(cand.citation)
            headline = headline or f"{verdict}: {rows[0].value}"
        verdict = verdicts[0] if len(set(verdicts)) == 1 else "conditional"
        return Answer(question, "check", " ".join(parts), tuple(i for i, _ in results), verdict=verdict,
                      headline=headline, facts=tuple(facts), citations=tuple(citations))

    def _check_rows(self, question: str, asked: checking.Asked, rows: list[SpecRow]):
        """(verdict, explanation lines, deciding rows) for one product, or None."""
        if asked.unit in ("mm²", "AWG"):
            return self._check_conductor(question, asked, rows)
        q = question.lower()
        if asked.unit == "A":
            pool = [r for r in rows if "current" in r.attribute.lower() and r.quantity and r.quantity.unit == "A"]
        elif asked.unit == "V":
            impulse = bool(re.search(r"impulse|surge", q))
            pool = [r for r in rows if "voltage" in r.attribute.lower() and r.quantity
                    and r.quantity.unit in ("V", "kV") and (("impulse" in r.attribute.lower()) == impulse)]
        elif asked.unit == "°C":
            pool = [r for r in rows if "temperature" in r.attribute.lower() and r.quantity
                    and r.quantity.unit == "°C" and r.quantity.is_range]
            if re.search(r"continu|operat|run|service|ambient|permanent", q):
                pool = [r for r in pool if "continuous" in r.attribute.lower() or "operating" in r.attribute.lower()] or pool
            elif re.search(r"process|install|wir|mount|assembl|handl", q):
                pool = [r for r in pool if "processing" in r.attribute.lower()] or pool
        else:
            pool = [r for r in rows if r.quantity and r.quantity.unit == asked.unit]
        if not pool:
            return None
        words_q = {stem(w) for w in words(question)}
        named = [r for r in pool if {stem(w) for w in words(r.qualifier + " " + r.standard)} & words_q]
        pool = named or pool
        results = [(r, checking.fits(asked, r)) for r in pool]
        results = [(r, ok) for r, ok in results if ok is not None]
        if not results:
            return None
        oks = {ok for _, ok in results}
        verdict = "yes" if oks == {True} else "no" if oks == {False} else "conditional"
        lines = [checking.describe(asked, r, ok) for r, ok in results]
        return verdict, lines, [r for r, _ in results]

    def _check_conductor(self, question: str, asked: checking.Asked, rows: list[SpecRow]):
        want = checking.conductor(question)
        pool = checking.conductor_rows(rows)
        if not pool:
            return None

        def matches(row: SpecRow) -> bool:
            have = checking.row_conductor(row)
            if want.klass and have.klass != want.klass:
                return False
            if (want.ferrule or False) != have.ferrule:
                return False
            if want.collar is not None and have.collar is not None and want.collar != have.collar:
                return False
            return True

        fitting = [r for r in pool if matches(r)]
        if want.collar is not None:
            exact = [r for r in fitting if checking.row_conductor(r).collar == want.collar]
            fitting = exact + [r for r in fitting if checking.row_conductor(r).push_in and r not in exact]
        if not fitting:
            return None
        general = [r for r in fitting if not checking.row_conductor(r).push_in]
        push = [r for r in fitting if checking.row_conductor(r).push_in]
        if want.push_in is True:
            # a push-in row that gives only a minimum ("from 1.5 mm²") leaves the maximum
            # to the general rows of the same conductor
            open_ended = any(checking.is_minimum(r) for r in push)
            deciding = (push + general) if open_ended else (push or general)
        elif want.push_in is False:
            deciding = general or push
        else:
            deciding = general + push
        results = [(r, checking.fits(asked, r)) for r in deciding]
        results = [(r, ok) for r, ok in results if ok is not None]
        if not results:
            return None
        lines = [checking.describe(asked, r, ok) for r, ok in results]
        oks = [ok for _, ok in results]
        if want.push_in is None and general and push:
            g = [ok for r, ok in results if r in general]
            p = [ok for r, ok in results if r in push]
            if all(g) and all(p):
                verdict = "yes"
            elif not any(g) and not any(p):
                verdict = "no"
            else:
                verdict = "conditional"
                if any(g) and not any(p):
                    lines.append("so it fits with an operating tool, not by push-in")
        elif want.push_in is True and not push:
            verdict = "conditional" if any(oks) else "no"
            lines.append("the datasheet gives no push-in range for this conductor")
        elif want.push_in is True and any(checking.is_minimum(r) for r in push):
            p = [ok for r, ok in results if r in push]
            g = [ok for r, ok in results if r not in push]
            verdict = "no" if not all(p) else "yes" if all(g) else "conditional" if any(g) else "no"
        else:
            verdict = "yes" if all(oks) else "no" if not any(oks) else "conditional"
        ordered = sorted(results, key=lambda x: (x[1] is True) == (verdict == "no"))
        return verdict, lines, [r for r, _ in ordered]

    # ------------------------------------------------------------ passages

    def _query_vector(self, question: str) -> np.ndarray:
        return self.embedder.encode([question])[0]

    def _passages(self, question: str, items: list[str], qterms: list[str]) -> list[tuple[Citation, float, float]]:
        """Quotable passages ranked for the question: (citation, coverage, score), best first.

        Chunks come from fused dense + BM25 retrieval within the products; passages of the
        top chunks are ranked by key-term coverage (passage text and its section title),
        then by their chunk's fused rank.
        """
        if not qterms:
            return []
        vector = self._query_vector(question)
        hits = self.retriever.search(question, items, vector, k=6)
        ranked = []
        for rank, hit in enumerate(hits):
            chunk = self.index.chunks[hit.chunk_id]
            section = Section(chunk.item, chunk.source, tuple(chunk.section.split(" › ")),
                              tuple(self.index.lines(chunk.source, chunk.line_start, chunk.line_end)))
            for para in passages(section):
                if "\t" in para.text:
                    continue  # table rows are answered from the spec table
                text_terms = set(terms(para.text + " " + chunk.section))
                cov = coverage(qterms, text_terms)
                ranked.append((Citation(chunk.item, chunk.source, chunk.section, para.span[0], para.span[1],
                                        _norm_quote(para.text)), cov, cov + 0.5 / (1 + rank)))
        ranked.sort(key=lambda r: -r[2])
        seen, out = set(), []
        for cit, cov, score in ranked:
            key = (cit.source, cit.line_start)
            if key not in seen:
                seen.add(key)
                out.append((cit, cov, score))
        return out

    def _passage_answer(self, question: str, paras: list[tuple[Citation, float, float]]) -> Answer:
        best_cov = paras[0][1]
        good = [p for p in paras if p[1] >= best_cov - 1e-9][:3]
        cited = [c for c, _cov, _s in paras[:3]]
        for cit, _cov, _s in good:
            if cit not in cited:
                cited.append(cit)
        text = " ".join(f"{c.product} ({c.section}, lines {c.line_start}–{c.line_end}): “{c.quote}”" for c, _, _ in good[:2])
        products = tuple(dict.fromkeys(c.product for c in cited[:3]))
        return Answer(question, "passage", text, products, citations=tuple(cited))

    # ------------------------------------------------------------ refusals

    def _refusal(self, question: str, items: tuple[str, ...] | list[str], related: list[Citation],
                 id: str | None = None, why: str = "") -> Answer:
        names = ", ".join(items) if items else "the products I have"
        text = f"The datasheets don't say that for {names}."
        if why:
            text = f"The datasheets don't say that for {names} ({why})."
        if related:
            text += " Related passages are shown, not as an answer."
        return Answer(question, "not_found", text, tuple(items), related=tuple(related[:3]), id=id)

    def _clarify(self, question: str) -> Answer:
        hits = self.retriever.bm25_only(question, [], k=20)
        items = list(dict.fromkeys(self.index.chunks[h].item for h in hits))[:5]
        listing = ", ".join(items) if items else ", ".join(list(self.tables)[:5])
        return Answer(question, "clarify", f"Which product do you mean? Name an item number, e.g. {listing}.",
                      tuple(items))


def _is_note(attribute: str) -> bool:
    return attribute.lower().startswith("note")


def _enough(cov: float, qterms: list[str]) -> bool:
    """Enough of the question is covered to answer: all key terms for one or two, at most
    one in three missing for more."""
    if not qterms:
        return False
    missing = round((1 - cov) * len(qterms))
    return missing <= len(qterms) // 3


def _shown(c: Candidate) -> str:
    if c.kind == "row":
        extra = f" ({c.row.standard})" if c.row.standard and c.row.standard not in c.label else ""
        return f"{c.label} {c.value}{extra}"
    if c.kind == "approval":
        return f"{c.label} {c.value}"
    return f"{c.label}: {c.value}"


def _fact(c: Candidate) -> Fact:
    return Fact(c.item, c.attribute, c.value, c.citation.section, c.citation.source, c.citation.line_start,
                c.row.qualifier if c.row else "")


_CLAIMED_NUMBER = re.compile(r"(?P<sign>(?<![\w.])[-+\u2212\u2013](?=\d))?(?P<digits>\d+(?:\.\d+)?)")
_ITEM_TOKEN = re.compile(r"[\w/-]+")
# "lines 271–275" in a passage answer says where a quote stands; it claims nothing.
_LINE_REFERENCE = re.compile(r"\blines?\s+\d+(?:\s*[-\u2013]\s*\d+)?")


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
    known = {value for _written, value in _numbers(" ".join(sources))}
    return [written for written, value in _numbers(text) if value not in known]


def default_paths(index_dir: Path | None, corpus_dir: Path | None) -> tuple[Path, Path]:
    """The index and corpus folders to use: as given, else ``index/`` and ``corpus/`` of
    the current directory when it has a corpus, else of the repository this package is in."""
    here = Path.cwd()
    repo = Path(__file__).resolve().parent.parent
    base = here if (here / "corpus").is_dir() else repo
    return (Path(index_dir) if index_dir else base / "index",
            Path(corpus_dir) if corpus_dir else base / "corpus")
