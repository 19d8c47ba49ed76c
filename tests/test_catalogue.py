"""Catalogue-scale indexing on a small generated catalogue: incremental builds (change, add,
delete), an interrupted build that resumes, and the answer key of the generator.

Every build here embeds through :class:`Counting`, which wraps the session's model and
counts the texts it embeds, so "unchanged text is never embedded again" is asserted, not
assumed.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.index import indexing, store
from assistant.answer.assistant import Assistant
from assistant.index.embedding import Embedder, NumpyMiniLM, _model_path
from assistant.evaluation import read_questions, score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from make_catalogue import make_catalogue, members  # noqa: E402


class Counting:
    """An embedder that counts the texts it embeds and can fail after ``fail_after`` calls
    (an interrupted build)."""

    def __init__(self, inner: Embedder, fail_after: int | None = None):
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []
        self.calls = 0
        self.fail_after = fail_after

    def encode(self, texts, batch_size=32):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt("build interrupted")
        self.calls += 1
        self.texts.extend(texts)
        return self.inner.encode(texts, batch_size=batch_size)


def _meta(index_dir: Path) -> dict[str, list[tuple]]:
    """Every table of the current generation, rows sorted (row order across items is free)."""
    db = sqlite3.connect(store.current_generation(index_dir) / store.META)
    try:
        return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in (
            "documents", "lines", "chunks", "products", "rows", "approvals", "accessories",
            "doc_attributes", "corpus_attributes")}
    finally:
        db.close()


@pytest.fixture()
def catalogue(tmp_path: Path) -> Path:
    """Six generated datasheets (two families: .txt terminal blocks, .md plugs)."""
    make_catalogue(6, tmp_path / "cat", n_questions=12)
    return tmp_path / "cat"


@pytest.fixture()
def built(catalogue: Path, tmp_path: Path, embedder: Embedder) -> tuple[Path, Path]:
    corpus, index = catalogue / "corpus", tmp_path / "index"
    indexing.build(corpus, index, Counting(embedder))
    return corpus, index


def test_family_text_is_embedded_once(catalogue: Path, tmp_path: Path, embedder: Embedder):
    counting = Counting(embedder)
    report = indexing.build(catalogue / "corpus", tmp_path / "index", counting)
    assert report.read == 6 and report.carried == 0
    assert report.distinct < report.chunks / 2  # members of a family share most sections
    assert report.embedded == report.distinct == len(counting.texts) == len(set(counting.texts))


def test_unchanged_corpus_reads_and_embeds_nothing(built, embedder: Embedder):
    corpus, index = built
    counting = Counting(embedder)
    report = indexing.build(corpus, index, counting)
    assert (report.read, report.carried, report.embedded, counting.calls) == (0, 6, 0, 0)


def test_changed_datasheet_is_read_alone_and_only_its_new_text_embedded(built, embedder: Embedder):
    corpus, index = built
    path = corpus / "2100-1201.txt"
    text = path.read_text(encoding="utf-8")
    weight = text.split("Weight ", 1)[1].split(" g", 1)[0]
    path.write_text(text.replace(f"Weight {weight} g", "Weight 99.5 g"), encoding="utf-8")
    assert "1 changed" in indexing.check(index, corpus)
    counting = Counting(embedder)
    report = indexing.build(corpus, index, counting)
    assert (report.read, report.carried) == (1, 5)
    assert report.embedded == len(counting.texts) == 1  # the "Material Data" chunk only
    assert "99.5" in counting.texts[0]
    assert indexing.check(index, corpus) == ""
    answer = Assistant.open(index, corpus, embedder=embedder).ask("How much does the 2100-1201 weigh?")
    assert "99.5 g" in answer.answer


def test_added_datasheet_embeds_only_text_its_family_lacks(built, catalogue: Path, tmp_path: Path,
                                                          embedder: Embedder):
    corpus, index = built
    make_catalogue(8, tmp_path / "bigger", n_questions=0)
    plan = {m.file: m for m in members(8)}
    new = sorted(set(plan) - {p.name for p in corpus.iterdir()})
    for name in new:
        shutil.copy2(tmp_path / "bigger" / "corpus" / name, corpus / name)
    counting = Counting(embedder)
    report = indexing.build(corpus, index, counting)
    assert (report.read, report.carried) == (len(new), 6)
    assert 0 < report.embedded == len(counting.texts) <= 2 * 4 * len(new)  # a few varied sections
    assistant = Assistant.open(index, corpus, embedder=embedder)
    member = plan[new[0]]
    assert f"{member.current} A" in assistant.ask(f"What is the rated current of the {member.item}?").answer


def test_deleted_datasheet_disappears_from_answers(built, embedder: Embedder):
    corpus, index = built
    (corpus / "2100-1202.txt").unlink()
    assert "1 removed" in indexing.check(index, corpus)
    counting = Counting(embedder)
    report = indexing.build(corpus, index, counting)
    assert (report.read, report.carried, report.embedded) == (0, 5, 0)
    assistant = Assistant.open(index, corpus, embedder=embedder)
    assert "2100-1202" not in {p.item for p in assistant.products()}
    answer = assistant.ask("What is the rated current of the 2100-1202?")
    assert answer.kind == "not_found" and "not in the datasheets" in answer.answer
    assert all(c.product != "2100-1202" for c in answer.citations + answer.related)


def test_incremental_build_equals_full_build(built, tmp_path: Path, embedder: Embedder):
    corpus, index = built
    path = corpus / "2100-1203.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Color ", "Color dark ", 1), encoding="utf-8")
    (corpus / "800-1251_076-000.md").unlink()
    # a new attribute name in a converted table changes how every PDF-text row may split
    extra = corpus / "800-1252_076-000.md"
    extra.write_text(extra.read_text(encoding="utf-8").replace(
        "Rated current\t", "Arc resistance class\tA2\nRated current\t", 1), encoding="utf-8")
    before = store.PreviousGeneration.open(index)
    known_before = before.known
    before.close()
    report = indexing.build(corpus, index, Counting(embedder))
    assert report.read == 2 and report.carried == 3
    full = tmp_path / "full"
    indexing.build(corpus, full, Counting(embedder), full=True)
    assert _meta(index) == _meta(full)
    after = store.PreviousGeneration.open(index)
    assert set(after.known) - set(known_before) == {"Arc resistance class"}
    after.close()


def test_interrupted_build_resumes_and_previous_index_keeps_answering(
        built, monkeypatch, embedder: Embedder):
    corpus, index = built
    old_gen = store.current_generation(index)
    monkeypatch.setattr(indexing, "CHECKPOINT", 2)
    for path in sorted(corpus.glob("*.md")):  # new text in every plug: several batches to embed
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Insert stripped solid conductor", f"Insert stripped solid conductor ({path.stem})"), encoding="utf-8")
    failing = Counting(embedder, fail_after=1)
    with pytest.raises(KeyboardInterrupt):
        indexing.build(corpus, index, failing)
    assert len(failing.texts) == 2  # one checkpoint committed before the interruption
    assert store.current_generation(index) == old_gen
    assert not list(index.glob(".building-*"))
    old = Assistant(store.load_generation(index), embedder)  # the previous generation answers
    assert "800-1251/076-000" in old.ask("What colour is the 800-1251/076-000?").products
    resumed = Counting(embedder)
    report = indexing.build(corpus, index, resumed)
    assert report.embedded == len(resumed.texts) >= 1
    assert not set(resumed.texts) & set(failing.texts)  # checkpointed texts are not embedded again
    assert indexing.check(index, corpus) == ""


def test_broken_datasheet_skipped_and_nothing_readable_keeps_previous(built, embedder: Embedder):
    corpus, index = built
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02 binary \xff\xfe" * 50)
    report = indexing.build(corpus, index, Counting(embedder))
    assert [s for s, _ in report.skipped] == [f"{corpus.name}/broken.txt"] and report.carried == 6
    assert indexing.check(index, corpus) == ""  # an unchanged broken file is not "new"
    gen = store.current_generation(index)
    empty = corpus.parent / "empty"
    empty.mkdir()
    (empty / "broken.txt").write_bytes(b"\x00" * 10)
    with pytest.raises(indexing.NothingIndexed):
        indexing.build(empty, index, Counting(embedder))
    assert store.current_generation(index) == gen
    store.load_generation(index)


def test_answer_key_lookups_are_right(built, catalogue: Path, embedder: Embedder):
    corpus, index = built
    assistant = Assistant.open(index, corpus, embedder=embedder)
    questions = read_questions(catalogue / "answers.jsonl")
    assert len(questions) == 12
    misses = [(q.question, r.reason) for q in questions if not (r := score(q, assistant.ask(q.question))).passed]
    assert misses == []


def test_approximate_index_beyond_exact_limit():
    # like a catalogue's chunk vectors: families of near-identical texts
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(200, 384))
    vectors = (np.repeat(centres, 10, axis=0) + 0.3 * rng.normal(size=(2000, 384))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    kind, exact = indexing.make_faiss(vectors)
    assert kind == "flat-ip"
    kind, approx = indexing.make_faiss(vectors, exact_limit=1000)
    assert kind.startswith("ivf")
    queries = vectors[::40] + 0.05 * rng.normal(size=(50, 384)).astype(np.float32)
    _d, want = exact.search(queries, 10)
    _d, got = approx.search(queries, 10)
    assert np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, want)]) >= 0.98


def test_numpy_encoder_agrees_with_sentence_transformers(embedder: Embedder):
    texts = ["What is the rated current of the 2002-1204?",
             "Installation Notes › Conductor termination\nInsert stripped solid conductor until it hits backstop."]
    embedder.load()
    want = embedder.encode(texts)
    got = NumpyMiniLM(_model_path()).encode(texts)
    assert got.shape == (2, 384) and got.dtype == np.float32
    assert np.min(np.sum(got * want, axis=1)) > 0.9999
