"""Index storage: one generation folder per build, switched to atomically.

Layout of an index folder::

    index/
      CURRENT              name of the generation in use (replaced atomically)
      build.lock           held by the one build running in this folder (filelock)
      gen-…/manifest.json  format version, model, the corpus folder (absolute) and its file
                           hashes and sizes/times, artefact checksums
      gen-…/meta.sqlite    documents, lines, chunks, spec rows, approvals, accessories,
                           each datasheet's own attribute names and the corpus's union
                           (so the next build can carry unchanged datasheets over)
      gen-…/vectors.npy    one embedding per distinct chunk text (a family's members share
                           most texts); ``chunks.vector`` is a chunk's row
      gen-…/chunk_rows.npy chunk id → its row in ``vectors.npy`` and in the BM25 index
      gen-…/bm25/          BM25 (bm25s' own files: NumPy arrays and JSON) over the distinct
                           chunk texts, row for row with ``vectors.npy``
      gen-…/vectors.faiss  the same vectors in a FAISS index (FAISS's own format)
      gen-…/verified.json  size, times and inode of each artefact when its checksum was
                           last verified (so an unchanged file is not hashed again)
      embeddings.sqlite    cache: chunk text hash → embedding; survives builds, so unchanged
                           text is never embedded again and an interrupted build resumes

No pickle anywhere: JSON, SQLite, NumPy arrays and FAISS's own file. A build writes a new
generation folder completely, then replaces ``CURRENT``; a crash at any point leaves the
previous generation in use.

Opening a generation reads only its manifest and products; vectors, chunk rows and BM25
arrays are memory-mapped, and spec tables, chunks and lines are read from SQLite when an
answer needs them, so opening takes the same time for 2 or 10,000 datasheets.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..ingest.loading import file_sha256 as sha256_file
from ..records import (
    Accessory, Approval, Chunk, Document, Line, Product, Quantity, SpecRow, SpecTable,
)

# 4: row features and conductor classes, product identifiers and vendor, PDF pages;
# 5: the corpus folder, saved BM25, chunk rows beside the distinct vectors
FORMAT_VERSION = 5
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
META = "meta.sqlite"
VECTORS = "vectors.faiss"
DISTINCT = "vectors.npy"
CHUNK_ROWS = "chunk_rows.npy"
BM25 = "bm25"
VERIFIED = "verified.json"
CACHE = "embeddings.sqlite"
LOCK = "build.lock"


class IndexError_(Exception):
    """Base for index problems that a rebuild fixes."""


class IndexMissing(IndexError_):
    """No index has been built in this folder yet."""


class IndexCorrupt(IndexError_):
    """An index file is missing, truncated or altered (checksum mismatch), or unreadable."""


class IndexStale(IndexError_):
    """The index was built from other corpus files, another model or format version."""


@dataclass(frozen=True)
class Manifest:
    """What a generation was built from: format version, model, corpus file → SHA-256,
    artefact file (path below the generation) → SHA-256, the FAISS index kind, the chunk
    count; ``corpus`` the corpus folder (absolute), ``stats`` corpus file → [size in bytes,
    mtime in ns] when it was hashed (a file whose size and time are unchanged is not hashed
    again), ``tokenizer`` the version of the BM25 terms, ``distinct`` the distinct chunk
    texts (rows of ``vectors.npy`` and of the BM25 index)."""

    format_version: int
    model: str
    files: dict[str, str]
    checksums: dict[str, str]
    faiss: str
    chunks: int
    created: str
    pipeline: str = ""
    corpus: str = ""
    stats: dict[str, list[int]] = field(default_factory=dict)
    tokenizer: str = ""
    distinct: int = 0


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def current_generation(index_dir: Path) -> Path:
    """The generation folder ``CURRENT`` names. Raises IndexMissing / IndexCorrupt."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        raise IndexMissing(f"no index in {index_dir} yet")
    name = pointer.read_text(encoding="utf-8").strip()
    if not name.startswith("gen-") or "/" in name or "\\" in name:
        raise IndexCorrupt(f"{pointer} names no generation ({name[:40]!r})")
    gen = index_dir / name
    if not gen.is_dir():
        raise IndexCorrupt(f"{pointer} names {name}, which does not exist")
    return gen


def read_manifest(gen: Path, verify: bool = True) -> Manifest:
    """Read and (with ``verify``) check a generation's manifest and artefact checksums.

    A file is hashed in full when its size, times or inode differ from when it was last
    verified (``verified.json``; any write changes them), else trusted: at 10,000
    datasheets hashing the 0.5 GB of artefacts would take longer than answering.
    Raises IndexCorrupt for a missing/unreadable manifest or a checksum mismatch, and
    IndexStale for another format version.
    """
    try:
        data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**{f.name: data[f.name] for f in fields(Manifest) if f.name in data})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorrupt(f"index manifest unreadable in {gen.name}: {exc}") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexStale(
            f"index format {manifest.format_version}, this program reads {FORMAT_VERSION}"
        )
    if verify:
        _verify(gen, manifest.checksums)
    return manifest


