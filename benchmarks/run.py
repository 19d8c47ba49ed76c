"""Benchmark: build, re-index and answer at catalogue sizes; prints a Markdown table.

    .venv/bin/python benchmarks/run.py                 # shipped corpus, 100 and 1,000 datasheets
    .venv/bin/python benchmarks/run.py --sizes 0       # the shipped corpus only (~1 min)
    .venv/bin/python benchmarks/run.py --large         # adds 10,000 datasheets
    .venv/bin/python benchmarks/run.py --questions FILE.jsonl   # another question set for size 0

Size 0 is the shipped corpus, asked the questions of ``benchmarks/dev.jsonl`` (or
``--questions``); N > 0 a synthetic catalogue from ``make_catalogue.py`` with its generated
answer key. Each size is measured in a fresh child process (so peak RSS is that size's own)
with the model loaded before any timing starts; the command line runs from this checkout
(``python -m assistant.cli`` with it first on the path):

- build: a full build into an empty index folder with an empty embedding cache; distinct
  chunks and chunks/s (distinct chunks embedded ÷ build wall time) beside the raw model
  encode rate, measured in the same process on up to 512 of the same chunk texts
  (embedding overlaps reading and writing, so "reading" and "model" add up to more than
  the build);
- re-index: one datasheet changed (a value and a sentence), ``indexing.build`` again
  in-process, and ``datasheet-assistant index`` end to end in a fresh process;
- warm ``ask``: p50/p95 over a fixed question mix (the answer key's lookups plus passage,
  check and not-found questions; the dev set for the shipped corpus), after one warm-up
  question; the answer key's lookups are scored;
- filters (issue 12): the catalogue's ``filters.jsonl`` ("which products are rated 41 A or
  more"), asked twice, first and warm, p50/p95 and the product sets scored;
- open: ``Assistant.open`` on the built, current index (plan, load, resolver, retriever);
- cold ``ask``: ``datasheet-assistant ask`` in a fresh process on the built index, wall
  time (median of 3) and its peak RSS;
- recall@10 of the approximate FAISS index (IVF, as built beyond the exact-search limit)
  against exact search, over the index's distinct vectors and the question mix's vectors.

Results also go to ``benchmarks/out/results.json``; work folders to ``benchmarks/out/``.
The issue-13 targets are checked at the end (for the sizes run). The chat's exit time
after ``ctrl+q`` is measured by ``benchmarks/quit.py`` (needs tmux).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
DEV = HERE / "dev.jsonl"  # the shipped corpus's question set (a copy of the project's dev set)
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

# Passage, check and not-found questions asked of catalogue products ({item} filled in).
EXTRA_QUESTIONS = (
    ("passage", "How do I remove a staggered jumper from the {item}?"),
    ("check", "Does a 2.5 mm² fine-stranded conductor with ferrule fit the {item}?"),
    ("not_found", "What is the price of the {item}?"),
    ("passage", "How do I connect fine-stranded conductors to the {item}?"),
)


def _cli() -> list[str]:
    """``datasheet-assistant`` of this checkout (whatever the venv's console script points at)."""
    return [sys.executable, "-m", "assistant.cli"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}


def _wait_rss(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, int, str]:
    """Run a command; (wall seconds, exit code, peak RSS in bytes, stdout).

    Peak RSS is the child's own ``VmHWM`` polled from /proc (``ru_maxrss`` of a child
    starts from the parent's at fork, so it would report this benchmark's size)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=_env())
    peak = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) * 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    out = proc.stdout.read()
    return time.perf_counter() - started, proc.returncode, peak, out


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def prepare(size: int) -> tuple[Path, Path, Path | None]:
    """(work folder, corpus folder, answer key or None) for a size; 0 = shipped corpus."""
    work = OUT / f"size-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if size == 0:
        corpus = work / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        return work, corpus, None
    from make_catalogue import make_catalogue

    make_catalogue(size, work, seed=0, n_questions=100)
    return work, work / "corpus", work / "answers.jsonl"


def _change_one(corpus: Path) -> Path:
    """Change one datasheet the way an update does: a value and a sentence."""
    path = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
    text = path.read_text(encoding="utf-8")
    text = text.replace("Weight ", "Weight 1", 1)
    text = text.replace("Using step-down jumpers, an end plate must",
                        "Using step-down jumpers (checked 2026), an end plate must", 1)
    path.write_text(text, encoding="utf-8")
    return path


def _questions(size: int, answers: Path | None, questions: Path = DEV):
    """The fixed question mix: (kind, question, history, scored EvalQuestion or None)."""
    from assistant.evaluation import read_questions

    if answers is None:
        return [(q.kind, q.question, q.history, q) for q in read_questions(questions)]
    key = read_questions(answers)
    mix = [(q.kind, q.question, q.history, q) for q in key]
    items = [q.products[0] for q in key]
    for i, item in enumerate(items[:40]):
        kind, text = EXTRA_QUESTIONS[i % len(EXTRA_QUESTIONS)]
        mix.append((kind, text.format(item=item), (), None))
    return mix


def _filters(assistant, path: Path) -> dict:
    """Issue 12: the catalogue's filter questions ("which products are rated 41 A or
    more"), each answer's product set scored against the generator's own values. Asked
    twice: the first pass reads each feature's rows from SQLite the first time a question
    needs them (``first``); the second is warm (the rows read, kept for the open index;
    every answer is still worked out anew): p50 / p95 latency of each pass, and how many
    sets were exactly right."""
    from assistant.evaluation import identifier_map, read_questions, score

    if not path.is_file():
        return {}
    questions = read_questions(path)
    identifiers = identifier_map(assistant.products())
    out: dict = {"filter_questions": len(questions)}
    for name in ("first", "warm"):
        times, right = [], 0
        for q in questions:
            started = time.perf_counter()
            answer = assistant.ask(q.question, q.history)
            times.append((time.perf_counter() - started) * 1000)
            right += score(q, answer, tuple(assistant.tables), identifiers).passed
        prefix = "filter" if name == "warm" else "filter_first"
        out.update({f"{prefix}_p50_ms": _pct(times, 0.5), f"{prefix}_p95_ms": _pct(times, 0.95),
                    f"{prefix}_right": right})
    return out


def raw_encode_rate(embedder, texts: list[str]) -> float:
    """Chunks/s of the bare model on these texts (batch 32, as the build uses)."""
    embedder.encode(texts[:32], batch_size=32)  # warm-up
    started = time.perf_counter()
    embedder.encode(texts, batch_size=32)
    return len(texts) / (time.perf_counter() - started)


def recall_at_10(vectors, queries) -> dict:
    """recall@10 and per-query time of the approximate index (the build's parameters,
    forced) against exact search, over the distinct vectors."""
    import faiss
    import numpy as np

    from assistant.index import indexing

    distinct = np.unique(vectors, axis=0)
    flat = faiss.IndexFlatIP(distinct.shape[1])
    flat.add(distinct)
    started = time.perf_counter()
    _d, exact = flat.search(queries, 10)
    flat_ms = (time.perf_counter() - started) * 1000 / len(queries)
    started = time.perf_counter()
    kind, approximate = indexing.make_faiss(distinct, exact_limit=0)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    _d, approx = approximate.search(queries, 10)
    approx_ms = (time.perf_counter() - started) * 1000 / len(queries)
    k = min(10, len(distinct))
    recall = float(np.mean([len(set(a[:k]) & set(e[:k])) / k for a, e in zip(approx, exact)]))
    return {"kind": kind, "vectors": int(len(distinct)), "recall@10": recall,
            "flat_ms": flat_ms, "approx_ms": approx_ms, "approx_build_s": build_s}


def measure(size: int, questions: Path = DEV) -> dict:
    """All figures for one size (run in a child process)."""
    import resource

    from assistant.index import indexing, store
    from assistant.answer.assistant import Assistant
    from assistant.index.embedding import Embedder
    from assistant.evaluation import score

    work, corpus, answers = prepare(size)
    index = work / "index"
    embedder = Embedder()
    embedder.load()
    result: dict = {"size": size, "datasheets": len(list(corpus.iterdir()))}

    embedder.encode([f"warm-up {i}: torch's first batches are slow" for i in range(64)])
    load_before = os.getloadavg()[0]  # other jobs on the machine shift build and raw rate apart
    report = indexing.build(corpus, index, embedder)
    result.update(build_s=report.seconds, build_read_s=report.read_seconds, build_embed_s=report.embed_seconds,
                  chunks=report.chunks, distinct=report.distinct,
                  embedded=report.embedded, build_chunks_per_s=report.embedded / report.seconds)
    result["index_bytes"] = _du(index)
    import random
    import sqlite3

    gen = store.current_generation(index)
    with sqlite3.connect(gen / store.META) as db:
        texts = sorted({t for (t,) in db.execute("SELECT text FROM chunks")})
    sample = random.Random(0).sample(texts, min(512, len(texts)))  # the catalogue's mix of texts
    result["raw_chunks_per_s"] = raw_encode_rate(embedder, sample)
    result["load_average"] = [load_before, os.getloadavg()[0]]  # before the build, after the raw rate
    manifest = store.read_manifest(store.current_generation(index))
    result["faiss"] = manifest.faiss

    started = time.perf_counter()
    assistant = Assistant.open(index, corpus, embedder=embedder)
    result["open_s"] = time.perf_counter() - started
    mix = _questions(size, answers, questions)
    assistant.ask(mix[0][1], mix[0][2])
    times, passed, scored = [], 0, 0
    for kind, question, history, expected in mix:
        started = time.perf_counter()
        answer = assistant.ask(question, history)
        times.append((time.perf_counter() - started) * 1000)
        if expected is not None:
            scored += 1
            passed += score(expected, answer).passed
    result.update(warm_p50_ms=_pct(times, 0.5), warm_p95_ms=_pct(times, 0.95), questions=len(times),
                  passed=passed, scored=scored)
    result.update(_filters(assistant, work / "filters.jsonl"))

    import numpy as np

    queries = embedder.encode([q for _k, q, _h, _e in mix])
    result["recall"] = recall_at_10(assistant.index.vectors, np.asarray(queries, dtype=np.float32))
    result["peak_rss_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    # the index is current (a parser edited meanwhile in this checkout would make the cold
    # ask rebuild it and time the build instead)
    _wait_rss(_cli() + ["index", "--index", str(index), "--corpus", str(corpus)])
    # a lookup the spec table answers alone, and a passage question that needs the model
    for name, question in (("spec", mix[0][1]), ("passage", next(q for k, q, h, _e in mix if k == "passage" and not h))):
        colds, rss = [], 0
        for _ in range(3):
            wall, code, peak, _out = _wait_rss(_cli() + ["ask", question, "--index", str(index), "--corpus", str(corpus)])
            if code == 0:
                colds.append(wall)
                rss = max(rss, peak)
        result[f"cold_{name}_s"] = statistics.median(colds) if colds else None
        result[f"cold_{name}_rss"] = rss
        result[f"cold_{name}_question"] = question

    # last, as it changes the corpus: one datasheet updated, in-process and from the CLI
    _change_one(corpus)
    again = indexing.build(corpus, index, embedder)
    result.update(reindex_s=again.seconds, reindex_read=again.read, reindex_embedded=again.embedded)
    _change_one(corpus)
    wall, code, _rss, _out = _wait_rss(_cli() + ["index", "--index", str(index), "--corpus", str(corpus)])
    result["reindex_cli_s"] = wall if code == 0 else None
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        mem = 0
    import torch

    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
            f"torch {torch.__version__} (CPU), load average at start {os.getloadavg()[0]:.1f}")


def table(results: list[dict]) -> str:
    def mib(b):
        return f"{b / 2**20:.0f} MiB" if b else "–"

    def f(v, fmt):
        return "–" if v is None else format(v, fmt)

    cols = [("datasheets", lambda r: str(r["datasheets"])),
            ("build (reading / model, overlapped)", lambda r: f"{r['build_s']:.1f} s ({r['build_read_s']:.1f} / {r['build_embed_s']:.1f})"),
            ("chunks / distinct", lambda r: f"{r['chunks']:,} / {r['distinct']:,}"),
            ("distinct chunks/s: build / in the model / raw model", lambda r: f"{r['build_chunks_per_s']:.0f} / "
             f"{r['embedded'] / max(r['build_embed_s'], 1e-9):.0f} / {r['raw_chunks_per_s']:.0f}"),
            ("index on disk", lambda r: mib(r["index_bytes"])),
            ("FAISS", lambda r: r["faiss"]),
            ("open", lambda r: f(r["open_s"], ".2f") + " s"),
            ("warm ask p50 / p95", lambda r: f"{r['warm_p50_ms']:.1f} / {r['warm_p95_ms']:.1f} ms"),
            ("lookups right", lambda r: f"{r['passed']}/{r['scored']}"),
            ("filter p50 / p95: first / warm (sets right)", lambda r: f"{r['filter_first_p50_ms']:.0f} / "
             f"{r['filter_first_p95_ms']:.0f} ms / {r['filter_p50_ms']:.0f} / {r['filter_p95_ms']:.0f} ms "
             f"({r['filter_right']}/{r['filter_questions']})" if "filter_p95_ms" in r else "–"),
            ("cold ask spec / passage", lambda r: f"{f(r['cold_spec_s'], '.2f')} / {f(r['cold_passage_s'], '.2f')} s"),
            ("peak RSS cold ask / bench", lambda r: f"{mib(max(r['cold_spec_rss'], r['cold_passage_rss']))} / {mib(r['peak_rss_process'])}"),
            ("re-index 1 changed (build / CLI)", lambda r: f"{f(r['reindex_s'], '.2f')} / {f(r['reindex_cli_s'], '.2f')} s"),
            ("approx. index recall@10 (query ms: exact / approx.)", lambda r: f"{r['recall']['recall@10']:.3f} "
             f"({r['recall']['flat_ms']:.2f} / {r['recall']['approx_ms']:.2f})")]
    lines = ["| " + " | ".join(c for c, _ in cols) + " |", "|" + "---|" * len(cols)]
    for r in results:
        lines.append("| " + " | ".join(fn(r) for _, fn in cols) + " |")
    return "\n".join(lines)


# Issue 13's targets (measured on the synthetic catalogue; the 10,000 row is the one they
# are set for): (column, limit check, how the value is shown).
TARGETS = (
    ("open ≤ 1 s", lambda r: r["open_s"] <= 1.0, lambda r: f"{r['open_s']:.2f} s"),
    ("cold ask lookup / passage ≤ 1.5 s",
     lambda r: None not in (r["cold_spec_s"], r["cold_passage_s"]) and max(r["cold_spec_s"], r["cold_passage_s"]) <= 1.5,
     lambda r: f"{r['cold_spec_s'] or 0:.2f} / {r['cold_passage_s'] or 0:.2f} s"),
    ("cold ask RSS ≤ 1 GiB", lambda r: max(r["cold_spec_rss"], r["cold_passage_rss"]) <= 2**30,
     lambda r: f"{max(r['cold_spec_rss'], r['cold_passage_rss']) / 2**20:.0f} MiB"),
    ("build ≥ 80 % of raw encode rate", lambda r: r["build_chunks_per_s"] >= 0.8 * r["raw_chunks_per_s"],
     lambda r: f"{r['build_chunks_per_s'] / r['raw_chunks_per_s']:.0%}"),
    ("warm p95 ≤ 50 ms", lambda r: r["warm_p95_ms"] <= 50, lambda r: f"{r['warm_p95_ms']:.1f} ms"),
    # issue 12: catalogue filters, every set right
    ("filter p95 ≤ 200 ms, sets right", lambda r: "filter_p95_ms" not in r or (
        r["filter_p95_ms"] <= 200 and r["filter_right"] == r["filter_questions"]),
     lambda r: f"{r['filter_p95_ms']:.0f} ms, {r['filter_right']}/{r['filter_questions']}" if "filter_p95_ms" in r
     else "–"),
)


def targets(results: list[dict]) -> str:
    """The targets of issue 13 per size, each value marked met (✓) or not (✗)."""
    lines = ["| datasheets | " + " | ".join(name for name, _ok, _show in TARGETS) + " |",
             "|" + "---|" * (len(TARGETS) + 1)]
    for r in results:
        cells = [f"{show(r)} {'✓' if ok(r) else '✗'}" for _name, ok, show in TARGETS]
        lines.append(f"| {r['datasheets']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Catalogue-scale benchmark (see the module docstring).")
    parser.add_argument("--sizes", default="0,100,1000",
                        help="comma-separated catalogue sizes; 0 = the shipped corpus (default 0,100,1000)")
    parser.add_argument("--large", action="store_true", help="also 10,000 datasheets")
    parser.add_argument("--questions", type=Path, default=DEV, metavar="FILE.jsonl",
                        help="question set for the shipped corpus (default: benchmarks/dev.jsonl)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: measure one size
    args = parser.parse_args(argv)
    if not args.questions.is_file():
        parser.error(f"question set not found: {args.questions}")
    if args.one is not None:
        print(json.dumps(measure(args.one, args.questions.resolve())))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.large and 10000 not in sizes:
        sizes.append(10000)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    results = []
    for size in sizes:
        print(f"size {size or 'shipped'} …", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, __file__, "--one", str(size), "--questions", str(args.questions.resolve())],
                              stdout=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            print(f"size {size} failed (exit {proc.returncode})", file=sys.stderr)
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result), file=sys.stderr, flush=True)
    (OUT / "results.json").write_text(json.dumps({"machine": machine(), "results": results}, indent=1))
    print(table(results))
    print()
    print(targets(results))
    return 0 if len(results) == len(sizes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
