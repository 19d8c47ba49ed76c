"""Retrieval: terms, synonyms, BM25 and dense search over chunks, fused by reciprocal rank.

Search is always restricted to the products the question is about (product confusion is
the main failure of both dense and lexical retrieval on datasheets). Terms are Snowball
stems (PyStemmer), with letters and digits split (``IP20`` → ``ip``, ``20``) so a question
about "IP rating" meets ``IP20``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..vocabulary import vocabulary

# Words that carry no attribute meaning in an installer's question.
STOPWORDS = frozenset("""
a an the of for to in on at by from into onto with without and or nor but if then than so
as is are was were be been being am do does did doing done can could will would shall should
may might must have has had having i me my we our you your it its this that these those there
here what which who whom whose when where why how many much more most less least any some
all each every other another such same own just also too very only even still about please
tell give show find know want need needs needed get got use used using like kind sort type
value values number rated rating ratings range max maximum min minimum? spec specs
specification datasheet data sheet info information exactly approximately roughly say says
okay ok allowed fine possible suitable work works go goes put one ones thing things accept
accepts accepted take takes handle handles support supports hold holds under over per via
also what's whats it's i'm does doesn't don't isn't can't much higher lower larger bigger
greater smaller better best worse compared compare versus vs connector connectors product
products device devices unit units item items carry carries carrying fit fits fitting
available offered exist exists two both three either neither again working part
""".replace("?", "").split())
# Kept as query terms although short: they distinguish qualifiers ("Use Group B", "Ex e II").
SHORT_TERMS = frozenset({"ul", "ex", "en", "ip", "b", "c", "e", "i", "ii", "iii", "iec", "csa", "uv"})



@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?|[²µΩ°]")


def words(text: str) -> list[str]:
    """Lower-case word and number tokens, letters and digits split apart."""
    text = re.sub(r"fine[\s-]+stranded", "finestranded", text.lower())
    text = re.sub(r"\blong[\s-]+term\b", "longterm", text)
    # "take it out", "get a conductor out" → "remove it", "remove a conductor"
    text = re.sub(r"\b(?:take|taking|pull|pulling|get|getting)\s+((?:\w+\s+){0,3})out\b", r"remove \1", text)
    return _TOKEN.findall(text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of one lower-case word (numbers are kept as they are)."""
    return word if not word.isalpha() else _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """All stems of a text, in order (for BM25 and coverage)."""
    return [stem(w) for w in words(text)]


def key_terms(text: str, ignore: set[str] = frozenset()) -> list[str]:
    """The stems of a question that must be found in an answer's source: content words,
    not stopwords, not numbers, not the product's own names (``ignore``). A word of one
    or two letters counts only when it is a known abbreviation (``SHORT_TERMS``) or typed
    in capitals (``UV``, ``PE``)."""
    out = []
    capitals = {w.lower() for w in re.findall(r"(?<![\w-])[A-Z]{2}(?![\w-])", text)}
    for word in words(text):
        if word in STOPWORDS or word.isdigit() or re.fullmatch(r"\d+\.\d+", word):
            continue
        if len(word) < 3 and word not in SHORT_TERMS and word not in capitals:
            continue
        term = stem(word)
        if term not in ignore and term not in out:
            out.append(term)
    return out


@lru_cache(maxsize=1)
def synonyms() -> dict[str, frozenset[str]]:
    """stem → the stems of its synonym group (itself included); the groups are the
    vocabulary's ``[synonyms]`` (``assistant/vocabulary/vocabulary.toml``)."""
    table: dict[str, set[str]] = {}
    for group in vocabulary().synonym_groups:
        stems = {stem(w) for w in words(group)}
        for s in stems:
            table.setdefault(s, set()).update(stems)
    return {k: frozenset(v) for k, v in table.items()}


def expand(term: str) -> frozenset[str]:
    """A term and its synonyms, as stems."""
    return synonyms().get(term, frozenset({term}))