def _signature(path: Path) -> list[int]:
    """What changes when a file is written: size, modification and change times, inode."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _verify(gen: Path, checksums: dict[str, str]) -> None:
    """Check every artefact against its SHA-256 (see :func:`read_manifest`); remember what
    was verified in ``verified.json`` (best effort: a read-only index is hashed each time)."""
    try:
        stamp = json.loads((gen / VERIFIED).read_text(encoding="utf-8"))
        if not isinstance(stamp, dict):
            stamp = {}
    except (OSError, ValueError):
        stamp = {}
    verified: dict[str, list] = {}
    for name, expected in checksums.items():
        path = gen / name
        if Path(name).is_absolute() or ".." in Path(name).parts or not path.is_file():
            raise IndexCorrupt(f"index file {name} is missing")
        signature = _signature(path) + [expected]
        if stamp.get(name) != signature:
            if sha256_file(path) != expected:
                raise IndexCorrupt(f"index file {name} is damaged (checksum mismatch)")
        verified[name] = signature
    if verified != stamp:
        _write_json(gen / VERIFIED, verified, durable=False)


def _write_json(path: Path, data, durable: bool = True) -> None:
    """Replace a JSON file atomically (a temporary file renamed over it); OSError is
    ignored when not ``durable`` (a cache the next reader can do without)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        if durable:
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        if durable:
            raise


def recorded_corpus(index_dir: Path) -> Path | None:
    """The corpus folder (absolute) the current generation was built from; None when there
    is no index, its manifest is unreadable or it was written before format 5."""
    try:
        gen = current_generation(index_dir)
        data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except (IndexError_, OSError, ValueError):
        return None
    corpus = data.get("corpus") if isinstance(data, dict) else None
    return Path(corpus) if isinstance(corpus, str) and corpus else None


# ---------------------------------------------------------------- embedding cache


class EmbeddingCache:
    """Chunk-text SHA-256 → float32 vector, in SQLite beside the generations.

    Each ``put`` commits, so the embeddings of an interrupted build are kept (checkpoint)
    and the next build resumes with what is missing.
    """

    def __init__(self, index_dir: Path, model: str, dim: int = 384):
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / CACHE
        self.model, self.dim = model, dim
        self._db = self._open(model)

    def _reset(self) -> None:
        """Start the cache afresh: a damaged file only costs re-embedding."""
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self.path.unlink(missing_ok=True)
        self._db = self._open(self.model)

    def _open(self, model: str) -> sqlite3.Connection:
        db = None
        try:
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
            row = db.execute("SELECT v FROM meta WHERE k='model'").fetchone()
            # a file damaged inside keeps a readable header: check every page once per build
            # (≈ 0.1 s for the 6 MB cache of a 1,000-datasheet catalogue)
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("embedding cache failed its integrity check")
        except sqlite3.DatabaseError:
            if db is not None:
                db.close()
            self.path.unlink(missing_ok=True)  # a damaged cache only costs re-embedding
            return self._open(model)
        if row is None or row[0] != model:
            db.execute("DELETE FROM vec")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('model', ?)", (model,))
            db.commit()
        return db

    def missing(self, keys: list[str]) -> list[str]:
        """The keys (in order, without repeats) that have no usable cached vector yet: a
        vector of the wrong size counts as missing, and a cache damaged inside (its header
        intact, a later page not) is started afresh."""
        have = set()
        unique = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(unique), 500):
                part = unique[start:start + 500]
                marks = ",".join("?" * len(part))
                have.update(k for (k,) in self._db.execute(
                    f"SELECT key FROM vec WHERE key IN ({marks}) AND length(v) = ?",
                    part + [self.dim * 4]))
        except sqlite3.DatabaseError:
            self._reset()
            return unique
        return [k for k in unique if k not in have]

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        """Store vectors (n, d) for keys and commit."""
        self._db.executemany(
            "INSERT OR REPLACE INTO vec VALUES (?, ?)",
            [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in zip(keys, vectors)],
        )
        self._db.commit()

    def get(self, keys: list[str], dim: int) -> np.ndarray:
        """Vectors for keys, in order → float32 (len(keys), dim). Raises KeyError if absent."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            part = unique[start:start + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self._db.execute(
                    f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        out = np.zeros((len(keys), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out

    def close(self) -> None:
        """Close the database."""
        self._db.close()


# ---------------------------------------------------------------- writing


_SCHEMA = """
CREATE TABLE documents (item TEXT PRIMARY KEY, source TEXT UNIQUE, title TEXT, sha256 TEXT,
                        identifiers TEXT, vendor TEXT, series TEXT, kind TEXT);
