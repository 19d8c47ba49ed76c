"""Index storage: one generation folder per build, switched to atomically.

Layout of an index folder::

    index/
      CURRENT              name of the generation in use (replaced atomically)
      gen-…/manifest.json  format version, model, corpus file hashes, artefact checksums
      gen-…/meta.sqlite    documents, lines, chunks, spec rows, approvals, accessories,
                           each datasheet's own attribute names and the corpus's union
                           (so the next build can carry unchanged datasheets over)
      gen-…/vectors.npy    one embedding per distinct chunk text (a family's members share
                           most texts); ``chunks.vector`` is a chunk's row
      gen-…/vectors.faiss  the same vectors in a FAISS index (FAISS's own format)
      embeddings.sqlite    cache: chunk text hash → embedding; survives builds, so unchanged
                           text is never embedded again and an interrupted build resumes

No pickle anywhere: JSON, SQLite and FAISS's own file. A build writes a new generation
folder completely, then replaces ``CURRENT``; a crash at any point leaves the previous
generation in use.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..records import (
    Accessory, Approval, Chunk, Document, Line, Product, Quantity, SpecRow, SpecTable,
)

FORMAT_VERSION = 4  # 4: row features and conductor classes, product identifiers and vendor, PDF pages
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
META = "meta.sqlite"
VECTORS = "vectors.faiss"
CACHE = "embeddings.sqlite"


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
    artefact file → SHA-256, the FAISS index kind and the chunk count."""

    format_version: int
    model: str
    files: dict[str, str]
    checksums: dict[str, str]
    faiss: str
    chunks: int
    created: str
    pipeline: str = ""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
        for name, expected in manifest.checksums.items():
            path = gen / name
            if not path.is_file():
                raise IndexCorrupt(f"index file {name} is missing")
            if sha256_file(path) != expected:
                raise IndexCorrupt(f"index file {name} is damaged (checksum mismatch)")
    return manifest


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
CREATE TABLE documents (item TEXT PRIMARY KEY, source TEXT UNIQUE, title TEXT, sha256 TEXT);
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


def _qjson(q: Quantity | None) -> str | None:
    return json.dumps(asdict(q)) if q else None


def pipeline_version() -> str:
    """A hash of the parsing code (loading → spec table): an index built by other parsing
    code is stale even when the corpus did not change."""
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    package = Path(__file__).resolve().parent.parent
    parsing = sorted((package / "ingest").glob("*.py")) + [package / "index" / "indexing.py"]
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
        db.executemany("INSERT INTO documents VALUES (?,?,?,?)",
                       [(d.item, d.source, d.doc.title, d.sha256) for d in docs if d.doc is not None])
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


