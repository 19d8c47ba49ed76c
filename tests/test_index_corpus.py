"""An index keeps its corpus: it answers from the folder it was built from, wherever the
command runs, and is rebuilt from another folder only when the user names it with
``--rebuild``.

Every index here starts from a copy of the session's embedding cache, so a build reads the
datasheets but embeds nothing (or a changed line with the NumPy encoder): about a second.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.index import store

QUESTION = "rated current 2002-1204, IEC"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def rated_current(out: str) -> str:
    return json.loads(out)["facts"][0]["value"]


def generation(index: Path) -> str:
    return (index / store.CURRENT).read_text(encoding="utf-8").strip()


@pytest.fixture
def built(capsys, tmp_path, corpus_dir, index_dir) -> tuple[Path, Path]:
    """(corpus A, index Y): ``index --corpus A --index Y`` run by the user."""
    corpus = tmp_path / "A" / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index = tmp_path / "Y"
    index.mkdir()
    shutil.copy2(index_dir / store.CACHE, index / store.CACHE)
    code, out, _ = run(capsys, "index", "--corpus", corpus, "--index", index)
    assert code == 0 and "Indexed 2 datasheets" in out
    return corpus, index


@pytest.fixture
def elsewhere(tmp_path, corpus_dir) -> Path:
    """A folder with a ``corpus/`` of its own: the 2002-1204 at 26 A, nothing else."""
    folder = tmp_path / "B"
    (folder / "corpus").mkdir(parents=True)
    text = (corpus_dir / "2002-1204.txt").read_text(encoding="utf-8")
    assert "Rated current 24 A" in text
    (folder / "corpus" / "2002-1204.txt").write_text(text.replace("Rated current 24 A", "Rated current 26 A"),
                                                     encoding="utf-8")
    return folder


def test_manifest_records_the_corpus_folder(built):
    corpus, index = built
    assert store.recorded_corpus(index) == corpus.resolve()
    assert store.read_manifest(store.current_generation(index)).corpus == str(corpus.resolve())


def test_index_answers_from_its_own_corpus_wherever_asked(capsys, built, elsewhere, monkeypatch):
    corpus, index = built
    before = generation(index)
    monkeypatch.chdir(elsewhere)  # a folder with another corpus/ beside it
    code, out, err = run(capsys, "ask", "--json", QUESTION, "--index", index)
    assert code == 0, err
    assert rated_current(out) == "24 A"
    assert "Building" not in err and "changed" not in err
    assert generation(index) == before and store.recorded_corpus(index) == corpus.resolve()
    code, out, err = run(capsys, "index", "--index", index)  # and `index` updates its own corpus
    assert code == 0 and "up to date" in out and str(corpus.resolve()) in out
    assert generation(index) == before


def test_another_named_corpus_is_refused_without_rebuild(capsys, built, elsewhere):
    corpus, index = built
    before = generation(index)
    other = elsewhere / "corpus"
    for command in (["ask", QUESTION], ["index"], ["spec", "2002-1204"]):
        code, out, err = run(capsys, *command, "--index", index, "--corpus", other)
        assert code == 1 and out == ""
        assert f"was built from {corpus.resolve()}" in err and "--rebuild" in err
        assert len(err.strip().splitlines()) == 1  # one sentence, no traceback
    assert generation(index) == before

    code, out, err = run(capsys, "ask", "--json", QUESTION, "--index", index, "--corpus", other, "--rebuild")
    assert code == 0 and "Building the index" in err
    assert rated_current(out) == "26 A"
    assert store.recorded_corpus(index) == other.resolve()
    code, out, err = run(capsys, "ask", "--json", QUESTION, "--index", index)
    assert code == 0 and rated_current(out) == "26 A" and "Building" not in err


def test_missing_corpus_folder_leaves_the_index_answering_with_a_warning(capsys, built):
    corpus, index = built
    before = generation(index)
    shutil.rmtree(corpus)
    code, out, err = run(capsys, "ask", "--json", QUESTION, "--index", index)
    assert code == 0 and rated_current(out) == "24 A"
    assert f"the corpus folder {corpus.resolve()}" in err and "is missing" in err
    assert "Building" not in err and generation(index) == before


def test_new_index_without_a_named_corpus_is_not_built(capsys, tmp_path, elsewhere, monkeypatch):
    monkeypatch.chdir(elsewhere)  # a corpus/ is right here, but the user did not name it
    index = tmp_path / "new-index"
    code, out, err = run(capsys, "ask", QUESTION, "--index", index)
    assert code == 1 and out == ""
    assert "--corpus DIR" in err and "no index yet" in err
    assert not (index / store.CURRENT).exists()