CREATE TABLE doc_attributes (source TEXT, name TEXT);
CREATE INDEX doc_attributes_source ON doc_attributes (source);
CREATE TABLE corpus_attributes (name TEXT PRIMARY KEY);
CREATE TABLE lines (source TEXT, number INTEGER, raw TEXT, text TEXT, page INTEGER,
                    page_line INTEGER, heading INTEGER);
CREATE INDEX lines_at ON lines (source, number);
CREATE TABLE chunks (id INTEGER PRIMARY KEY, item TEXT, source TEXT, section TEXT,
                     line_start INTEGER, line_end INTEGER, text TEXT, key TEXT, vector INTEGER);
CREATE INDEX chunks_item ON chunks (item);
CREATE INDEX chunks_source ON chunks (source);
CREATE TABLE products (item TEXT PRIMARY KEY, source TEXT, title TEXT, family TEXT,
                       color TEXT, kind TEXT, identifiers TEXT, vendor TEXT, series TEXT);
CREATE TABLE rows (item TEXT, section TEXT, attribute TEXT, qualifier TEXT, standard TEXT,
                   value TEXT, quantity TEXT, alternate TEXT, raw TEXT, source TEXT,
                   line_start INTEGER, line_end INTEGER, feature TEXT, conductor TEXT);
CREATE INDEX rows_item ON rows (item, attribute);
CREATE INDEX rows_attribute ON rows (attribute, item);
CREATE INDEX rows_feature ON rows (feature, item);
CREATE TABLE approvals (item TEXT, "group" TEXT, approval TEXT, issuer TEXT, standard TEXT,
                        certificate TEXT, note TEXT, source TEXT, line_start INTEGER,
                        line_end INTEGER);
CREATE INDEX approvals_item ON approvals (item);
CREATE TABLE accessories (item TEXT, "group" TEXT, item_number TEXT, description TEXT,
                          source TEXT, line_start INTEGER, line_end INTEGER);