def write_generation(index_dir: Path, docs: list[DocumentEntry], chunks: list[Chunk],
                     vectors: np.ndarray, rows: list[int], model: str, files: dict[str, str],
                     faiss_kind: str, faiss_index, known: tuple[str, ...] = (),
                     previous: Path | None = None) -> Path:
    """Write a complete generation into a temporary folder, then switch ``CURRENT`` to it
    atomically and remove older generations. Returns the new generation folder.

    ``vectors`` (n_distinct, 384) holds one row per distinct chunk text, ``rows[i]`` is the
    row of ``chunks[i]``; ``faiss_index`` is already filled with ``vectors``;
    ``known`` are the corpus's attribute names; ``previous`` the meta.sqlite that carried
    datasheets (entries without ``doc`` or ``table``) are copied from.
    """
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=index_dir))
    try:
        _write_meta(tmp / META, docs, chunks, rows, known, previous)
        faiss.write_index(faiss_index, str(tmp / VECTORS))
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
        from datetime import datetime, timezone

        manifest = Manifest(
            format_version=FORMAT_VERSION, model=model, files=files,
            checksums={name: sha256_file(tmp / name) for name in (META, VECTORS, "vectors.npy")},
            faiss=faiss_kind, chunks=len(chunks),
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            pipeline=pipeline_version(),
        )
        (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
        for path in tmp.iterdir():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
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
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in index_dir.iterdir():
        if old.is_dir() and old != gen and (old.name.startswith("gen-") or old.name.startswith(".building-")):
            shutil.rmtree(old, ignore_errors=True)
    return gen


class PreviousGeneration:
    """The current generation seen as a source of datasheets to carry over into the next
    build: per file (source, SHA-256) its item number and attribute names, its lines and
    chunks, and the corpus attribute names its spec tables were built with."""

    def __init__(self, gen: Path, db: sqlite3.Connection):
        self.meta = gen / META
        self.db = db
        self._docs: dict[str, tuple[str, str, str]] = {
            source: (item, sha, title) for item, source, title, sha in
            db.execute("SELECT item, source, title, sha256 FROM documents")}
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
            return cls(gen, db)
        except sqlite3.DatabaseError:
            return None

    def document_info(self, source: str, sha256: str) -> tuple[str, tuple[str, ...]] | None:
        """(item number, own attribute names) of an unchanged file, None if new or changed."""
        known = self._docs.get(source)
        if known is None or known[1] != sha256:
            return None
        return known[0], tuple(self._attributes.get(source, ()))

    def chunks(self, sources: list[str]) -> dict[str, list[Chunk]]:
        """The chunks of these files, in their order → ``{source: [Chunk]}``."""
        out: dict[str, list[Chunk]] = {s: [] for s in sources}
        for row in self.db.execute("SELECT item, source, section, line_start, line_end, text, key "
                                   "FROM chunks ORDER BY id"):
            if row[1] in out:
                out[row[1]].append(Chunk(*row))
        return out

    def document(self, source: str) -> Document:
        """A carried file's normalised document, rebuilt from its stored lines."""
        item, sha, title = self._docs[source]
        lines = tuple(Line(source, *row) for row in self.db.execute(
            "SELECT number, raw, text, page, page_line, heading FROM lines WHERE source = ? "
            "ORDER BY number",
            (source,)))
        return Document(item=item, source=source, title=title, lines=lines, sha256=sha)

    def close(self) -> None:
        """Close the database."""
        self.db.close()


# ---------------------------------------------------------------- reading


@lru_cache(maxsize=65536)  # a family's members print the same values: parse each once
def _quantity(text: str | None) -> Quantity | None:
    return Quantity(**json.loads(text)) if text else None


@dataclass
class StoredIndex:
    """A loaded generation: records for answering plus the chunk vectors (float32
    (n_chunks, 384), row i = chunk i; chunks with the same text share their vector's memory
    only in the file, not here)."""

    path: Path
    manifest: Manifest
    products: dict[str, Product]
    tables: dict[str, SpecTable]
    chunks: list[Chunk]
    vectors: np.ndarray
    db: sqlite3.Connection

    def lines(self, source: str, start: int, end: int) -> list[Line]:
        """Kept lines of a datasheet with ``start ≤ number ≤ end``, in order."""
        return [Line(source, *row) for row in self.db.execute(
            "SELECT number, raw, text, page, page_line, heading FROM lines WHERE source=? AND number "
            "BETWEEN ? AND ? ORDER BY number", (source, start, end))]


def load_generation(index_dir: Path, verify: bool = True) -> StoredIndex:
    """Load the current generation. Raises IndexMissing, IndexCorrupt or IndexStale."""
    gen = current_generation(index_dir)
    manifest = read_manifest(gen, verify=verify)
    try:
        db = sqlite3.connect(f"file:{gen / META}?mode=ro", uri=True, check_same_thread=False)
        products = {row[0]: Product(*row[:6], tuple(json.loads(row[6] or "[]")), row[7], row[8])
                    for row in db.execute("SELECT item, source, title, family, color, kind, "
                                          "identifiers, vendor, series FROM products ORDER BY rowid")}
        rows: dict[str, list[SpecRow]] = {item: [] for item in products}
        for r in db.execute("SELECT * FROM rows ORDER BY rowid"):
            rows.setdefault(r[0], []).append(SpecRow(
                item=r[0], section=r[1], attribute=r[2], qualifier=r[3], standard=r[4],
                value=r[5], quantity=_quantity(r[6]), alternate=_quantity(r[7]), raw=r[8],
                source=r[9], line_start=r[10], line_end=r[11], feature=r[12] or "",
                conductor=r[13] or ""))
        approvals: dict[str, list[Approval]] = {}
        for a in db.execute("SELECT * FROM approvals ORDER BY rowid"):
            approvals.setdefault(a[0], []).append(Approval(*a))
        accessories: dict[str, list[Accessory]] = {}
        for a in db.execute("SELECT * FROM accessories ORDER BY rowid"):
            accessories.setdefault(a[0], []).append(Accessory(*a))
        chunks, vector_rows = [], []
        texts: dict[str, str] = {}  # one string per distinct text: a family shares most
        for c in db.execute("SELECT item, source, section, line_start, line_end, text, key, vector "
                            "FROM chunks ORDER BY id"):
            text = texts.setdefault(c[6], c[5])
            chunks.append(Chunk(c[0], c[1], c[2], c[3], c[4], text, c[6]))
            vector_rows.append(c[7])
        distinct = np.load(gen / "vectors.npy", allow_pickle=False)
        if vector_rows and (min(vector_rows) < 0 or max(vector_rows) >= len(distinct)):
            raise ValueError(f"chunk vector rows outside 0…{len(distinct) - 1}")
        vectors = distinct[np.asarray(vector_rows, dtype=np.int64)]
    except (sqlite3.DatabaseError, OSError, ValueError, TypeError) as exc:
        raise IndexCorrupt(f"index {gen.name} unreadable: {exc}") from exc
    tables = {
        item: SpecTable(product, tuple(rows.get(item, ())), tuple(approvals.get(item, ())),
                        tuple(accessories.get(item, ())))
        for item, product in products.items()
    }
    return StoredIndex(gen, manifest, products, tables, chunks, vectors, db)
