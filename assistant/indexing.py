"""Index building: corpus → documents → sections → chunks + spec tables → embeddings → store.

Only chunk texts that the embedding cache does not hold yet are embedded; identical texts
(shared by a product family) are embedded once. A broken datasheet is reported by name and
skipped; the build fails only when nothing could be indexed, and then the previous index
stays in use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import store
from .embedding import DIMENSION, Embedder, model_name
from .loading import DatasheetError, corpus_files, file_sha256, load_file
from .normalising import normalise
from .records import BuildReport, Chunk, Document, SpecTable
from .sections import chunk_sections, split_sections
from .spectable import build_spec_table, corpus_attributes

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is ``"reading"`` or ``"embedding"``."""

EXACT_SEARCH_LIMIT = 200_000  # chunks; exact inner product stays under ~10 ms below this
EMBED_BATCH = 32


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


def source_name(path: Path, corpus_dir: Path) -> str:
    """How citations name a file: the corpus folder's name and the path below it
    (``corpus/2002-1204.txt``), the same wherever the program runs."""
    return f"{corpus_dir.name}/{path.relative_to(corpus_dir).as_posix()}"


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """``{source name: SHA-256}`` of every datasheet file in the corpus folder."""
    return {source_name(p, corpus_dir): file_sha256(p) for p in corpus_files(corpus_dir)}


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
            doc = normalise(load_file(path, source), path)
        except DatasheetError as exc:
            skipped.append((source, exc.reason))
            continue
        except ValueError as exc:
            skipped.append((source, str(exc).removeprefix(source + ": ")))
            continue
        if doc.item in seen:
            skipped.append((source, f"item number {doc.item} already read from {seen[doc.item]}"))
            continue
        seen[doc.item] = source
        docs.append((doc, split_sections(doc)))
        if progress:
            progress("reading", done, len(paths))
    known = corpus_attributes(docs)
    out = [Ingested(doc, chunk_sections(sections), build_spec_table(doc, sections, known))
           for doc, sections in docs]
    return out, skipped


def embed_missing(chunks: list[Chunk], cache: store.EmbeddingCache, embedder: Embedder,
                  progress: Progress | None = None) -> int:
    """Embed the chunk texts the cache lacks, in batches, committing each batch (so an
    interrupted build resumes). Returns how many distinct texts were embedded."""
    texts = {c.key: c.text for c in chunks}
    missing = cache.missing(list(texts))
    for start in range(0, len(missing), EMBED_BATCH):
        keys = missing[start:start + EMBED_BATCH]
        cache.put(keys, embedder.encode([texts[k] for k in keys], batch_size=EMBED_BATCH))
        if progress:
            progress("embedding", min(start + EMBED_BATCH, len(missing)), len(missing))
    return len(missing)


def make_faiss(vectors: np.ndarray):
    """A FAISS inner-product index over unit vectors: exact (``IndexFlatIP``) up to
    ``EXACT_SEARCH_LIMIT`` vectors, HNSW (M=32, efSearch=128) beyond. Returns (kind, index)."""
    import faiss

    if len(vectors) <= EXACT_SEARCH_LIMIT:
        index = faiss.IndexFlatIP(DIMENSION)
        kind = "flat-ip"
    else:
        index = faiss.IndexHNSWFlat(DIMENSION, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
        kind = "hnsw-ip-m32"
    if len(vectors):
        index.add(vectors)
    return kind, index


def build(corpus_dir: Path, index_dir: Path, embedder: Embedder | None = None,
          progress: Progress | None = None, reason: str = "") -> BuildReport:
    """Build (or rebuild) the index of a corpus folder into ``index_dir``.

    Raises NothingIndexed when no datasheet could be read (the previous index is kept),
    FileNotFoundError when the corpus folder does not exist.
    """
    files = corpus_hashes(corpus_dir)
    ingested, skipped = ingest(corpus_dir, progress)
    if not ingested:
        raise NothingIndexed(skipped)
    embedder = embedder or Embedder()
    chunks = [c for item in ingested for c in item.chunks]
    cache = store.EmbeddingCache(index_dir, embedder.name)
    try:
        embedded = embed_missing(chunks, cache, embedder, progress)
        vectors = cache.get([c.key for c in chunks], DIMENSION)
    finally:
        cache.close()
    kind, index = make_faiss(vectors)
    indexed = {item.doc.source for item in ingested}
    store.write_generation(
        index_dir, [i.doc for i in ingested], chunks, [i.table for i in ingested], vectors,
        embedder.name, {s: h for s, h in files.items() if s in indexed}, kind, index,
    )
    remember_skipped(index_dir, files, skipped)
    return BuildReport(indexed=tuple(sorted(indexed)), skipped=tuple(skipped), chunks=len(chunks),
                       embedded=embedded, rebuilt=True, reason=reason)


def check(index_dir: Path, corpus_dir: Path | None) -> str:
    """Why the index must be (re)built, or ``""`` when it is usable as it is.

    Compares the manifest with the corpus files' hashes (files that were skipped as
    unreadable do not count) and the installed model, and verifies the artefact checksums.
    """
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
        return "the datasheet parser changed since the index was built"
    if corpus_dir is None:
        return ""
    current = corpus_hashes(corpus_dir)
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
