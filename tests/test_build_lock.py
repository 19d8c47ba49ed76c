"""One build at a time per index folder: a second process that would build the same index
waits for the first (saying so), then uses its result instead of building again.

The test holds the folder's build lock itself while two real processes (``index`` and
``ask``) start on an empty index folder, so both are certain to meet the lock; then it lets
go. The folder starts with a copy of the session's embedding cache: a build reads the two
shipped datasheets and embeds nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.answer.assistant import Assistant
from assistant.index import indexing, store

REPO = Path(__file__).resolve().parent.parent


def _start(args: list[str], log: Path) -> tuple[subprocess.Popen, Path]:
    out = log.with_suffix(".out")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], cwd=REPO,
                            stdout=out.open("w"), stderr=log.open("w"), text=True)
    return proc, out


def _wait_for(path: Path, text: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in path.read_text(encoding="utf-8"):
        assert proc.poll() is None, f"exited {proc.returncode} before saying {text!r}: {path.read_text()}"
        assert time.monotonic() < deadline, f"never said {text!r}: {path.read_text()}"
        time.sleep(0.05)


def test_concurrent_builds_of_one_index_build_once(tmp_path, corpus_dir, index_dir, embedder):
    index = tmp_path / "index"
    index.mkdir()
    shutil.copy2(index_dir / store.CACHE, index / store.CACHE)
    paths = ["--index", str(index), "--corpus", str(corpus_dir)]
    with indexing.build_lock(index):  # a build "in progress" in this process
        runs = [_start(["index", *paths], tmp_path / "index.err"),
                _start(["ask", "--json", "rated current 2002-1204, IEC", *paths], tmp_path / "ask.err")]
        for (proc, _out), log in zip(runs, ("index.err", "ask.err")):
            _wait_for(tmp_path / log, "another build of the index", proc)
        assert not (index / store.CURRENT).exists()
    for proc, _out in runs:
        assert proc.wait(timeout=120) == 0
    (_i, index_out), (_a, ask_out) = runs
    errors = [(tmp_path / name).read_text(encoding="utf-8") for name in ("index.err", "ask.err")]
    assert sum(e.count("Building the index") for e in errors) == 1, errors
    built_by_index = "Indexed 2 datasheets" in index_out.read_text(encoding="utf-8")
    assert built_by_index or "up to date" in index_out.read_text(encoding="utf-8")
    assert ("Building the index" in errors[0]) == built_by_index
    assert json.loads(ask_out.read_text(encoding="utf-8"))["facts"][0]["value"] == "24 A"
    # one generation, intact, answering
    assert [p.name for p in index.iterdir() if p.is_dir()] == [(index / store.CURRENT).read_text().strip()]
    stored = store.load_generation(index, verify=True)
    try:
        assert Assistant(stored, embedder).ask("strip length 2002-1204").kind == "spec"
    finally:
        stored.close()