def coverage(question_terms: list[str], text_terms: set[str]) -> float:
    """Fraction of the question's key terms (or a synonym) found in a text's stems; 0 when
    the question has no key terms."""
    if not question_terms:
        return 0.0
    found = sum(1 for t in question_terms if expand(t) & text_terms)
    return found / len(question_terms)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk: its id in the index, fused score and per-retriever ranks (0 = best)."""

    chunk_id: int
    score: float
    dense_rank: int | None
    bm25_rank: int | None


class Retriever:
    """Dense (inner product of unit vectors) + BM25 (bm25s) over chunks, per product.

    Works on an open index generation (:class:`~assistant.index.store.StoredIndex`): its
    ``vectors`` (float32 (n_distinct, 384)) and ``bm25`` hold one row per distinct chunk
    text, ``chunk_rows[chunk id]`` is a chunk's row, ``chunk_ids(item)`` a product's chunk
    ids. Chunks sharing a text share their row, so nothing is expanded per chunk; a
    product's chunk ids are read once, when a question is first about it. Results are
    chunk ids.
    """

    RRF_K = 60  # the usual reciprocal-rank-fusion constant

    def __init__(self, index):
        self.index = index
        self.vectors: np.ndarray = index.vectors
        self.chunk_rows: np.ndarray = index.chunk_rows
        self.bm25 = index.bm25
        self._ids: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------ the index's side

    @staticmethod
    def tokenizer_version() -> str:
        """A hash of the code that turns text into BM25 terms: a saved BM25 index is stale
        when it differs."""
        import hashlib
        import inspect

        source = "".join(inspect.getsource(f) for f in (words, stem, terms)) + _TOKEN.pattern
        return hashlib.sha256(source.encode()).hexdigest()[:16]

    @staticmethod
    def bm25_index(texts: list[str]):
        """A ``bm25s.BM25`` over texts (document i = ``texts[i]``), by :func:`terms`; what a
        build saves beside the vectors."""
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([terms(t) or ["∅"] for t in texts], show_progress=False)
        return bm25

    # ------------------------------------------------------------ searching

    def candidates(self, items: list[str]) -> np.ndarray:
        """Chunk ids of the given products (all chunks when ``items`` is empty)."""
        if not items:
            return np.arange(len(self.chunk_rows))
        parts = []
        for item in items:
            ids = self._ids.get(item)
            if ids is None:
                ids = self._ids[item] = self.index.chunk_ids(item)
            parts.append(ids)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def bm25_scores(self, query: str, ids: np.ndarray) -> np.ndarray:
        """BM25 scores of the chunks ``ids`` for a query (synonyms added to the query)."""
        q = []
        for t in terms(query):
            q.extend(sorted(expand(t)))
        q = [t for t in dict.fromkeys(q) if t in self.bm25.vocab_dict]
        if not q or len(ids) == 0:
            return np.zeros(len(ids))
        return np.asarray(self.bm25.get_scores(q))[self.chunk_rows[ids]]

    def dense_scores(self, query_vector: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner products of the chunks ``ids`` with a unit query vector, each distinct
        text computed once."""
        rows = np.asarray(self.chunk_rows[ids])
        if len(rows) >= len(self.vectors):
            return (self.vectors @ query_vector)[rows]
        distinct, inverse = np.unique(rows, return_inverse=True)
        return (self.vectors[distinct] @ query_vector)[inverse]

    def search(self, query: str, items: list[str], query_vector: np.ndarray | None,
               k: int = 5) -> list[Hit]:
        """Top-k chunks of the products by reciprocal-rank fusion of dense and BM25
        (BM25 alone when no query vector is given)."""
        ids = self.candidates(items)
        if len(ids) == 0:
            return []
        fused = np.zeros(len(ids))
        lexical = self.bm25_scores(query, ids)
        bm25_rank = _ranks(lexical)
        fused += np.where(lexical > 0, 1.0 / (self.RRF_K + bm25_rank + 1), 0.0)
        dense_rank = None
        if query_vector is not None:
            dense_rank = _ranks(self.dense_scores(query_vector, ids))
            fused += 1.0 / (self.RRF_K + dense_rank + 1)
        order = np.argsort(-fused, kind="stable")[:k]
        return [Hit(int(ids[j]), float(fused[j]),
                    int(dense_rank[j]) if dense_rank is not None else None,
                    int(bm25_rank[j]) if lexical[j] > 0 else None) for j in order]

    def dense_only(self, query_vector: np.ndarray, items: list[str], k: int = 5) -> list[int]:
        """Chunk ids by dense similarity alone (for recall@k comparisons)."""
        ids = self.candidates(items)
        return [int(ids[j]) for j in np.argsort(-self.dense_scores(query_vector, ids), kind="stable")[:k]]

    def bm25_only(self, query: str, items: list[str], k: int = 5) -> list[int]:
        """Chunk ids by BM25 alone (for recall@k comparisons)."""
        ids = self.candidates(items)
        return [int(ids[j]) for j in np.argsort(-self.bm25_scores(query, ids), kind="stable")[:k]]


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=int)
    ranks[order] = np.arange(len(scores))
    return ranks
