"""Index building: corpus → documents → sections → chunks + spec tables → embeddings → store.

A build is incremental: a datasheet whose file (path and SHA-256) is unchanged since the
previous generation, built by the same parsing code, is not read again — its lines, chunks
and spec rows are carried over from that generation (copied inside SQLite). Only chunk
texts that the embedding cache does not hold yet are embedded; identical texts (shared by a
product family) are embedded once, and the cache is committed every ``CHECKPOINT`` texts,
so an interrupted build resumes where it stopped while the previous generation keeps
answering. Embedding runs in a thread beside the reading and the writing of the metadata
(:class:`BackgroundEmbedding`). A broken datasheet is reported by name and skipped; the
build fails only when nothing could be indexed, and then the previous index stays in use.
One build at a time runs in an index folder (:func:`build_lock`), and :func:`plan` /
:func:`ensure` decide which corpus an index answers from and whether it must be built.

One part of parsing depends on the whole corpus: the attribute names that tab-separated
rows introduce (:func:`spectable.corpus_attributes`), used to split PDF-text rows. Each
generation stores every datasheet's own contribution and the union it was built with; when
a change alters the union, the carried datasheets' spec tables are derived again from their
stored lines (no file is re-read), so an incremental build equals a full one.
"""

from __future__ import annotations

import os
import stat as stat_module
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import store
from .embedding import DIMENSION, Embedder, model_name
from ..ingest.loading import SUPPORTED, DatasheetError, corpus_files, file_sha256, load_file
from ..ingest.normalising import normalise
from ..records import BuildReport, Chunk, Document, Section, SpecTable
from ..ingest.sections import chunk_sections, split_sections
from ..ingest.spectable import build_spec_table, corpus_attributes

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is ``"reading"`` (files) or ``"embedding"`` (chunks)."""

# The FAISS index holds one vector per distinct chunk text. Exact inner-product search
# (IndexFlatIP) costs ~n·384 multiply-adds per query: ~15 ms at 200k vectors on one core.
# Beyond that an inverted-file index (IVF, nlist = 4·√n k-means lists, nprobe = nlist / 8
# but at least 16 searched) answers in ~0.1–1 ms. IVF rather than HNSW: a product family's near-identical
# sections make tight clusters that HNSW's graph crosses badly. On the 10,000-datasheet
# catalogue's 21,371 distinct vectors, recall@10 against exact search for 200 questions was
# 0.994 with this IVF (0.1 ms a query), 0.63–0.85 with HNSW (M 48, efConstruction 200,
# efSearch 256) and 0.98 only with HNSW (64, 400, 1024) (benchmarks/README.md).
EXACT_SEARCH_LIMIT = 200_000
IVF_LISTS_PER_SQRT, IVF_PROBE_FRACTION, IVF_MIN_PROBES = 4, 8, 16
# Texts are embedded in model batches of EMBED_BATCH (the throughput knee of MiniLM on two
# CPU cores), sorted by length so a batch pads little; the cache commits every CHECKPOINT
# texts (≈ 8 s of work), which is what an interrupted build loses at most.
EMBED_BATCH = 32
CHECKPOINT = 256


class NothingIndexed(Exception):
    """No datasheet of the corpus could be read; carries the per-file reasons."""

    def __init__(self, skipped: list[tuple[str, str]]):
        reasons = "; ".join(f"{s}: {r}" for s, r in skipped) or "the corpus folder has no .txt, .md or .pdf files"
        super().__init__(f"nothing could be indexed ({reasons})")
        self.skipped = skipped


@dataclass(frozen=True)
class Ingested:
    """A datasheet read through the pipeline up to its chunks and spec table."""

    doc: Document
    chunks: list[Chunk]
    table: SpecTable


@dataclass(frozen=True)
class IncrementalReport(BuildReport):
    """A :class:`BuildReport` plus what the build reused: ``read`` files parsed anew,
    ``carried`` files taken over unchanged from the previous generation, ``distinct``
    chunk texts in the index; wall times in seconds: the whole build, reading (hashing,
    parsing, carrying over, spec tables) and embedding (the model's calls, which overlap
    the reading and the writing of the metadata)."""

    read: int = 0
    carried: int = 0
    distinct: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0
    embed_seconds: float = 0.0


def source_name(path: Path, corpus_dir: Path) -> str:
    """How citations name a file: the corpus folder's name and the path below it
    (``corpus/2002-1204.txt``), the same wherever the program runs."""
    return f"{corpus_dir.name}/{path.relative_to(corpus_dir).as_posix()}"


def read_datasheet(path: Path, source: str) -> tuple[Document, list[Section]]:
    """Load, normalise and split one datasheet. Raises DatasheetError (with the reason a
    person reads) for an unreadable file (empty, binary, undecodable, no text)."""
    doc = normalise(load_file(path, source))
    return doc, split_sections(doc)


def own_attributes(doc: Document, sections: list[Section]) -> tuple[str, ...]:
    """The row labels this datasheet's tables print (its share of
    :func:`spectable.corpus_attributes`, which is the union over the datasheets)."""
    return corpus_attributes([(doc, sections)])


def known_attributes(contributions: list[tuple[str, ...]]) -> tuple[str, ...]:
    """:func:`spectable.corpus_attributes` of a corpus, from the datasheets' contributions."""
    names: set[str] = set()
    for names_of_one in contributions:
        names.update(names_of_one)
    return tuple(sorted(names))


