"""The index survives power cuts and damage: the last good generation keeps answering.

* A build killed with SIGKILL (in a subprocess) while embedding, while writing the new
  generation, or just before switching ``CURRENT`` leaves the previous generation current,
  intact (checksums) and answering; the next build cleans up what the killed one left.
  A build that fails with a full disk at the same points behaves the same.
* A truncated, altered or missing index file is detected by its checksum in the manifest
  and rebuilt by ``Assistant.open``, which tells ``on_rebuild`` why.
* An index written by another model, format version or parser (manifest edited) is rebuilt,
  not misread; so is a ``CURRENT`` pointer that names nothing.

Each test works on a private copy of the session index, embedding cache included, so a
rebuild embeds nothing and takes about a second.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.index import indexing, store
from assistant.answer.assistant import Assistant

REPO = Path(__file__).resolve().parent.parent
QUESTION = "What is the rated current of the 2002-1204?"


@pytest.fixture
def index_copy(index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the session index, with its embedding cache."""
    target = tmp_path / "index"
    shutil.copytree(index_dir, target)
    return target


def generation(index: Path) -> str:
    return (index / store.CURRENT).read_text(encoding="utf-8").strip()


def assert_answers(index: Path, embedder) -> None:
    """The index's current generation verifies, loads and answers a question from it."""
    stored = store.load_generation(index, verify=True)
    try:
        answer = Assistant(stored, embedder).ask(QUESTION)
        assert answer.kind == "spec" and "24 A" in answer.answer, answer
    finally:
        stored.db.close()


def artefact(index: Path, name: str) -> Path:
    return index / generation(index) / name


def rewrite_manifest(index: Path, **changes) -> None:
    path = artefact(index, store.MANIFEST)
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")


def open_with_reasons(index: Path, corpus: Path, embedder) -> tuple[Assistant, list[str]]:
    reasons: list[str] = []
    assistant = Assistant.open(index, corpus, embedder=embedder, on_rebuild=reasons.append)
    return assistant, reasons