CREATE INDEX accessories_item ON accessories (item);
"""


@lru_cache(maxsize=65536)  # a family's members print the same values: encode each once
def _qjson(q: Quantity | None) -> str | None:
    # the fields by name (dataclasses.asdict deep-copies: a fifth of writing 10,000 sheets)
    return json.dumps({f.name: getattr(q, f.name) for f in fields(q)}) if q else None


def pipeline_version() -> str:
    """A hash of the parsing code (loading → spec table) and the vocabulary data file: an
    index built by other parsing code or words is stale even when the corpus did not
    change (its spec tables are derived again; unchanged chunk texts are not re-embedded)."""
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    package = Path(__file__).resolve().parent.parent
    parsing = (sorted((package / "ingest").glob("*.py")) + sorted((package / "vocabulary").glob("*.py"))
               + sorted((package / "vocabulary").glob("*.toml")) + [package / "index" / "indexing.py"])
    for path in parsing:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class DocumentEntry:
    """One datasheet of a generation being written, in corpus order.

    ``doc`` None: its lines are copied from the previous generation (file unchanged);
    ``table`` None: its spec table (product, rows, approvals, accessories) is copied too.
    ``attributes`` are the attribute names the datasheet adds to the corpus's known ones.
    """

    source: str
    sha256: str
    item: str
    attributes: tuple[str, ...]
    doc: Document | None
    table: SpecTable | None


def _insert_table(db: sqlite3.Connection, table: SpecTable) -> None:
    p = table.product
    db.execute("INSERT INTO products VALUES (?,?,?,?,?,?,?,?,?)",
               (p.item, p.source, p.title, p.family, p.color, p.kind,
                json.dumps(list(p.identifiers), ensure_ascii=False), p.vendor, p.series))
    db.executemany("INSERT INTO rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (r.item, r.section, r.attribute, r.qualifier, r.standard, r.value,
         _qjson(r.quantity), _qjson(r.alternate), r.raw, r.source, r.line_start,
         r.line_end, r.feature, r.conductor) for r in table.rows])
    db.executemany("INSERT INTO approvals VALUES (?,?,?,?,?,?,?,?,?,?)", [
        (a.item, a.group, a.approval, a.issuer, a.standard, a.certificate, a.note,
         a.source, a.line_start, a.line_end) for a in table.approvals])
    db.executemany("INSERT INTO accessories VALUES (?,?,?,?,?,?,?)", [
        (a.item, a.group, a.item_number, a.description, a.source, a.line_start,
         a.line_end) for a in table.accessories])


def _write_meta(path: Path, docs: list[DocumentEntry], chunks: list[Chunk], rows: list[int],
                known: tuple[str, ...], previous: Path | None) -> None:
    """Fill a new meta.sqlite; entries without ``doc``/``table`` are copied from the
    previous generation's meta.sqlite inside SQLite (no Python objects on the way)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        copy_lines = [d for d in docs if d.doc is None]
        copy_tables = [d for d in docs if d.table is None]
        if (copy_lines or copy_tables) and previous is None:
            raise ValueError("datasheets to carry over but no previous generation")
        if previous is not None and (copy_lines or copy_tables):
            db.execute("ATTACH DATABASE ? AS prev", (previous.resolve().as_uri() + "?mode=ro",))
            db.execute("CREATE TEMP TABLE carry (source TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO temp.carry VALUES (?)", [(d.source,) for d in copy_lines])
            db.execute("CREATE TEMP TABLE carry_items (item TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO temp.carry_items VALUES (?)", [(d.item,) for d in copy_tables])
            db.execute("INSERT INTO documents SELECT d.* FROM prev.documents d "
                       "JOIN temp.carry c ON d.source = c.source")
            db.execute("INSERT INTO lines SELECT l.* FROM prev.lines l "
                       "JOIN temp.carry c ON l.source = c.source ORDER BY l.rowid")
            for name in ("rows", "approvals", "accessories"):
                db.execute(f"INSERT INTO {name} SELECT t.* FROM prev.{name} t "
                           f"JOIN temp.carry_items c ON t.item = c.item ORDER BY t.rowid")
        db.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)",
                       [(d.item, d.source, d.doc.title, d.sha256,
                         json.dumps(list(d.doc.identifiers), ensure_ascii=False), d.doc.vendor,
                         d.doc.series, d.doc.kind) for d in docs if d.doc is not None])
        db.executemany("INSERT INTO lines VALUES (?,?,?,?,?,?,?)",
                       [(l.source, l.number, l.raw, l.text, l.page, l.page_line, int(l.heading))
                        for d in docs if d.doc is not None for l in d.doc.lines])
        db.executemany("INSERT INTO doc_attributes VALUES (?,?)",
                       [(d.source, name) for d in docs for name in d.attributes])
        db.executemany("INSERT INTO corpus_attributes VALUES (?)", [(n,) for n in known])
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)",
                       [(i, c.item, c.source, c.section, c.line_start, c.line_end, c.text, c.key, row)
                        for i, (c, row) in enumerate(zip(chunks, rows))])
        for d in docs:  # products keep corpus order: it is the order users see them in
            if d.table is None:
                db.execute("INSERT INTO products SELECT * FROM prev.products WHERE item = ?", (d.item,))
            else:
                _insert_table(db, d.table)
        db.commit()
    finally:
        db.close()