def ingest(corpus_dir: Path, progress: Progress | None = None) -> tuple[list[Ingested], list[tuple[str, str]]]:
    """Read every datasheet of a corpus folder; returns (ingested, skipped (source, reason)).

    Two datasheets with the same item number: the first (by path) is kept, the other
    reported as skipped.
    """
    paths = corpus_files(corpus_dir)
    docs: list[tuple[Document, list]] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for done, path in enumerate(paths, start=1):
        source = source_name(path, corpus_dir)
        try:
            doc, sections = read_datasheet(path, source)
        except DatasheetError as exc:
            skipped.append((source, exc.reason))
            continue
        if doc.item in seen:
            skipped.append((source, f"item number {doc.item} already read from {seen[doc.item]}"))
            continue
        seen[doc.item] = source
        docs.append((doc, sections))
        if progress:
            progress("reading", done, len(paths))
    known = corpus_attributes(docs)
    out = [Ingested(doc, chunk_sections(sections), build_spec_table(doc, sections, known))
           for doc, sections in docs]
    return out, skipped


class BackgroundEmbedding:
    """Embeds the distinct chunk texts the cache lacks in a thread, while the build goes on
    reading datasheets and writing metadata (torch works outside the GIL; the parsers are
    pure Python): at 10,000 datasheets reading takes ~40 % as long as embedding, and was
    spent waiting before.

    Texts come in with :meth:`add` (each distinct text once); the thread takes the longest
    waiting ones ``CHECKPOINT`` at a time (similar lengths share a model batch of
    ``EMBED_BATCH``: less padding) and commits each checkpoint to the cache, so an
    interrupted build resumes. While reading goes on, torch uses one thread (the reader has
    the other core); after :meth:`close` all of them. :meth:`finish` waits, reporting
    ``progress("embedding", done, total)``, re-raises what the thread raised and returns
    how many texts were embedded; :meth:`stop` abandons the work (a failed build).
    """

    def __init__(self, cache: store.EmbeddingCache, embedder: Embedder):
        import queue
        import threading

        self.cache, self.embedder = cache, embedder
        self.embedded = 0
        self.seconds = 0.0  # spent embedding (wall time of the model calls)
        self.total: int | None = None  # known once the input is closed and checked
        self._seen: set[str] = set()
        self._queue: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="embedding", daemon=True)
        self._thread.start()

    def add(self, chunks: list[Chunk]) -> None:
        """Queue the texts of these chunks not seen before."""
        new = []
        for c in chunks:
            if c.key not in self._seen:
                self._seen.add(c.key)
                new.append((c.key, c.text))
        if new:
            self._queue.put(new)

    def close(self) -> None:
        """No more texts: the rest is embedded with all threads."""
        self._queue.put(None)

    def finish(self, progress: Progress | None = None) -> int:
        """Wait for the embedding to end (closing the input); returns the texts embedded.
        Raises whatever the embedder raised (e.g. KeyboardInterrupt)."""
        self.close()
        reported = None
        while self._thread.is_alive():
            self._thread.join(0.25)
            if progress and self.total and (self.embedded, self.total) != reported:
                reported = (self.embedded, self.total)
                progress("embedding", *reported)
        if self._error is not None:
            raise self._error
        return self.embedded

    def stop(self, wait: float = 30.0) -> None:
        """Abandon the work (the build failed): the thread ends after its current batch,
        waited for up to ``wait`` seconds (it must be done with the cache before it closes)."""
        self._stopping.set()
        self._queue.put(None)
        self._thread.join(wait)

    def _run(self) -> None:
        import queue

        from .embedding import torch_threads

        pending: dict[str, str] = {}  # key → text, not in the cache yet
        closed, restore = False, None
        try:
            while not self._stopping.is_set():
                new: list[tuple[str, str]] = []
                block = not closed and len(pending) < CHECKPOINT
                while True:
                    try:
                        item = self._queue.get(block=block)
                    except queue.Empty:
                        break
                    block = False
                    if item is None:
                        closed = True
                    else:
                        new.extend(item)
                if new:
                    texts = dict(new)
                    pending.update((k, texts[k]) for k in self.cache.missing(list(texts)))
                if closed and self.total is None:
                    self.total = self.embedded + len(pending)
                    if restore is not None:
                        torch_threads(restore)
                        restore = None
                if not pending:
                    if closed:
                        return
                    continue
                if len(pending) < CHECKPOINT and not closed:
                    continue
                if not closed and restore is None:
                    restore = torch_threads(1)
                keys = sorted(pending, key=lambda k: -len(pending[k]))[:CHECKPOINT]
                started = time.perf_counter()
                vectors = self.embedder.encode([pending[k] for k in keys], batch_size=EMBED_BATCH)
                self.seconds += time.perf_counter() - started
                self.cache.put(keys, vectors)
                for k in keys:
                    del pending[k]
                self.embedded += len(keys)
        except BaseException as exc:  # handed to the build's thread by finish()
            self._error = exc
        finally:
            if restore is not None:
                torch_threads(restore)


