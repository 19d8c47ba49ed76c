"""Offline by proof: indexing and answering never reach the network.

A fresh interpreter (so the program's import-time settings are what is tested, not this
test session's) runs a full index build (the torch model embeds every chunk) and answers
questions (the NumPy encoder embeds them) with every way out blocked and recorded:

* ``socket.socket.connect``/``connect_ex``/``sendto``, ``socket.create_connection``,
  ``getaddrinfo``, ``gethostbyname`` are replaced by functions that record and refuse;
* an audit hook records and refuses the interpreter's own socket events, which also fire
  for code that goes around the ``socket`` module;
* the proxy variables point at a listener in this test that records any connection, which
  catches HTTP clients in compiled code (Rust, C) that honour proxy settings.

The hub variables are removed from the child's environment and its caches point at empty
folders: ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` must be set to ``"1"`` by
``assistant.index.embedding`` itself, at import, before huggingface_hub reads them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CHILD = r'''
import json, os, socket, sys

attempts = []

def refuse(what):
    def blocked(*args, **kwargs):
        attempts.append(f"{what} {args!r:.200}")
        raise OSError(f"network blocked by the offline test: {what}")
    return blocked

for name in ("connect", "connect_ex", "sendto"):
    setattr(socket.socket, name, refuse("socket." + name))
for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    setattr(socket, name, refuse(name))

NETWORK_EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                  "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg", "urllib.Request",
                  "http.client.connect", "ftplib.connect", "smtplib.connect"}

def audit(event, args):
    if event in NETWORK_EVENTS:
        attempts.append(f"audit {event} {args!r:.200}")
        raise OSError(f"network blocked by the offline test: {event}")

sys.addaudithook(audit)

corpus, index = sys.argv[1], sys.argv[2]
before = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}

import assistant.index.embedding
after_import = {k: os.environ.get(k) for k in before}

from pathlib import Path
from assistant.index import indexing
from assistant.answer.assistant import Assistant

report = indexing.build(Path(corpus), Path(index))
rebuilt = []
assistant = Assistant.open(Path(index), Path(corpus), on_rebuild=rebuilt.append)
answers = [assistant.ask(q) for q in (
    "What is the strip length of the 2002-1204?",
    "How do I remove a jumper from the 2002-1204?",
    "Does 14 AWG solid wire fit the 770-1252/076-000?",
)]
from assistant import cli
cli_exit = cli.main(["ask", "--index", index, "--corpus", corpus, "Rated current of the 2002-1204?"])

import huggingface_hub.constants  # read at its import: it was imported after ours set them
hub_offline = huggingface_hub.constants.HF_HUB_OFFLINE and huggingface_hub.constants.is_offline_mode()

during = list(attempts)
trap = []  # the traps themselves work: deliberate connections are refused and recorded
import _socket
for attempt in (lambda: socket.create_connection(("example.com", 80), timeout=1),
                lambda: _socket.socket().connect(("127.0.0.1", 9))):  # around the socket module
    recorded = len(attempts)
    try:
        attempt()
        trap.append("connected")
    except OSError:
        trap.append("refused" if len(attempts) > recorded else "failed unrecorded")

print("RESULT " + json.dumps({
    "attempts": during, "trap": trap,
    "before": before, "after_import": after_import, "hub_offline": hub_offline,
    "torch_loaded": "torch" in sys.modules,
    "chunks": report.chunks, "embedded": report.embedded, "rebuilt": rebuilt,
    "kinds": [a.kind for a in answers], "answers": [a.answer for a in answers], "cli_exit": cli_exit,
}), flush=True)
'''


class ProxyTrap:
    """A TCP listener on localhost that records every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(200).decode("latin-1"))
                except OSError:
                    self.connections.append("(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.server.close()


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory, corpus_dir: Path) -> dict:
    """Build an index from scratch and answer, in a fresh interpreter with no way out."""
    work = tmp_path_factory.mktemp("offline")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "TRANSFORMERS_", "SENTENCE_TRANSFORMERS_", "TORCH_"))
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    trap = ProxyTrap()
    proxy = f"http://127.0.0.1:{trap.port}"
    env.update({
        "HF_HOME": str(work / "hf"), "SENTENCE_TRANSFORMERS_HOME": str(work / "st"),
        "TORCH_HOME": str(work / "torch"), "XDG_CACHE_HOME": str(work / "cache"),
        "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy,
        "http_proxy": proxy, "https_proxy": proxy, "all_proxy": proxy,
    })
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus_dir), str(work / "index")],
                              cwd=work, env=env, capture_output=True, text=True, timeout=240)
    finally:
        trap.close()
    result = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    assert proc.returncode == 0 and result, proc.stderr[-3000:]
    data = json.loads(result[-1].removeprefix("RESULT "))
    data["proxy_connections"] = trap.connections
    data["stdout"] = proc.stdout
    return data


def test_no_connection_is_attempted_while_indexing_and_answering(offline_run):
    assert offline_run["attempts"] == []
    assert offline_run["proxy_connections"] == []


def test_the_network_trap_is_armed(offline_run):
    """Proof that the run above was watched: a deliberate connection was refused and recorded."""
    assert offline_run["trap"] == ["refused", "refused"]


def test_the_program_sets_offline_mode_itself(offline_run):
    assert offline_run["before"] == {"HF_HUB_OFFLINE": None, "TRANSFORMERS_OFFLINE": None}
    assert offline_run["after_import"] == {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    assert offline_run["hub_offline"] is True


def test_the_offline_run_did_real_work(offline_run):
    """The whole path ran: the model embedded every chunk, questions were answered (passage
    retrieval embeds the question), and the CLI answered."""
    assert offline_run["torch_loaded"] and offline_run["embedded"] == offline_run["chunks"] > 0
    assert offline_run["rebuilt"] == []
    assert offline_run["kinds"] == ["spec", "passage", "check"], offline_run["answers"]
    assert offline_run["cli_exit"] == 0 and "24 A" in offline_run["stdout"]
