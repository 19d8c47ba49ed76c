"""No code from data: an index folder cannot make the program run code.

Index data is JSON, SQLite, ``.npy`` read with ``allow_pickle=False`` and FAISS's own file;
nothing is unpickled. The static test reads the package's source for pickle-like loaders;
the crafted-index tests plant a pickle whose unpickling creates a marker file in every
place an index holds data — with the manifest checksums adjusted, so the payload is not
merely rejected as damage — then verify, load, open (which may rebuild) and build. Loading
may refuse or succeed; the marker must never appear.
"""

from __future__ import annotations

import ast
import json
import pickle
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.index import indexing, store
from assistant.answer.assistant import Assistant

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
PICKLE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal",
                  "shelve", "jsonpickle"}


class Payload:
    """Unpickling this creates (opens for writing) the marker file: proof of code run."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_payload_is_live(tmp_path):
    """Positive control: unpickling the payload really runs code (creates the marker)."""
    marker = tmp_path / "control"
    pickle.loads(pickle.dumps(Payload(marker))).close()
    assert marker.exists()


# ------------------------------------------------------------------ the source


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_source_has_no_pickle_loader(path):
    """No pickle-family import; every ``np.load`` says ``allow_pickle=False``; no
    ``torch.load``, ``pandas.read_pickle``, ``eval`` or ``exec``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not {a.name.split(".")[0] for a in node.names} & PICKLE_MODULES, ast.unparse(node)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] not in PICKLE_MODULES, ast.unparse(node)
    for call, name in _calls(tree):
        where = f"{path.name}:{call.lineno} {ast.unparse(call)}"
        if name in ("np.load", "numpy.load"):
            flags = {k.arg: k.value for k in call.keywords}
            assert "allow_pickle" in flags and isinstance(flags["allow_pickle"], ast.Constant) \
                and flags["allow_pickle"].value is False, where
        assert name not in ("torch.load", "eval", "exec", "__import__") \
            and not name.endswith("read_pickle"), where


# ------------------------------------------------------------------ crafted index folders


def _generation(index: Path) -> Path:
    return index / (index / store.CURRENT).read_text(encoding="utf-8").strip()


def _adjust_checksums(index: Path, *extra: str) -> None:
    """Make the manifest vouch for the planted files (as an attacker would)."""
    gen = _generation(index)
    manifest = json.loads((gen / store.MANIFEST).read_text(encoding="utf-8"))
    names = set(manifest["checksums"]) | set(extra)
    manifest["checksums"] = {n: store.sha256_file(gen / n) for n in sorted(names)}
    (gen / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _pickle_as_vectors(gen: Path, payload: bytes) -> list[str]:
    (gen / "vectors.npy").write_bytes(payload)
    return []


def _object_array_as_vectors(gen: Path, payload: bytes) -> list[str]:
    with (gen / "vectors.npy").open("wb") as handle:
        # a valid .npy header for an object array, followed by the pickled payload: what
        # np.save(..., allow_pickle=True) writes for an object array holding the payload
        np.lib.format.write_array_header_1_0(handle, {"descr": "|O", "fortran_order": False, "shape": (1,)})
        handle.write(payload)
    return []


def _pickle_as_faiss(gen: Path, payload: bytes) -> list[str]:
    (gen / store.VECTORS).write_bytes(payload)
    return []


def _pickle_in_metadata(gen: Path, payload: bytes) -> list[str]:
    db = sqlite3.connect(gen / store.META)
    db.execute("UPDATE rows SET quantity = ?, alternate = ?", (payload, payload))
    db.execute("UPDATE chunks SET text = ? WHERE id = 0", (payload,))
    db.execute("UPDATE products SET title = ?", (payload,))
    db.commit()
    db.close()
    return []


def _pickle_files_beside(gen: Path, payload: bytes) -> list[str]:
    names = ["meta.pkl", "index.pkl", "vectors.pkl", "chunks.pickle", "index.joblib", "model.pt"]
    for name in names:
        (gen / name).write_bytes(payload)
    return names


PLANTS = {
    "vectors.npy is a pickle": _pickle_as_vectors,
    "vectors.npy is an object array": _object_array_as_vectors,
    "vectors.faiss is a pickle": _pickle_as_faiss,
    "pickles in the metadata database": _pickle_in_metadata,
    "pickle files beside the index": _pickle_files_beside,
}


@pytest.mark.parametrize("plant", PLANTS, ids=list(PLANTS))
def test_crafted_index_cannot_run_code(plant, index_dir, corpus_dir, embedder, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(Payload(marker), protocol=2)
    extra = PLANTS[plant](_generation(index), payload)
    _adjust_checksums(index, *extra)

    outcomes = []

    def attempt(what, action):
        try:
            action()
            outcomes.append(f"{what}: ok")
        except store.IndexError_ as exc:  # refusing is fine: IndexCorrupt / IndexStale
            outcomes.append(f"{what}: refused ({exc})")

    def load():
        store.load_generation(index, verify=True).db.close()

    attempt("load", load)
    attempt("open and ask", lambda: Assistant.open(index, corpus_dir, embedder=embedder).ask(
        "What is the rated current of the 2002-1204?"))
    attempt("incremental build, load", lambda: (indexing.build(corpus_dir, index, embedder), load()))
    assert not marker.exists(), outcomes
    indexing.build(corpus_dir, index, embedder, full=True)  # `index --force` always recovers
    load()
    assert not marker.exists(), outcomes


def test_pickled_embedding_cache_entries_are_read_as_numbers(index_dir, corpus_dir, embedder, tmp_path):
    """The embedding cache's blobs are raw float32 bytes (np.frombuffer), never unpickled."""
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(Payload(marker), protocol=2)
    blob = payload + b"\x00" * (384 * 4 - len(payload))  # the length of a real vector
    db = sqlite3.connect(index / store.CACHE)
    db.execute("UPDATE vec SET v = ?", (blob,))
    db.commit()
    db.close()
    indexing.build(corpus_dir, index, embedder, full=True)
    assert not marker.exists()