def make_faiss(vectors: np.ndarray, exact_limit: int = EXACT_SEARCH_LIMIT):
    """A FAISS inner-product index over unit vectors (one per distinct chunk text, FAISS
    row i = ``vectors.npy`` row i): exact (``IndexFlatIP``) up to ``exact_limit`` vectors,
    IVF beyond (parameters above). Returns (kind, index); the kind is recorded in the
    manifest."""
    import math

    import faiss

    if len(vectors) <= exact_limit:
        index = faiss.IndexFlatIP(DIMENSION)
        kind = "flat-ip"
    else:
        lists = max(1, min(len(vectors) // 39, int(IVF_LISTS_PER_SQRT * math.sqrt(len(vectors)))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIMENSION), DIMENSION, lists, faiss.METRIC_INNER_PRODUCT)
        index.nprobe = min(lists, max(IVF_MIN_PROBES, lists // IVF_PROBE_FRACTION))
        index.train(vectors)
        kind = f"ivf-ip-nlist{lists}-nprobe{index.nprobe}"
    if len(vectors):
        index.add(vectors)
    return kind, index


@dataclass
class _Entry:
    """One datasheet of the build, in path order: read anew (``doc``, ``sections`` set) or
    carried over unchanged from the previous generation (``carried``)."""

    source: str
    sha256: str
    item: str
    attributes: tuple[str, ...]
    carried: bool
    doc: Document | None = None
    sections: list[Section] | None = None
    chunks: list[Chunk] | None = None


def _read(corpus_dir: Path, previous: "store.PreviousGeneration | None", progress: Progress | None,
          on_chunks: Callable[[list[Chunk]], None] | None = None
          ) -> tuple[list[_Entry], list[tuple[str, str]], dict[str, str], dict[str, list[int]]]:
    """Hash every file (unless the previous generation of this corpus saw it with the same
    size and time); read and chunk those the previous generation does not hold unchanged,
    handing each one's chunks to ``on_chunks`` as soon as they are known.
    Returns (entries in path order, skipped (source, reason), {source: SHA-256} of all
    files, {source: [size, mtime ns]} of the files safe to recognise by those)."""
    paths = corpus_files(corpus_dir)
    entries: list[_Entry] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    known = previous.manifest if previous is not None else None
    named = [(source_name(p, corpus_dir), p) for p in paths]
    files, stats = _hashes(corpus_dir, [(source, str(p)) for source, p in named], known)
    for done, (source, path) in enumerate(named, start=1):
        sha = files.get(source)
        if sha is None:  # gone or no regular file by the time it was looked at
            skipped.append((source, "the file could not be read (removed while indexing?)"))
            continue
        info = previous.document_info(source, sha) if previous else None
        if info is not None:
            entry = _Entry(source, sha, info[0], info[1], carried=True)
        else:
            try:
                doc, sections = read_datasheet(path, source)
            except DatasheetError as exc:
                skipped.append((source, exc.reason))
                continue
            entry = _Entry(source, sha, doc.item, own_attributes(doc, sections), carried=False,
                           doc=doc, sections=sections)
        if entry.item in seen:
            skipped.append((source, f"item number {entry.item} already read from {seen[entry.item]}"))
            continue
        seen[entry.item] = source
        if not entry.carried:
            entry.chunks = chunk_sections(entry.sections)
            if on_chunks:
                on_chunks(entry.chunks)
        entries.append(entry)
        if progress:
            progress("reading", done, len(paths))
    return entries, skipped, files, stats


# A file modified within this long before it was looked at may change again within the
# same timestamp tick, unseen; such a file is hashed every time until it is older.
RACY_NS = 2_000_000_000


def _hashes(corpus_dir: Path, files_found: list[tuple[str, str]], manifest: "store.Manifest | None"
            ) -> tuple[dict[str, str], dict[str, list[int]]]:
    """{source: SHA-256} of the files (``(source name, path)`` pairs) and {source: [size,
    mtime ns]} of those old enough to be recognised by size and time. A file the manifest of
    this same corpus folder saw with the same size and time keeps its recorded hash (a
    10,000-datasheet corpus is 120 MB to hash at every start; stat-ing it takes ~50 ms),
    any other is hashed. What is not a regular file (a broken link) is left out."""
    same = manifest is not None and manifest.corpus == str(corpus_dir.resolve())
    files: dict[str, str] = {}
    stats: dict[str, list[int]] = {}
    now = time.time_ns()
    for source, path in files_found:
        try:
            st = os.stat(path)
        except OSError:
            continue
        if not stat_module.S_ISREG(st.st_mode):
            continue
        stat = [st.st_size, st.st_mtime_ns]
        if same and manifest.stats.get(source) == stat and source in manifest.files:
            files[source] = manifest.files[source]
        else:
            files[source] = file_sha256(Path(path))
        if now - st.st_mtime_ns > RACY_NS:
            stats[source] = stat
    return files, stats


def _sources(corpus_dir: Path) -> list[tuple[str, str]]:
    """``(source name, path)`` of the datasheet files below a corpus folder, unsorted: the
    files :func:`loading.corpus_files` lists, found with ``os.walk`` and plain strings
    (pathlib's sorting and ``relative_to`` were half of checking 10,000 files)."""
    root, prefix, out = str(corpus_dir), corpus_dir.name, []
    for folder, _dirs, names in os.walk(root):
        below = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in names:
            if os.path.splitext(name)[1].lower() in SUPPORTED:
                relative = name if below == "." else f"{below}/{name}"
                out.append((f"{prefix}/{relative}", os.path.join(folder, name)))
    return out


@contextmanager
def build_lock(index_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[bool]:
    """Hold the index folder's build lock (``build.lock``, a ``filelock`` lock: one build
    at a time per folder, across processes; re-entrant within a thread). When another
    process holds it, ``on_wait(message)`` is told and the lock waited for. Yields whether
    it had to wait (then the index may have just been brought up to date)."""
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / store.LOCK, is_singleton=True)
    waited = False
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if on_wait:
            on_wait(f"another build of the index in {index_dir} is running; waiting for it to finish …")
        lock.acquire()
        waited = True
    try:
        yield waited
    finally:
        lock.release()


def build(corpus_dir: Path, index_dir: Path, embedder: Embedder | None = None,
          progress: Progress | None = None, reason: str = "", full: bool = False,
          on_wait: Callable[[str], None] | None = None) -> IncrementalReport:
    """Build or update the index of a corpus folder into ``index_dir`` (a new generation
    that records the corpus folder).

    Datasheets unchanged since the current generation are carried over unless ``full``.
    Holds the folder's :func:`build_lock` (waiting, with ``on_wait`` told, while another
    process builds there). Raises NothingIndexed when no datasheet could be read (the
    previous index is kept), FileNotFoundError when the corpus folder does not exist.
    """
    with build_lock(index_dir, on_wait):
        return _build(corpus_dir, index_dir, embedder, progress, reason, full)


def _build(corpus_dir: Path, index_dir: Path, embedder: Embedder | None, progress: Progress | None,
           reason: str, full: bool) -> IncrementalReport:
    import sys

    from ..answer.retrieval import Retriever  # the BM25 terms are the retriever's

    started = time.perf_counter()
    previous = None if full else store.PreviousGeneration.open(index_dir)
    embedder = embedder or Embedder()
    cache = store.EmbeddingCache(index_dir, embedder.name)
    embedding = BackgroundEmbedding(cache, embedder)
    writer = None
    # the embedding thread needs the GIL between torch's operations: with the reader busy
    # in Python it waited up to the default 5 ms each time (one torch thread: 38 texts/s
    # alone, 20/s beside a busy thread; 35/s with 0.5 ms, the busy thread as fast as alone)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, 0.0005))
    try:
        entries, skipped, files, stats = _read(corpus_dir, previous, progress, embedding.add)
        if not entries:
            raise NothingIndexed(skipped)
        known = known_attributes([e.attributes for e in entries])
        carried = [e.source for e in entries if e.carried]
        carried_chunks = previous.chunks(carried) if previous and carried else {}
        for source in carried:
            embedding.add(carried_chunks[source])
        embedding.close()
        same_known = previous is not None and previous.known == known
        chunks: list[Chunk] = []
        tables: dict[str, SpecTable] = {}
        for e in entries:
            if e.carried:
                chunks.extend(carried_chunks[e.source])
                if not same_known:  # another datasheet changed the corpus attributes
                    doc = previous.document(e.source)
                    tables[e.source] = build_spec_table(doc, split_sections(doc), known)
            else:
                chunks.extend(e.chunks)
                tables[e.source] = build_spec_table(e.doc, e.sections, known)
        read_seconds = time.perf_counter() - started
        distinct = list(dict.fromkeys(c.key for c in chunks))
        row = {key: i for i, key in enumerate(distinct)}
        rows = [row[c.key] for c in chunks]
        # the metadata and BM25 need no vectors: written while the embedding goes on
        writer = store.GenerationWriter(index_dir)
        writer.write_meta(
            [store.DocumentEntry(e.source, e.sha256, e.item, e.attributes, e.doc, tables.get(e.source))
             for e in entries], chunks, rows, known, previous.meta if previous else None)
        texts = {c.key: c.text for c in chunks}
        bm25 = Retriever.bm25_index([texts[key] for key in distinct])
        embedded = embedding.finish(progress)
        embed_seconds = embedding.seconds
        vectors = cache.get(distinct, DIMENSION)
        kind, index = make_faiss(vectors)
        indexed = {e.source for e in entries}
        writer.finish(vectors, rows, embedder.name, {e.source: e.sha256 for e in entries}, kind, index,
                      corpus=corpus_dir, stats={s: v for s, v in stats.items() if s in indexed},
                      bm25=bm25, tokenizer=Retriever.tokenizer_version())
    except BaseException:
        embedding.stop()
        if writer is not None:
            writer.abort()
        raise
    finally:
        sys.setswitchinterval(switch)
        cache.close()
        if previous:
            previous.close()
    remember_skipped(index_dir, files, skipped)
    return IncrementalReport(
        indexed=tuple(sorted(e.source for e in entries)), skipped=tuple(skipped), chunks=len(chunks),
        embedded=embedded, reason=reason, read=len(entries) - len(carried),
        carried=len(carried), distinct=len(distinct),
        seconds=time.perf_counter() - started, read_seconds=read_seconds, embed_seconds=embed_seconds)


PARSER_CHANGED = "the datasheet parser changed since the index was built"
TERMS_CHANGED = "the search terms changed since the index was built"


def check(index_dir: Path, corpus_dir: Path | None) -> str:
    """Why the index must be (re)built, or ``""`` when it is usable as it is.

    Compares the manifest with the corpus files' hashes (files that were skipped as
    unreadable do not count; a file of the recorded corpus folder with its recorded size
    and time keeps its recorded hash), the installed model, the parser and the BM25 terms,
    and verifies the artefact checksums. Raises FileNotFoundError when ``corpus_dir`` is
    given and is not a folder (before any rebuild is announced).
    """
    from ..answer.retrieval import Retriever

    if corpus_dir is not None and not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    try:
        gen = store.current_generation(index_dir)
        manifest = store.read_manifest(gen)
    except store.IndexMissing:
        return "no index yet"
    except store.IndexError_ as exc:
        return str(exc)
    if manifest.model != model_name():
        return f"the embedding model changed ({manifest.model} → {model_name()})"
    if manifest.pipeline != store.pipeline_version():
        return PARSER_CHANGED
    if manifest.tokenizer != Retriever.tokenizer_version():
        return TERMS_CHANGED
    if corpus_dir is None:
        return ""
    current, _stats = _hashes(corpus_dir, _sources(corpus_dir), manifest)
    changed = [s for s, h in current.items() if s in manifest.files and manifest.files[s] != h]
    removed = [s for s in manifest.files if s not in current]
    added = [s for s in current if s not in manifest.files and not _known_bad(index_dir, s, current[s])]
    parts = []
    if changed:
        parts.append(f"{len(changed)} changed")
    if added:
        parts.append(f"{len(added)} new")
    if removed:
        parts.append(f"{len(removed)} removed")
    return f"the corpus changed ({', '.join(parts)})" if parts else ""


class CorpusMismatch(ValueError):
    """The corpus folder named is not the one the index was built from (and no rebuild
    was asked for)."""


class CorpusUnknown(ValueError):
    """The index must be built but no corpus folder was named and it records none."""


@dataclass(frozen=True)
class Plan:
    """What an index folder needs before it answers: ``corpus`` the corpus folder
    (absolute) it is (to be) built from, None when it answers as it is without one;
    ``reason`` why it must be built now ("" when it need not); ``forced`` when the build
    was asked for (``--rebuild``, ``--force``) rather than found necessary; ``warning``
    something the user should know (its corpus folder is missing)."""

    corpus: Path | None
    reason: str
    forced: bool = False
    warning: str = ""


def plan(index_dir: Path, corpus_dir: Path | None = None, rebuild: bool = False,
         force: bool = False) -> Plan:
    """Decide which corpus an index answers from and whether it must be built first.

    ``corpus_dir`` is the folder the user named (None: the index's own, recorded in its
    manifest). An index is never built from a corpus the user did not name: naming another
    corpus than the recorded one raises CorpusMismatch unless ``rebuild``; an index that
    must be built and records no corpus raises CorpusUnknown. A recorded corpus folder
    that is gone leaves the index answering as it is, with a warning. ``force`` (or
    ``rebuild``) builds even an up-to-date index. Raises FileNotFoundError for a named
    corpus folder that does not exist.
    """
    recorded = store.recorded_corpus(index_dir)
    if corpus_dir is not None:
        corpus = Path(corpus_dir).resolve()
        if not corpus.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
        if recorded is not None and recorded != corpus:
            if not rebuild:
                raise CorpusMismatch(
                    f"the index in {index_dir} was built from {recorded}, not {corpus}: give "
                    f"--rebuild to rebuild it from {corpus}, or another --index folder")
            return Plan(corpus, f"rebuilding from {corpus}, was built from {recorded}", forced=True)
        if rebuild or force:
            return Plan(corpus, "rebuild asked for", forced=True)
        return Plan(corpus, check(index_dir, corpus))
    if recorded is None:
        reason = check(index_dir, None)
        if reason:
            raise CorpusUnknown(
                f"the index in {index_dir} must be built ({reason}) and no corpus folder is "
                f"known for it: name its datasheet folder with --corpus DIR")
        return Plan(None, "")
    if not recorded.is_dir():
        reason = check(index_dir, None)
        if reason not in ("", PARSER_CHANGED, TERMS_CHANGED) or rebuild or force:
            raise FileNotFoundError(
                f"the corpus folder {recorded} of the index in {index_dir} is missing, so the "
                f"index cannot be rebuilt ({reason or 'asked for'}): name a corpus with "
                f"--corpus DIR --rebuild")
        return Plan(None, "", warning=f"the corpus folder {recorded} of the index in {index_dir} "
                                      f"is missing: answering from the index as it was built")
    if rebuild or force:
        return Plan(recorded, "rebuild asked for", forced=True)
    return Plan(recorded, check(index_dir, recorded))


def ensure(index_dir: Path, corpus_dir: Path | None = None, rebuild: bool = False,
           force: bool = False, embedder: Embedder | None = None, progress: Progress | None = None,
           on_rebuild: Callable[[str], None] | None = None,
           on_notice: Callable[[str], None] | None = None) -> tuple[Plan, IncrementalReport | None]:
    """Bring an index folder up to date as :func:`plan` decides; returns the plan and the
    build's report (None when nothing was built).

    The need is decided again once the build lock is held: when another process was
    building (``on_notice`` is told, and the lock waited for) or finished meanwhile, its
    result is used and nothing is built twice. ``on_rebuild(reason)`` is told before a
    build; ``on_notice`` also gets the plan's warning. Raises what :func:`plan` and
    :func:`build` raise.
    """
    decided = plan(index_dir, corpus_dir, rebuild, force)
    if decided.warning and on_notice:
        on_notice(decided.warning)
    if not decided.reason:
        return decided, None
    with build_lock(index_dir, on_notice) as waited:
        reason = decided.reason
        if waited or not decided.forced:
            fresh = check(index_dir, decided.corpus)
            if not fresh and store.recorded_corpus(index_dir) == decided.corpus:
                return decided, None  # built meanwhile by another process
            if not decided.forced:
                reason = fresh
        if on_rebuild:
            on_rebuild(reason)
        return decided, build(decided.corpus, index_dir, embedder, progress, reason)


def _known_bad(index_dir: Path, source: str, sha: str) -> bool:
    """Whether this exact file was already reported unreadable by the last build."""
    path = index_dir / "skipped.json"
    if not path.is_file():
        return False
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8")).get(source) == sha
    except (OSError, ValueError, AttributeError):
        return False


def remember_skipped(index_dir: Path, hashes: dict[str, str], skipped: list[tuple[str, str]]) -> None:
    """Record the hashes of skipped files so an unchanged broken file does not make the
    index look stale at every start."""
    import json

    data = {s: hashes.get(s, "") for s, _ in skipped}
    tmp = index_dir / ".skipped.json.tmp"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(index_dir / "skipped.json")
