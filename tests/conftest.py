"""Shared fixtures: the shipped corpus indexed once per test session in a temporary folder.

The model is loaded once (one ``Embedder`` for the session) and the user's own ``index/``
is never touched by the tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.index import indexing
from assistant.answer.assistant import Assistant
from assistant.index.embedding import Embedder

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled embedding model, loaded once for the whole session."""
    return Embedder()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """A private copy of the shipped corpus (tests may not change the real one)."""
    # named "corpus" so that citations read "corpus/…" as they do for users
    target = tmp_path_factory.mktemp("data") / "corpus"
    target.mkdir()
    for path in CORPUS.iterdir():
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, corpus_dir: Path, embedder: Embedder) -> Path:
    """The shipped corpus built into an index once per session."""
    target = tmp_path_factory.mktemp("index")
    indexing.build(corpus_dir, target, embedder)
    return target


@pytest.fixture(scope="session")
def assistant(index_dir: Path, corpus_dir: Path, embedder: Embedder) -> Assistant:
    """An :class:`Assistant` on the session index (shared: ``ask`` is stateless)."""
    return Assistant.open(index_dir, corpus_dir, embedder=embedder)


@pytest.fixture(scope="session")
def vendor_corpus(tmp_path_factory) -> Path:
    """The multi-vendor corpus (shipped sheets + tests/data/vendors) in one folder."""
    from multivendor import assemble

    return assemble(tmp_path_factory.mktemp("vendors") / "corpus")


@pytest.fixture(scope="session")
def vendor_assistant(tmp_path_factory, vendor_corpus: Path, embedder: Embedder) -> Assistant:
    """An :class:`Assistant` on the multi-vendor corpus, indexed once per session."""
    target = tmp_path_factory.mktemp("vendor-index")
    indexing.build(vendor_corpus, target, embedder)
    return Assistant.open(target, vendor_corpus, embedder=embedder)
