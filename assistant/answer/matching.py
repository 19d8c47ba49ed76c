"""Matching: which spec-table entries (rows, approvals, accessories) answer a question.

Every entry of a product's spec table becomes a :class:`Candidate` with the stems it can
be found by and the citation that backs it; a question's key terms are scored against
them (:func:`best_rows`). Candidates are built per product on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..records import Approval, Citation, Fact, SpecRow, SpecTable
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
    approval: Approval | None = None

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
            cite(item, a.source, a.group, a.line_start, a.line_end),
            None, order, a))
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


def shown_row(row: SpecRow) -> str:
    """A spec row as answer texts show it: ``Rated current 24 A (IEC/EN 60664-1)``."""
    extra = f" ({row.standard})" if row.standard and row.standard not in row.label else ""
    return f"{row.label} {row.value}{extra}"


def shown(c: Candidate) -> str:
    """A candidate as the answer text shows it: ``Rated current 24 A (IEC/EN 60664-1)``."""
    if c.kind == "row":
        return shown_row(c.row)
    if c.kind == "approval":
        who = ", ".join(x for x in (c.approval.issuer, c.approval.standard) if x) if c.approval else ""
        return f"{c.label} {c.value}" + (f" ({who})" if who else "")
    return f"{c.label}: {c.value}"


def fact(c: Candidate) -> Fact:
    """The :class:`Fact` a candidate contributes to an answer."""
    return Fact(c.item, c.attribute, c.value, c.citation.section, c.citation.source, c.citation.line_start,
                c.row.qualifier if c.row else "")


# ---------------------------------------------------------------- the fused attribute scorer
#
# A question's concept is matched to rows by several signals, fused with these weights
# (calibrated on tests/questions/tune.jsonl; the holdout is never used to set them):
WEIGHTS = {
    "feature": 2.0,     # the question names the row's canonical feature (vocabulary words)
    "coverage": 1.0,    # share of the question's key terms found in the row (stems, synonyms)
    "label": 0.5,       # share found in the row's label alone
    "extra": -0.02,     # per label word the question did not ask for
}
SPELLING_CUTOFF = 80    # rapidfuzz ratio above which an unknown word is read as a known one
FEATURE_MIN = 1         # words of a feature phrase a question must contain to name it


@dataclass(frozen=True)
class FeatureHit:
    """A canonical feature a question names: its id, the words of the phrase that named
    it (longer phrases name more surely), and the phrase."""

    feature: str
    words: int
    phrase: str


def _feature_phrases() -> dict[str, list[tuple[str, str]]]:
    """first word → [(phrase, feature)] for every question word and label phrase of every
    feature (word keys; single letters left out: "a", "v" name units, not features)."""
    from ..vocabulary import vocabulary

    cached = getattr(_feature_phrases, "_cache", None)
    if cached is not None:
        return cached
    table: dict[str, list[tuple[str, str]]] = {}
    for fid, phrases in vocabulary().question_words.items():
        for phrase in phrases:
            if len(phrase) < 2 or phrase.isdigit():
                continue
            table.setdefault(phrase.split()[0], []).append((phrase, fid))
    _feature_phrases._cache = table
    return table


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def detect_features(question: str, ignore: frozenset[str] = frozenset()) -> list[FeatureHit]:
    """The canonical features a question names, best first: every vocabulary phrase found
    in the question's words (plurals read as singular); a feature scores the words of its
    longest phrase, and a phrase inside a longer one found for another feature does not
    count ("short circuit current" names the breaking capacity, not the rated current).
    ``ignore`` are word keys naming the product (its vendor, kind, series)."""
    from ..vocabulary import word_key

    words = [_singular(w) for w in word_key(question).split()]
    table = _feature_phrases()
    spans: list[tuple[int, int, str, str]] = []  # (start, end, phrase, feature)
    for start, word in enumerate(words):
        for phrase, fid in table.get(word, []) + table.get(word + "s", []):
            size = len(phrase.split())
            typed = words[start:start + size]
            if [_singular(w) for w in phrase.split()] == typed and not (size == 1 and word in ignore):
                spans.append((start, start + size, phrase, fid))
    # a phrase inside a longer phrase of another feature is part of that one
    kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                        and o[3] != s[3] for o in spans)]
    best: dict[str, FeatureHit] = {}
    for start, end, phrase, fid in kept:
        if fid not in best or end - start > best[fid].words:
            best[fid] = FeatureHit(fid, end - start, phrase)
    return sorted(best.values(), key=lambda h: -h.words)


def spelling_lexicon(texts: list[str]) -> frozenset[str]:
    """Words a question may mean when it misspells one: the vocabulary's feature words and
    label phrases, its synonyms, and the words of the given texts (row labels, section
    titles of the products asked about)."""
    from ..vocabulary import vocabulary, word_key

    words: set[str] = set()
    vocab = vocabulary()
    for phrases in vocab.question_words.values():
        for phrase in phrases:
            words.update(phrase.split())
    for group in vocab.synonym_groups:
        words.update(word_key(group).split())
    for text in texts:
        words.update(word_key(text).split())
    return frozenset(w for w in words if len(w) >= 4 and w.isalpha())


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the embedding model's WordPiece vocabulary (``vocab.txt`` of the
    installed all-MiniLM-L6-v2): a real word there is never "corrected" (``resistant`` stays
    ``resistant``, it is no typo of ``resistance``)."""
    from ..index.embedding import _model_path

    try:
        text = (Path(_model_path()) / "vocab.txt").read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(w for w in text.split() if w.isalpha())


def correct_spelling(question: str, lexicon: frozenset[str], keep: frozenset[str] = frozenset()) -> str:
    """The question with misspelt words replaced by the closest lexicon word
    (``"wat strp lenght"`` → ``"wat strip length"``): a word of four letters or more that is
    not in the lexicon, not an English word (:func:`english_words`), not a stopword and
    not in ``keep`` (vendor names) becomes the lexicon word with the best rapidfuzz ratio ≥
    ``SPELLING_CUTOFF``; a four-letter word missing one letter of a five-letter lexicon
    word (``strp``) becomes that word when only one fits."""
    from rapidfuzz import fuzz, process

    from .retrieval import STOPWORDS

    english = english_words()

    def fix(match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 4 or lower in lexicon or lower in STOPWORDS or lower in keep or not lower.isalpha():
            return word
        if _singular(lower) in lexicon or lower in english:
            return word
        found = process.extractOne(lower, lexicon, scorer=fuzz.ratio, score_cutoff=SPELLING_CUTOFF)
        if found is None and len(lower) == 4:
            # a dropped letter: "strp" → "strip"
            near = [w for w in lexicon if len(w) == 5 and w[0] == lower[0] and fuzz.ratio(lower, w) >= 88
                    and all(c in w for c in lower)]
            found = (near[0], 88, None) if len(near) == 1 else None
        return found[0] if found else word

    return re.sub(r"[A-Za-zäöüß]+", fix, question)