class GenerationWriter:
    """A generation being written, in a ``.building-…`` folder of the index folder, in two
    steps so the metadata can be written while the embeddings are still being computed:
    :meth:`write_meta`, then :meth:`finish`, which switches ``CURRENT`` to it. :meth:`abort`
    (or a failed step) removes the folder; the current generation is never touched."""

    def __init__(self, index_dir: Path):
        index_dir.mkdir(parents=True, exist_ok=True)
        self.index_dir = index_dir
        self.tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=index_dir))

    def write_meta(self, docs: list[DocumentEntry], chunks: list[Chunk], rows: list[int],
                   known: tuple[str, ...] = (), previous: Path | None = None) -> None:
        """Write ``meta.sqlite``: the datasheets (``docs``, carried ones copied from the
        ``previous`` meta.sqlite), ``chunks`` with ``rows[i]`` the distinct-text row of
        ``chunks[i]``, and ``known``, the corpus's attribute names."""
        try:
            _write_meta(self.tmp / META, docs, chunks, rows, known, previous)
        except BaseException:
            self.abort()
            raise

    def finish(self, vectors: np.ndarray, rows: list[int], model: str, files: dict[str, str],
               faiss_kind: str, faiss_index, *, corpus: Path | None = None,
               stats: dict[str, list[int]] | None = None, bm25=None, tokenizer: str = "") -> Path:
        """Write the vectors, chunk rows, FAISS and BM25 indexes and the manifest, then
        switch ``CURRENT`` to the generation atomically and remove older ones. Returns the
        new generation folder. Arguments as for :func:`write_generation`."""
        import faiss

        tmp, index_dir = self.tmp, self.index_dir
        try:
            faiss.write_index(faiss_index, str(tmp / VECTORS))
            np.save(tmp / DISTINCT, vectors, allow_pickle=False)
            np.save(tmp / CHUNK_ROWS, np.asarray(rows, dtype=np.int32), allow_pickle=False)
            if bm25 is not None:
                bm25.save(str(tmp / BM25), show_progress=False)
            from datetime import datetime, timezone

            artefacts = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
            manifest = Manifest(
                format_version=FORMAT_VERSION, model=model, files=files,
                checksums={name: sha256_file(tmp / name) for name in artefacts},
                faiss=faiss_kind, chunks=len(rows),
                created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                pipeline=pipeline_version(), corpus=str(corpus.resolve()) if corpus else "",
                stats=stats or {}, tokenizer=tokenizer, distinct=len(vectors),
            )
            (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
            for path in tmp.rglob("*"):
                if path.is_file():
                    with path.open("rb") as handle:
                        os.fsync(handle.fileno())
            if (tmp / BM25).is_dir():
                _fsync_dir(tmp / BM25)
            # just hashed: the first reader need not hash them again
            _write_json(tmp / VERIFIED, {name: _signature(tmp / name) + [manifest.checksums[name]]
                                         for name in artefacts}, durable=False)
            gen = index_dir / f"gen-{os.getpid()}-{tmp.name.rsplit('-', 1)[-1]}"
            tmp.rename(gen)
            _fsync_dir(index_dir)
            pointer_tmp = index_dir / f".{CURRENT}.tmp"
            pointer_tmp.write_text(gen.name, encoding="utf-8")
            with pointer_tmp.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(pointer_tmp, index_dir / CURRENT)
            _fsync_dir(index_dir)
        except BaseException:
            self.abort()
            raise
        for old in index_dir.iterdir():
            if old.is_dir() and old != gen and (old.name.startswith("gen-") or old.name.startswith(".building-")):
                shutil.rmtree(old, ignore_errors=True)
        return gen

    def abort(self) -> None:
        """Remove the unfinished generation."""
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_generation(index_dir: Path, docs: list[DocumentEntry], chunks: list[Chunk],
                     vectors: np.ndarray, rows: list[int], model: str, files: dict[str, str],
                     faiss_kind: str, faiss_index, known: tuple[str, ...] = (),
                     previous: Path | None = None, *, corpus: Path | None = None,
                     stats: dict[str, list[int]] | None = None, bm25=None,
                     tokenizer: str = "") -> Path:
    """Write a complete generation into a temporary folder, then switch ``CURRENT`` to it
    atomically and remove older generations. Returns the new generation folder.

    ``vectors`` (n_distinct, 384) holds one row per distinct chunk text, ``rows[i]`` is the
    row of ``chunks[i]``; ``faiss_index`` is already filled with ``vectors``; ``bm25`` a
    ``bm25s.BM25`` indexed over the same distinct texts (row for row), ``tokenizer`` the
    version of its terms; ``known`` are the corpus's attribute names; ``previous`` the
    meta.sqlite that carried datasheets (entries without ``doc`` or ``table``) are copied
    from; ``corpus`` the corpus folder and ``stats`` its files' [size, mtime ns], recorded
    in the manifest.
    """
    writer = GenerationWriter(index_dir)
    writer.write_meta(docs, chunks, rows, known, previous)
    return writer.finish(vectors, rows, model, files, faiss_kind, faiss_index, corpus=corpus,
                         stats=stats, bm25=bm25, tokenizer=tokenizer)


class PreviousGeneration:
    """The current generation seen as a source of datasheets to carry over into the next
    build: per file (source, SHA-256) its item number and attribute names, its lines and
    chunks, and the corpus attribute names its spec tables were built with; ``manifest``
    its manifest (the corpus files' hashes, sizes and times)."""

    def __init__(self, gen: Path, db: sqlite3.Connection, manifest: Manifest | None = None):
        self.meta = gen / META
        self.db = db
        self.manifest = manifest
        self._docs: dict[str, tuple] = {
            row[1]: row for row in
            db.execute("SELECT item, source, title, sha256, identifiers, vendor, series, kind FROM documents")}
        self._attributes: dict[str, list[str]] = {}
        for source, name in db.execute("SELECT source, name FROM doc_attributes ORDER BY rowid"):
            self._attributes.setdefault(source, []).append(name)
        self.known = tuple(sorted(n for (n,) in db.execute("SELECT name FROM corpus_attributes")))

    @classmethod
    def open(cls, index_dir: Path) -> "PreviousGeneration | None":
        """The current generation if it is intact and was built by this parsing code,
        else None (then everything is read again)."""
        try:
            gen = current_generation(index_dir)
            manifest = read_manifest(gen, verify=True)
        except IndexError_:
            return None
        if manifest.pipeline != pipeline_version():
            return None
        try:
            db = sqlite3.connect((gen / META).resolve().as_uri() + "?mode=ro", uri=True)
            return cls(gen, db, manifest)
        except sqlite3.DatabaseError:
            return None

    def document_info(self, source: str, sha256: str) -> tuple[str, tuple[str, ...]] | None:
        """(item number, own attribute names) of an unchanged file, None if new or changed."""
        known = self._docs.get(source)
        if known is None or known[3] != sha256:
            return None
        return known[0], tuple(self._attributes.get(source, ()))

    def chunks(self, sources: list[str]) -> dict[str, list[Chunk]]:
        """The chunks of these files, in their order → ``{source: [Chunk]}``. Raises
        IndexCorrupt for a chunk whose text is not text."""
        out: dict[str, list[Chunk]] = {s: [] for s in sources}
        for row in self.db.execute("SELECT item, source, section, line_start, line_end, text, key "
                                   "FROM chunks ORDER BY id"):
            if row[1] in out:
                if not isinstance(row[5], str) or not isinstance(row[6], str):
                    raise IndexCorrupt(f"a chunk of {row[1]} in the previous index is not text")
                out[row[1]].append(Chunk(*row))
        return out

    def document(self, source: str) -> Document:
        """A carried file's normalised document, rebuilt from its stored lines."""
        item, _source, title, sha, identifiers, vendor, series, kind = self._docs[source]
        lines = tuple(Line(source, *row) for row in self.db.execute(
            "SELECT number, raw, text, page, page_line, heading FROM lines WHERE source = ? "
            "ORDER BY number",
            (source,)))
        return Document(item=item, source=source, title=title, lines=lines, sha256=sha,
                        identifiers=tuple(json.loads(identifiers or "[]")), vendor=vendor or "",
                        series=series or "", kind=kind or "")

    def close(self) -> None:
        """Close the database."""
        self.db.close()


# ---------------------------------------------------------------- reading


@lru_cache(maxsize=65536)  # a family's members print the same values: parse each once
def _quantity(text: str | None) -> Quantity | None:
    return Quantity(**json.loads(text)) if text else None


class _Reader:
    """The generation's SQLite database, shared by the lazy views below: one connection,
    one lock (the chat asks from a worker thread while the UI reads context lines)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.lock = threading.RLock()

    def all(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Every row of a query. Raises sqlite3.DatabaseError."""
        with self.lock:
            return self.db.execute(sql, params).fetchall()


class SpecTables(Mapping[str, SpecTable]):
    """item number → :class:`SpecTable`, read from SQLite on first use (a question touches
    a few products of a catalogue); keys, ``in`` and ``len`` come from the products alone.
    Read-only. Raises KeyError for an unknown item, IndexCorrupt for an unreadable table."""

    def __init__(self, reader: _Reader, products: dict[str, Product]):
        self._reader, self._products = reader, products
        self._loaded: dict[str, SpecTable] = {}

    def __getitem__(self, item: str) -> SpecTable:
        table = self._loaded.get(item)
        if table is None:
            product = self._products[item]
            table = self._loaded[item] = self._read(product)
        return table

    def __contains__(self, item: object) -> bool:
        return item in self._products

    def __iter__(self) -> Iterator[str]:
        return iter(self._products)

    def __len__(self) -> int:
        return len(self._products)

    def _read(self, product: Product) -> SpecTable:
        item = product.item
        try:
            rows = tuple(SpecRow(
                item=r[0], section=r[1], attribute=r[2], qualifier=r[3], standard=r[4],
                value=r[5], quantity=_quantity(r[6]), alternate=_quantity(r[7]), raw=r[8],
                source=r[9], line_start=r[10], line_end=r[11], feature=r[12] or "",
                conductor=r[13] or "")
                for r in self._reader.all("SELECT * FROM rows WHERE item = ? ORDER BY rowid", (item,)))
            approvals = tuple(Approval(*a) for a in self._reader.all(
                "SELECT * FROM approvals WHERE item = ? ORDER BY rowid", (item,)))
            accessories = tuple(Accessory(*a) for a in self._reader.all(
                "SELECT * FROM accessories WHERE item = ? ORDER BY rowid", (item,)))
        except (sqlite3.DatabaseError, ValueError, TypeError) as exc:
            raise IndexCorrupt(f"the spec table of {item} is unreadable: {exc}") from exc
        return SpecTable(product, rows, approvals, accessories)


class StoredChunks(Sequence[Chunk]):
    """chunk id → :class:`Chunk`, read from SQLite when asked for (a few per answer).
    Read-only; ``len`` is the chunk count. Raises IndexError for an id out of range."""

    def __init__(self, reader: _Reader, count: int):
        self._reader, self._count = reader, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        i = int(index)
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(f"chunk {index} out of range (0…{self._count - 1})")
        return _chunk(self._reader, i)

    def __iter__(self) -> Iterator[Chunk]:
        for row in self._reader.all("SELECT item, source, section, line_start, line_end, text, key "
                                    "FROM chunks ORDER BY id"):
            yield Chunk(*row)


def _chunk(reader: _Reader, chunk_id: int) -> Chunk:
    rows = reader.all("SELECT item, source, section, line_start, line_end, text, key FROM chunks "
                      "WHERE id = ?", (chunk_id,))
    if not rows:
        raise IndexCorrupt(f"chunk {chunk_id} is missing from the index")
    return Chunk(*rows[0])


@dataclass
class StoredIndex:
    """An open generation. ``products`` item → Product in corpus order (read at open);
    ``tables`` (:class:`SpecTables`) and ``chunks`` (:class:`StoredChunks`) read from
    SQLite on demand; ``vectors`` float32 (n_distinct, 384), one row per distinct chunk
    text, and ``chunk_rows`` int32 (n_chunks,), chunk id → row, both memory-mapped;
    ``bm25`` the bm25s index over the distinct texts (same rows), memory-mapped."""

    path: Path
    manifest: Manifest
    products: dict[str, Product]
    tables: SpecTables
    chunks: StoredChunks
    vectors: np.ndarray
    chunk_rows: np.ndarray
    bm25: object
    db: sqlite3.Connection
    _reader: _Reader = field(repr=False, default=None)

    def lines(self, source: str, start: int, end: int) -> list[Line]:
        """Kept lines of a datasheet with ``start ≤ number ≤ end``, in order."""
        return [Line(source, *row) for row in self._reader.all(
            "SELECT number, raw, text, page, page_line, heading FROM lines WHERE source=? AND number "
            "BETWEEN ? AND ? ORDER BY number", (source, start, end))]

    def chunk_ids(self, item: str) -> np.ndarray:
        """The ids (int64, ascending) of one product's chunks; empty for an unknown item."""
        return np.asarray([i for (i,) in self._reader.all(
            "SELECT id FROM chunks WHERE item = ? ORDER BY id", (item,))], dtype=np.int64)

    # -------------------------------------------- catalogue queries (issue 12: filters)

    def rows_with_features(self, features: Sequence[str], attributes: Sequence[str] = ()) -> dict[str, list[SpecRow]]:
        """item → its spec rows whose canonical ``feature`` is one of ``features`` or whose
        attribute is one of ``attributes`` (as printed, e.g. approval marks ``UL``, ``CSA``),
        in sheet order; products with none are left out. Read by the ``rows_feature`` and
        ``rows_attribute`` indexes, not by loading every spec table. Raises IndexCorrupt
        for an unreadable table."""
        out: dict[str, list[SpecRow]] = {}
        for column, values in (("feature", list(dict.fromkeys(features))),
                               ("attribute", list(dict.fromkeys(attributes)))):
            for start in range(0, len(values), 500):
                part = values[start:start + 500]
                marks = ",".join("?" * len(part))
                try:
                    found = self._reader.all(f"SELECT rowid, * FROM rows WHERE {column} IN ({marks})", tuple(part))
                except sqlite3.DatabaseError as exc:
                    raise IndexCorrupt(f"the spec rows are unreadable: {exc}") from exc
                for r in found:  # positional: a catalogue query makes tens of thousands of rows
                    out.setdefault(r[1], []).append((r[0], SpecRow(
                        r[1], r[2], r[3], r[4], r[5], r[6], _quantity(r[7]), _quantity(r[8]), r[9], r[10],
                        r[11], r[12], r[13] or "", r[14] or "")))
        # sheet order, each row once (a row can match by feature and by attribute)
        return {item: [row for _id, row in sorted(dict(pairs).items())] for item, pairs in out.items()}

    def approval_records(self, items: Sequence[str] | None = None) -> dict[str, list[Approval]]:
        """item → its approval records (all products, or ``items``), in sheet order."""
        if items is None:
            found = self._reader.all("SELECT * FROM approvals ORDER BY rowid")
        else:
            found = []
            wanted = list(dict.fromkeys(items))
            for start in range(0, len(wanted), 500):
                part = wanted[start:start + 500]
                found += self._reader.all(f"SELECT * FROM approvals WHERE item IN ({','.join('?' * len(part))}) "
                                          "ORDER BY rowid", tuple(part))
        out: dict[str, list[Approval]] = {}
        for a in found:
            out.setdefault(a[0], []).append(Approval(*a))
        return out

    def lines_at(self, spans: Sequence[tuple[str, int, int]]) -> dict[str, list[Line]]:
        """source → its kept lines inside any of the ``(source, start, end)`` spans, in
        order: the lines of many citations (or many sheets' first lines) in one query."""
        out: dict[str, dict[int, Line]] = {}
        wanted = list(dict.fromkeys(spans))
        for start in range(0, len(wanted), 300):
            part = wanted[start:start + 300]
            values = ",".join("(?,?,?)" for _ in part)
            params = tuple(x for span in part for x in span)
            for row in self._reader.all(
                    f"WITH wanted(source, lo, hi) AS (VALUES {values}) "
                    "SELECT l.source, l.number, l.raw, l.text, l.page, l.page_line, l.heading FROM wanted w "
                    "JOIN lines l ON l.source = w.source AND l.number BETWEEN w.lo AND w.hi", params):
                out.setdefault(row[0], {})[row[1]] = Line(*row)
        return {source: [lines[n] for n in sorted(lines)] for source, lines in out.items()}

    def lines_matching(self, sources: Sequence[str], patterns: Sequence[str]) -> dict[str, list[Line]]:
        """source → its kept lines whose text matches one of the SQL ``LIKE`` ``patterns``
        (case-insensitive for ASCII, ``%`` any text), for the given sources only: the few
        lines of many sheets a text condition can be decided by, in one query."""
        out: dict[str, list[Line]] = {}
        if not patterns:
            return out
        like = " OR ".join("l.text LIKE ?" for _ in patterns)
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), 400):
            part = wanted[start:start + 400]
            for row in self._reader.all(
                    f"SELECT l.source, l.number, l.raw, l.text, l.page, l.page_line, l.heading FROM lines l "
                    f"WHERE l.source IN ({','.join('?' * len(part))}) AND ({like}) ORDER BY l.source, l.number",
                    tuple(part) + tuple(patterns)):
                out.setdefault(row[0], []).append(Line(*row))
        return out

    def close(self) -> None:
        """Close the database (the memory maps go with the object)."""
        self.db.close()


