"""How long the chat takes to exit after ``ctrl+q``, measured in a real terminal (tmux).

    .venv/bin/python benchmarks/quit.py [--index DIR] [--corpus DIR] [--runs N]

Starts ``datasheet-assistant chat`` in a detached tmux session (120×40), waits until the
index is open and the embedding model loaded (the status line gone: torch is in memory,
the costly case), sends ``ctrl+q`` and times until the process is gone (no longer in
/proc, or a zombie). Prints one line per run and the median, in milliseconds. Defaults:
a private copy of the shipped corpus and an index built for it in ``benchmarks/out/quit/``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out" / "quit"
SOCKET = f"quit-bench-{os.getpid()}"  # a tmux server of our own, not the user's


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True).stdout


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def quit_once(index: Path, corpus: Path, session: str, ready_timeout: float = 120) -> float:
    """Seconds from sending ``ctrl+q`` to the chat process being gone."""
    env = f"PYTHONPATH={shlex.quote(str(REPO))}"
    command = (f"cd {shlex.quote(str(REPO))} && exec env {env} {shlex.quote(sys.executable)} -m assistant.cli "
               f"chat --index {shlex.quote(str(index))} --corpus {shlex.quote(str(corpus))}")
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        deadline = time.monotonic() + ready_timeout
        while True:
            screen = _tmux("capture-pane", "-p", "-t", session)
            if "Datasheets:" in screen and "Loading" not in screen and "Building" not in screen:
                break
            if not _alive(pid) or time.monotonic() > deadline:
                raise RuntimeError(f"the chat did not get ready:\n{screen}")
            time.sleep(0.1)
        time.sleep(0.5)  # let the frame settle
        started = time.perf_counter()
        _tmux("send-keys", "-t", session, "C-q")
        while _alive(pid):
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", session], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the chat's exit after ctrl+q (see the module docstring).")
    parser.add_argument("--index", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 1
    corpus, index = args.corpus, args.index
    if corpus is None or index is None:
        corpus, index = OUT / "corpus", OUT / "index"
        if not corpus.is_dir():
            shutil.copytree(REPO / "corpus", corpus)
        subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--index", str(index), "--corpus", str(corpus)],
                       cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    times = []
    _tmux("new-session", "-d", "-s", "keep", "sleep 3600")  # the server outlives each run's session
    try:
        for run in range(args.runs):
            seconds = quit_once(index, corpus, f"run-{run}")
            times.append(seconds * 1000)
            print(f"run {run + 1}: {seconds * 1000:.0f} ms", flush=True)
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
    print(f"ctrl+q → process gone: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
