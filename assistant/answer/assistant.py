"""The answering API: :class:`Assistant` (open / ask / context / spec_table / products).

A question is cleaned, its products resolved (:mod:`.resolve`), its intent decided
(:mod:`.intent`) and routed to the module that makes that kind of answer: :mod:`.lookup`
(spec values and overviews), :mod:`.check`, :mod:`.compare`, :mod:`.passage`, with
:mod:`.refusal` for ``not_found`` and ``clarify``. Every answer passes the faithfulness
gate (:mod:`.gate`) before it leaves: a number with no source turns it into a refusal.
Nothing here imports Textual; the CLI and the TUI render the same :class:`Answer`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..index import indexing, store
from ..index.embedding import DIMENSION, Embedder
from ..ingest.normalising import ANSI_ESCAPE
from ..records import Answer, Citation, ContextLine, Product, SpecTable
from . import check, compare, fit, intent, lookup, part, refusal, yesno
from .gate import unsupported_numbers
from .matching import Candidate, CandidatesByItem, build_candidates, norm_quote
from .resolve import ProductResolver, Resolution
from .retrieval import Retriever

log = logging.getLogger(__name__)

MAX_QUESTION = 500  # characters read of a question; longer input is cut, not rejected
SMALL_CORPUS = 5  # up to this many products, a question naming none is answered for all
VECTOR_CACHE = 4096  # questions and passages whose embeddings a process keeps
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


class Assistant:
    """The answering API used by the CLI and the TUI.

    ``open`` loads (building first when missing or stale) the index; ``ask`` answers.
    The embedding model is loaded on first need, or ahead of time with ``warm_up``.
    The answer-kind modules read the shared state below: ``index``, ``tables`` (item →
    spec table), ``candidates`` (item → matching candidates), ``resolver``, ``retriever``.
    """

    def __init__(self, index: store.StoredIndex, embedder: Embedder | None = None):
        self.index = index
        self.embedder = embedder or Embedder()
        # item → spec table, read from the index when first asked for (read-only Mapping)
        self.tables: Mapping[str, SpecTable] = index.tables
        self.resolver = ProductResolver(list(index.products.values()))
        self.retriever = Retriever(index)
        self.notices: list[str] = []  # what opening had to tell the user (e.g. corpus missing)
        self.candidates: dict[str, list[Candidate]] = CandidatesByItem(
            lambda table: build_candidates(table, self.citation), self.tables)
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._text_terms: dict[str, frozenset[str]] = {}  # item → stems of its datasheet's chunks

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, index_dir: Path | None = None, corpus_dir: Path | None = None,
             progress: indexing.Progress | None = None, embedder: Embedder | None = None,
             on_rebuild: Callable[[str], None] | None = None, rebuild: bool = False,
             on_notice: Callable[[str], None] | None = None) -> "Assistant":
        """Load the index of ``index_dir``, (re)building it first when it is missing, stale
        (corpus, parser or model changed) or damaged; ``on_rebuild(reason)`` is told why.

        The index answers from the corpus it was built from; ``corpus_dir`` names one (for
        a new index, or with ``rebuild`` to rebuild an index of another corpus from it).
        One build at a time per index folder: while another process builds, this waits
        and then uses that build. ``on_notice(text)`` is told what the user should know
        (waiting for another build, a recorded corpus folder that is gone; also kept in
        ``notices``). Defaults: see :func:`default_paths`.

        Raises FileNotFoundError (no corpus folder), indexing.CorpusMismatch (another
        corpus named without ``rebuild``), indexing.CorpusUnknown (nothing to build from),
        indexing.NothingIndexed (no readable datasheet), store.IndexError_ (an index that
        cannot be read even after a rebuild).
        """
        notices: list[str] = []

        def notice(text: str) -> None:
            notices.append(text)
            if on_notice:
                on_notice(text)
            else:
                log.warning("%s", text)

        index_dir, corpus_dir = default_paths(index_dir, corpus_dir)
        embedder = embedder or Embedder()
        decided, _report = indexing.ensure(index_dir, corpus_dir, rebuild=rebuild, embedder=embedder,
                                           progress=progress, on_rebuild=on_rebuild, on_notice=notice)
        try:
            assistant = cls(store.load_generation(index_dir, verify=False), embedder)
        except store.IndexCorrupt as exc:
            if decided.corpus is None:
                raise
            # files that match their checksums but cannot be read (written by a faulty
            # build): rebuild from the datasheets alone, carrying nothing over
            reason = f"the index could not be read ({exc})"
            if on_rebuild:
                on_rebuild(reason)
            indexing.build(decided.corpus, index_dir, embedder, progress, reason, full=True, on_wait=notice)
            assistant = cls(store.load_generation(index_dir, verify=False), embedder)
        assistant.notices = notices
        return assistant

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
        """The kept lines around a citation (``radius`` non-blank lines either side), cited
        ones marked; for a PDF each with its page and line on the page (0 for a blank line)."""
        with self._lock:  # the UI asks for context while a worker thread may be answering
            lines = self.index.lines(citation.source, max(1, citation.line_start - 40), citation.line_end + 40)
        before = [l for l in lines if l.number < citation.line_start and l.text][-radius:]
        inside = [l for l in lines if citation.line_start <= l.number <= citation.line_end]
        after = [l for l in lines if l.number > citation.line_end and l.text][:radius]
        return [ContextLine(l.number, l.text, citation.line_start <= l.number <= citation.line_end,
                            l.page, l.page_line if l.text else 0)
                for l in before + inside + after]

    def _printed_in(self, items: tuple[str, ...], typed: str) -> bool:
        """Whether a typed code is printed in one of these products' datasheets as a code
        of its own (separators ignored; see :func:`.part.printed_at`)."""
        return any(part.printed_at(self, item, typed) is not None for item in items)

    def _names_a_part_of(self, items: list[str], question: str) -> bool:
        """Whether every key term of a question ("and the cable plug") is a word of these
        products' datasheets: it names a part or variant they print, not another product."""
        from .retrieval import expand, key_terms, terms

        qterms = key_terms(question)
        if not qterms:
            return False
        printed: set[str] = set()
        for item in items:
            if item not in self._text_terms:  # a product's words, read once per process
                self._text_terms[item] = frozenset(t for chunk_id in self.retriever.candidates([item])
                                                   for t in terms(self.index.chunks[int(chunk_id)].text))
            printed |= self._text_terms[item]
        return all(expand(t) & printed for t in qterms)

    def _by_content(self, question: str) -> list[str]:
        """The one product a question names no product of but can only mean: all its key
        terms are in that product's text (best BM25 chunks across the corpus) and no other
        product's best chunk has half of them ("how do the WMB inline markers go on?")."""
        from .retrieval import coverage, key_terms, terms

        qterms = key_terms(question)
        if len(qterms) < 2:
            return []
        best: dict[str, float] = {}
        for chunk_id in self.retriever.bm25_only(question, [], k=12):
            chunk = self.index.chunks[chunk_id]
            cov = coverage(qterms, set(terms(chunk.text)))
            best[chunk.item] = max(best.get(chunk.item, 0.0), cov)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < 1.0 - 1e-9:
            return []
        if len(ranked) > 1 and ranked[1][1] >= 0.5:
            return []
        return [ranked[0][0]]

    # ------------------------------------------------------------ shared by the answer kinds

    def citation(self, item: str, source: str, section: str, start: int, end: int,
                 quote: str | None = None) -> Citation:
        """The citation of lines ``start``–``end`` of a datasheet: the quote is the kept
        lines' text (or ``quote``), and for a PDF the page and lines on the page."""
        lines = [l for l in self.index.lines(source, start, end) if l.text]
        if quote is None:
            quote = norm_quote(" ".join(l.text for l in lines))
        first, last = (lines[0], lines[-1]) if lines else (None, None)
        if first is not None and first.page:
            return Citation(item, source, section, start, end, quote, first.page,
                            first.page_line, last.page_line if last.page == first.page else first.page_line)
        return Citation(item, source, section, start, end, quote)

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding (384 floats, unit length)."""
        return self.text_vectors([question])[0]

    def text_vectors(self, texts: list[str]) -> np.ndarray:
        """Embeddings of short texts (questions, passages) → float32 (len(texts), 384), unit
        length. Each distinct text is embedded once per process; the last ``VECTOR_CACHE``
        texts used are kept."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embedder.encode(missing)):
                self._vectors[text] = vector
        for text in texts:
            self._vectors.move_to_end(text)
        while len(self._vectors) > VECTOR_CACHE:
            self._vectors.popitem(last=False)
        return np.stack([self._vectors[t] for t in texts])

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
            answer = refusal.not_found(answer.question, answer.products,
                                       list(answer.citations) + list(answer.related), id=id,
                                       why="the answer could not be backed by the datasheet text")
        return answer

    def _ask(self, raw: str, history: list[str]) -> Answer:
        question = clean_question(raw)
        if not re.search(r"[A-Za-z0-9]", question):
            return refusal.empty(question)
        resolution = self.resolver.resolve(question, history)
        if resolution.unknown and resolution.items:
            # a code printed in the named product's own sheet ("NS 35/7,5", a mating
            # connector's number) is a word of the question, not another product
            resolution = replace(resolution, unknown=tuple(
                u for u in resolution.unknown if not self._printed_in(resolution.items, u)))
        if resolution.unknown:
            if not resolution.items:
                # a kit's part, a mating connector, an accessory: printed in one datasheet
                printed = part.find(self, resolution.unknown)
                if printed is not None and len(resolution.unknown) == 1:
                    return part.answer(self, question, resolution.unknown[0], printed,
                                       lambda read, items: self._route(read, history, Resolution(
                                           tuple(items), (), "question"), items))
            return refusal.unknown_product(question, resolution.unknown, resolution.near)
        if resolution.source == "hint" and history:
            # "pm25 chassis connector weight?" → "and the cable plug": a part of the earlier
            # product, not the 770 plug the word "plug" would name
            earlier = self.resolver.resolve(history[-1], history[:-1])
            if earlier.items and not earlier.unknown and set(earlier.items) != set(resolution.items) \
                    and self._names_a_part_of(list(earlier.items), question):
                resolution = replace(resolution, items=earlier.items, source="history")
        items = list(resolution.items)
        if resolution.source in ("none", "hint", "history"):  # issue 12: "which of our products …?" (filter.py)
            from . import filter as catalogue
            # after a question about some products, one asking for products ("which
            # products are UL approved?") is about the catalogue, not those products
            asks_catalogue = resolution.source != "history" or catalogue.asks_for_products(question)
            if asks_catalogue and catalogue.is_filter(question, history, hinted=resolution.source == "hint"):
                return catalogue.answer(self, question, history)
        if not items:
            if len(self.tables) > SMALL_CORPUS:
                items = self._by_content(question)
                if not items:
                    return refusal.clarify(self, question)
            else:
                items = list(self.tables)
        return self._route(question, history, resolution, items)

    def _route(self, question: str, history: list[str], resolution: Resolution, items: list[str]) -> Answer:
        """The answer of the kind the question asks for (:func:`.intent.decide`) about
        ``items``."""
        wanted = intent.decide(self, question, history, resolution, items)
        if wanted.kind == "check":
            checked = check.answer(self, wanted.question, items, wanted.qterms, question,
                                   tuple(h.feature for h in wanted.features))
            if checked.kind == "not_found" and wanted.features:
                # no range for the value: a yes/no over the rows the question names
                # ("can I snap it on a 35 mm DIN rail?" → "Type of mounting DIN-35 rail");
                # never for several conductors in one clamp: a one-conductor row says nothing of them
                asked = fit.asked_value(self.resolver.mask(wanted.question))
                if not (asked and asked.count >= 2):
                    other = yesno.answer(self, question, items, wanted, approvals=False)
                    if other.kind == "check":
                        return other
            return checked
        if wanted.kind == "yesno":
            return yesno.answer(self, question, items, wanted)
        if wanted.kind == "overview":
            return lookup.overview(self, question, items)
        if wanted.kind == "compare":
            return compare.answer(self, question, items, wanted.qterms)
        return lookup.answer(self, question, items, wanted)


def default_paths(index_dir: Path | None, corpus_dir: Path | None) -> tuple[Path, Path | None]:
    """The index folder to use and the corpus folder the user named (None: the index's own,
    recorded when it was built).

    The index: as given, else ``index/`` of the current directory when it has a
    ``corpus/``, else of the repository this package is in. The corpus: as given; for that
    default index only, when it records no corpus yet, the ``corpus/`` beside it. An index
    named with ``--index`` is never given a corpus the user did not name.
    """
    if index_dir is not None:
        return Path(index_dir), Path(corpus_dir) if corpus_dir else None
    here = Path.cwd()
    repo = Path(__file__).resolve().parent.parent.parent
    base = here if (here / "corpus").is_dir() else repo
    index = base / "index"
    if corpus_dir:
        return index, Path(corpus_dir)
    return index, (base / "corpus" if store.recorded_corpus(index) is None else None)