def load_generation(index_dir: Path, verify: bool = True) -> StoredIndex:
    """Open the current generation: its manifest and products are read; vectors, chunk rows
    and BM25 arrays memory-mapped (the files stay readable if a later build removes this
    generation); the rest is read on demand. Raises IndexMissing, IndexCorrupt or IndexStale."""
    gen = current_generation(index_dir)
    manifest = read_manifest(gen, verify=verify)
    try:
        db = sqlite3.connect(f"file:{gen / META}?mode=ro", uri=True, check_same_thread=False)
        reader = _Reader(db)
        products = {row[0]: Product(*row[:6], tuple(json.loads(row[6] or "[]")), row[7], row[8])
                    for row in reader.all("SELECT item, source, title, family, color, kind, "
                                          "identifiers, vendor, series FROM products ORDER BY rowid")}
        vectors = np.load(gen / DISTINCT, mmap_mode="r", allow_pickle=False)
        chunk_rows = np.load(gen / CHUNK_ROWS, mmap_mode="r", allow_pickle=False)
        if vectors.ndim != 2 or vectors.dtype != np.float32 or chunk_rows.ndim != 1 \
                or chunk_rows.dtype.kind != "i":
            raise ValueError(f"vectors {vectors.dtype}{vectors.shape}, chunk rows {chunk_rows.dtype}{chunk_rows.shape}")
        if len(chunk_rows) != manifest.chunks or len(vectors) != manifest.distinct:
            raise ValueError(f"{len(chunk_rows)} chunk rows and {len(vectors)} vectors, the manifest "
                             f"says {manifest.chunks} and {manifest.distinct}")
        if len(chunk_rows) and (int(chunk_rows.min()) < 0 or int(chunk_rows.max()) >= len(vectors)):
            raise ValueError(f"chunk vector rows outside 0…{len(vectors) - 1}")
        bm25 = _load_bm25(gen / BM25, len(vectors))
    except (sqlite3.DatabaseError, OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupt(f"index {gen.name} unreadable: {exc}") from exc
    return StoredIndex(gen, manifest, products, SpecTables(reader, products),
                       StoredChunks(reader, manifest.chunks), vectors, chunk_rows, bm25, db, reader)


def _load_bm25(folder: Path, rows: int):
    """The saved bm25s index, memory-mapped. Raises ValueError when it does not cover
    ``rows`` documents, OSError when its files are missing."""
    import bm25s

    if not folder.is_dir():
        raise OSError(f"{folder.name}/ is missing")
    bm25 = bm25s.BM25.load(str(folder), mmap=True, load_corpus=False, show_progress=False)
    if bm25.scores.get("num_docs") != rows:
        raise ValueError(f"BM25 covers {bm25.scores.get('num_docs')} texts, not {rows}")
    return bm25