# ------------------------------------------------------------------ damaged files


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    "truncated FAISS file": (store.VECTORS, _truncate, "damaged"),
    "one byte changed in the FAISS file": (store.VECTORS, _flip, "damaged"),
    "one byte changed in the metadata": (store.META, _flip, "damaged"),
    "truncated metadata": (store.META, _truncate, "damaged"),
    "truncated vectors": ("vectors.npy", _truncate, "damaged"),
    "missing vectors": ("vectors.npy", Path.unlink, "missing"),
    "truncated manifest": (store.MANIFEST, _truncate, "unreadable"),
    "empty manifest": (store.MANIFEST, lambda p: p.write_text("{}"), "unreadable"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damaged_index_file_is_detected_and_rebuilt(damage, index_copy, corpus_dir, embedder):
    name, spoil, word = DAMAGE[damage]
    spoil(artefact(index_copy, name))
    reason = indexing.check(index_copy, corpus_dir)
    assert word in reason and (name in reason or name == store.MANIFEST), reason
    with pytest.raises(store.IndexCorrupt):
        store.load_generation(index_copy, verify=True)

    assistant, reasons = open_with_reasons(index_copy, corpus_dir, embedder)
    assert reasons == [reason]
    assert assistant.ask(QUESTION).kind == "spec"
    assert indexing.check(index_copy, corpus_dir) == ""
    assert_answers(index_copy, embedder)


EDITS = {
    "another embedding model": ({"model": "all-mpnet-base-v2 (other 1.0)"}, "embedding model changed"),
    "a newer format version": ({"format_version": store.FORMAT_VERSION + 1}, "index format"),
    "an older format version": ({"format_version": 0}, "index format"),
    "another parser": ({"pipeline": "0123456789abcdef"}, "parser changed"),
    "other corpus files": ({"files": {"corpus/other.txt": "0" * 64}}, "corpus changed"),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_index_of_another_model_or_format_is_rebuilt(edit, index_copy, corpus_dir, embedder):
    changes, phrase = EDITS[edit]
    rewrite_manifest(index_copy, **changes)
    before = generation(index_copy)
    assistant, reasons = open_with_reasons(index_copy, corpus_dir, embedder)
    assert len(reasons) == 1 and phrase in reasons[0], reasons
    assert generation(index_copy) != before
    manifest = store.read_manifest(index_copy / generation(index_copy))
    assert manifest.format_version == store.FORMAT_VERSION and manifest.model == embedder.name
    assert assistant.ask(QUESTION).kind == "spec"


@pytest.mark.parametrize("pointer", ["gen-does-not-exist", "../../etc", "", "\x00\xff garbage"])
def test_current_pointer_naming_nothing_is_rebuilt(pointer, index_copy, corpus_dir, embedder):
    (index_copy / store.CURRENT).write_text(pointer, encoding="utf-8", errors="surrogateescape")
    assistant, reasons = open_with_reasons(index_copy, corpus_dir, embedder)
    assert len(reasons) == 1 and reasons[0], reasons
    assert assistant.ask(QUESTION).kind == "spec"
    assert_answers(index_copy, embedder)


def test_damaged_embedding_cache_costs_only_re_embedding(index_copy, corpus_dir, embedder):
    """A cache file that is not a database is replaced; the build embeds again."""
    (index_copy / store.CACHE).write_bytes(os.urandom(8192))
    _flip(artefact(index_copy, store.META))
    assistant, reasons = open_with_reasons(index_copy, corpus_dir, embedder)
    assert reasons and assistant.ask(QUESTION).kind == "spec"


def test_embedding_cache_damaged_inside_is_rebuilt(index_copy, corpus_dir, embedder):
    cache = index_copy / store.CACHE
    data = bytearray(cache.read_bytes())
    third = len(data) // 3
    data[third:third + 4096] = b"\xab" * 4096
    cache.write_bytes(bytes(data))
    indexing.build(corpus_dir, index_copy, embedder, full=True)
    assert_answers(index_copy, embedder)


def test_embedding_cache_entry_of_wrong_length_is_embedded_again(index_copy, corpus_dir, embedder):
    db = sqlite3.connect(index_copy / store.CACHE)
    db.execute("UPDATE vec SET v = ? WHERE rowid = (SELECT min(rowid) FROM vec)", (b"\x00" * 10,))
    db.commit()
    db.close()
    indexing.build(corpus_dir, index_copy, embedder, full=True)
    assert_answers(index_copy, embedder)


def test_unreadable_generation_with_valid_checksums_is_rebuilt(index_copy, corpus_dir, embedder):
    vectors = artefact(index_copy, "vectors.npy")
    np.save(vectors, np.load(vectors)[:-1], allow_pickle=False)
    manifest = json.loads(artefact(index_copy, store.MANIFEST).read_text(encoding="utf-8"))
    rewrite_manifest(index_copy, checksums={**manifest["checksums"], "vectors.npy": store.sha256_file(vectors)})
    with pytest.raises(store.IndexCorrupt):
        store.load_generation(index_copy, verify=True)
    assistant, reasons = open_with_reasons(index_copy, corpus_dir, embedder)
    assert reasons and assistant.ask(QUESTION).kind == "spec"


# ------------------------------------------------------------------ builds killed mid-way

BUILD = """
import os, sys, time
from pathlib import Path
from assistant.index import embedding, indexing

corpus, index, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def kill_point(what):
    print("KILL-POINT", what, flush=True)
    if point != "embedding":
        time.sleep(600)  # the test kills us here

if point == "embedding":  # announce once the model is loaded and real encoding starts
    encode = embedding.Embedder.encode
    def announced(self, texts, batch_size=32):
        self.load()
        kill_point(f"encoding {len(texts)} texts")
        return encode(self, texts, batch_size)
    embedding.Embedder.encode = announced
elif point == "writing":  # the new generation is half written in its .building- folder
    import faiss, numpy
    def after_writing(write):
        def announced(*args, **kwargs):
            write(*args, **kwargs)
            kill_point(f"writing {args[1] if len(args) > 1 else args[0]}")
        return announced
    faiss.write_index = after_writing(faiss.write_index)
    numpy.save = after_writing(numpy.save)
elif point == "switching":  # the new generation is complete, CURRENT not yet replaced
    replace = os.replace
    def announced(src, dst):
        if os.fspath(dst).endswith("CURRENT"):
            kill_point("switching CURRENT")
        return replace(src, dst)
    os.replace = announced
indexing.build(corpus, index)
print("BUILD-FINISHED", flush=True)
"""


def _big_corpus(corpus_dir: Path, target: Path, copies: int) -> Path:
    """The shipped corpus plus ``copies`` variants of each datasheet with their own item
    numbers and text, so the build has hundreds of new chunks to embed."""
    target.mkdir()
    for path in corpus_dir.iterdir():
        text = path.read_text(encoding="utf-8")
        shutil.copy2(path, target / path.name)
        for k in range(copies):
            variant = text.replace("2002-1204", f"2002-{5000 + k}").replace("770-1252/076-000", f"770-{5000 + k}/076-000")
            variant = "\n".join(f"{line} rev{k}" if line.strip() and not line.startswith(("#", "Data sheet")) else line
                                for line in variant.split("\n"))
            name = path.name.replace("2002-1204", f"2002-{5000 + k}").replace("770-1252_076", f"770-{5000 + k}_076")
            (target / name).write_text(variant, encoding="utf-8")
    return target


def _changed_corpus(corpus_dir: Path, target: Path) -> Path:
    """The shipped corpus with one file changed in a way that needs no new embedding."""
    shutil.copytree(corpus_dir, target)
    sheet = target / "2002-1204.txt"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    return target


def _build_and_kill(corpus: Path, index: Path, point: str, after: float) -> str:
    """Start a build in a fresh interpreter, SIGKILL it ``after`` seconds past its kill
    point; returns what it announced. Fails if the build finishes first."""
    errors = (index.parent / f"build-{point}.stderr").open("w+")  # a file: a full pipe would block
    proc = subprocess.Popen([sys.executable, "-c", BUILD, str(corpus), str(index), point],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=errors, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for l in proc.stdout:
            lines.put(l)
        lines.put("")  # end of output: the build exited

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            if not line:
                errors.seek(0)
                pytest.fail(f"the build never reached its kill point ({point}): {errors.read()[-2000:]}")
            assert "BUILD-FINISHED" not in line, f"the build finished before the kill point {point}"
            if line.startswith("KILL-POINT"):
                break
        time.sleep(after)
        assert proc.poll() is None, errors.seek(0) or errors.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errors.close()
    assert proc.returncode == -signal.SIGKILL
    return line.strip()


@pytest.mark.parametrize("point, after", [("embedding", 0.7), ("writing", 0.0), ("switching", 0.0)])
def test_build_killed_mid_way_leaves_previous_index_answering(point, after, index_copy, corpus_dir,
                                                             embedder, tmp_path):
    before = generation(index_copy)
    verdict = indexing.check(index_copy, corpus_dir)  # "" unless the code changed meanwhile
    if point == "embedding":
        corpus = _big_corpus(corpus_dir, tmp_path / "corpus", copies=15)
    else:
        corpus = _changed_corpus(corpus_dir, tmp_path / "corpus")
    announced = _build_and_kill(corpus, index_copy, point, after)
    if point == "embedding":
        assert int(announced.split()[2]) > 100, announced  # killed inside a large batch

    # the previous generation is still current, intact and answering
    assert generation(index_copy) == before
    assert indexing.check(index_copy, corpus_dir) == verdict
    assert_answers(index_copy, embedder)
    cache = store.EmbeddingCache(index_copy, embedder.name)  # the cache survived the kill
    cache.missing(["x"])
    cache.close()
    assistant, reasons = open_with_reasons(index_copy, corpus_dir, embedder)
    assert reasons == ([verdict] if verdict else []) and assistant.ask(QUESTION).kind == "spec"

    # the next build completes and clears what the killed one left behind
    indexing.build(corpus_dir, index_copy, embedder)
    leftovers = [p.name for p in index_copy.iterdir() if p.is_dir() and p.name != generation(index_copy)]
    assert leftovers == []
    assert_answers(index_copy, embedder)


@pytest.mark.parametrize("fails", ["faiss.write_index", "numpy.save", "os.replace"])
def test_build_failing_mid_write_keeps_previous_index(fails, index_copy, corpus_dir, embedder, tmp_path,
                                                     monkeypatch):
    """A disk that fills up (OSError) while the new generation is written: the build raises,
    the previous generation stays current and answering, and the next build cleans up."""
    import faiss

    before = generation(index_copy)
    module, name = {"faiss.write_index": (faiss, "write_index"), "numpy.save": (np, "save"),
                    "os.replace": (os, "replace")}[fails]
    real = getattr(module, name)

    def disk_full(*args, **kwargs):
        if fails != "os.replace" or os.fspath(args[1]).endswith(store.CURRENT):
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, disk_full)
    with pytest.raises(OSError, match="No space left"):
        indexing.build(_changed_corpus(corpus_dir, tmp_path / "corpus"), index_copy, embedder)
    monkeypatch.undo()
    assert generation(index_copy) == before
    assert_answers(index_copy, embedder)
    assert not [p for p in index_copy.iterdir() if p.name.startswith(".building-")]
    indexing.build(corpus_dir, index_copy, embedder)
    assert [p.name for p in index_copy.iterdir() if p.is_dir()] == [generation(index_copy)]
