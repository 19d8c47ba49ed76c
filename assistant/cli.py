"""Command line: ``datasheet-assistant [chat|ask|eval|index|spec]``.

With no subcommand the chat TUI opens on the shipped corpus. Errors are printed as one
sentence on stderr with a non-zero exit code, never as a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

EXIT_ERROR = 1
EXIT_USAGE = 2


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, metavar="DIR",
                        help="folder of datasheets (.txt, .md, .pdf); default: the one the index "
                             "was built from (./corpus for a new ./index)")
    parser.add_argument("--index", type=Path, metavar="DIR",
                        help="folder of the built index; default: ./index")
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the index from the corpus named now, even if it was built "
                             "from another corpus folder (without it, an index answers from its own)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the tests to check ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="datasheet-assistant",
        description="Answers installer questions from product datasheets, offline. Every answer "
                    "is a value read from a datasheet or a quoted passage, with its citation; "
                    "otherwise it says the datasheets don't say.",
        epilog="Run without a command to open the chat. Examples:\n"
               "  datasheet-assistant ask \"strip length 2002-1204\"\n"
               "  datasheet-assistant spec 770-1252/076-000 --csv\n"
               "  datasheet-assistant eval benchmarks/dev.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chat = sub.add_parser("chat", help="open the chat TUI (the default)")
    _paths(chat)
    ask = sub.add_parser("ask", help="answer one question (or a JSONL batch) and exit")
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the answer record as JSON")
    ask.add_argument("--batch", type=Path, metavar="FILE.jsonl",
                     help="answer every line of FILE (keys id, question, history); one JSON answer per line")
    ask.add_argument("--history", action="append", default=[], metavar="QUESTION",
                     help="an earlier question of the conversation (repeatable, oldest first)")
    _paths(ask)
    ev = sub.add_parser("eval", help="score question sets (JSONL) and print a table per kind for each")
    ev.add_argument("file", type=Path, metavar="FILE.jsonl", nargs="+")
    ev.add_argument("--json", action="store_true", help="also write every answer as JSON lines to stdout")
    ev.add_argument("--recall", type=int, metavar="K", default=0,
                    help="also print recall@K of the passage retriever: fused, dense only, BM25 only")
    _paths(ev)
    index = sub.add_parser("index", help="build or update the index of a corpus folder")
    index.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    _paths(index)
    spec = sub.add_parser("spec", help="print a product's spec table, one feature across the catalogue, "
                                        "or the list of products")
    spec.add_argument("item", nargs="?", help="item number, e.g. 2002-1204")
    spec.add_argument("--feature", metavar="NAME",
                      help="one row per product with this feature (a vocabulary feature: strip_length, "
                           "rated_current, \"operating temperature\" …): value as printed, typed value, unit, "
                           "conductor class, source line")
    spec.add_argument("--list", action="store_true",
                      help="every product: item, vendor, kind and identifiers, one line each")
    fmt = spec.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON records")
    fmt.add_argument("--csv", action="store_true", help="CSV rows")
    _paths(spec)
    return parser


class _Progress:
    """A tqdm bar per stage on stderr (silent when stderr is not a terminal and quiet)."""

    def __init__(self) -> None:
        self.bars = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            for earlier in self.bars.values():  # a stage is over when the next one starts
                earlier.close()
            # tqdm's own rate and ETA (elapsed<remaining) from the updates below
            bar = self.bars[stage] = tqdm(total=total, desc=f"{stage:<9}", unit=" files" if stage == "reading" else " chunks",
                                          file=sys.stderr, leave=True, dynamic_ncols=True, mininterval=0.2)
        bar.total = total
        if done > bar.n:
            bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars = {}


def _open(args, quiet: bool = False):
    from .answer.assistant import Assistant

    progress = _Progress()

    def rebuilding(reason: str) -> None:
        print(f"Building the index ({reason}) …", file=sys.stderr)

    try:
        return Assistant.open(args.index, args.corpus, progress=None if quiet else progress,
                              on_rebuild=None if quiet else rebuilding,
                              rebuild=getattr(args, "rebuild", False), on_notice=_notice)
    finally:
        progress.close()


def _notice(text: str) -> None:
    """Something the user should know while the index opens (not an error)."""
    print(f"datasheet-assistant: {text}", file=sys.stderr, flush=True)


def _cmd_ask(args) -> int:
    from .answer.assistant import Assistant  # noqa: F401  (import cost counted in cold start)

    if not args.question and not args.batch:
        print("datasheet-assistant ask: give a question or --batch FILE.jsonl", file=sys.stderr)
        return EXIT_USAGE
    assistant = _open(args)
    if args.batch:
        from .evaluation import read_questions

        for q in read_questions(args.batch):
            answer = assistant.ask(q.question, q.history, id=q.id)
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return 0
    answer = assistant.ask(args.question, args.history)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print(render_answer(answer))
    return 0


def render_answer(answer) -> str:
    """Plain-text rendering of an answer for the terminal: verdict, text, citations."""
    lines = []
    if answer.kind == "not_found":
        lines.append("NOT IN THE DATASHEETS")
    elif answer.verdict:
        lines.append(answer.verdict.upper())
    lines.append(answer.answer)
    for i, c in enumerate(answer.citations, start=1):
        lines.append(f"  [{i}] {c.source} › {c.section}, {c.where}: {c.quote}")
    for c in answer.related:
        lines.append(f"  related: {c.source} › {c.section}, {c.where}: {c.quote}")
    return "\n".join(lines)


def _cmd_eval(args) -> int:
    from .evaluation import identifier_map, read_questions, report, score

    sets = [(path, read_questions(path)) for path in args.file]  # malformed files fail first
    assistant = _open(args)
    identifiers = identifier_map(assistant.products())
    everything_passed = True
    for path, questions in sets:
        results = []
        started = time.perf_counter()
        for q in questions:
            answer = assistant.ask(q.question, q.history, id=q.id)
            results.append(score(q, answer, tuple(assistant.tables), identifiers))
            if args.json:
                print(json.dumps(answer.to_json(), ensure_ascii=False))
        elapsed = time.perf_counter() - started
        if len(sets) > 1:
            print(f"== {path}")
        print(report(results))
        print(f"answered {len(questions)} questions in {elapsed:.2f} s")
        if args.recall:
            from .evaluation import retrieval_recall

            for name, (hit, total) in retrieval_recall(assistant, questions, args.recall).items():
                print(f"recall@{args.recall} {name:<6} {hit}/{total} = {hit / max(total, 1):.2f}")
        everything_passed &= all(r.passed for r in results)
        if len(sets) > 1:
            print()
    return 0 if everything_passed else EXIT_ERROR


def _cmd_index(args) -> int:
    from .index import indexing
    from .answer.assistant import default_paths

    index_dir, corpus_dir = default_paths(args.index, args.corpus)
    progress = _Progress()
    started = time.perf_counter()

    def building(reason: str) -> None:
        print(f"Building the index in {index_dir} ({reason}) …", file=sys.stderr, flush=True)

    try:
        decided, report = indexing.ensure(index_dir, corpus_dir, rebuild=args.rebuild, force=args.force,
                                          progress=progress, on_rebuild=building, on_notice=_notice)
    finally:
        progress.close()
    if report is None:
        corpus = f" with {decided.corpus}" if decided.corpus else ""
        print(f"The index in {index_dir} is up to date{corpus}.")
        return 0
    for source, why in report.skipped:
        print(f"skipped {source}: {why}", file=sys.stderr)
    reused = f", {report.carried} unchanged carried over" if report.carried else ""
    print(f"Indexed {len(report.indexed)} datasheets ({report.read} read{reused}) from {decided.corpus}, "
          f"{report.chunks} chunks, {report.distinct} distinct ({report.embedded} newly embedded) "
          f"in {time.perf_counter() - started:.1f} s.")
    return 0


def _cmd_spec(args) -> int:
    if not args.item and not args.feature and not args.list:
        print("datasheet-assistant spec: give an item number, --feature NAME or --list", file=sys.stderr)
        return EXIT_USAGE
    assistant = _open(args)
    if args.list:
        return _spec_list(assistant, args)
    if args.feature:
        return _spec_feature(assistant, args)
    try:
        table = assistant.spec_table(args.item)
    except KeyError:
        known = ", ".join(p.item for p in assistant.products())
        print(f"datasheet-assistant: no datasheet for item {args.item} (known: {known})", file=sys.stderr)
        return EXIT_ERROR
    # a PDF's rows also give the page and the line on the page
    places = {r: assistant.citation(r.item, r.source, r.section, r.line_start, r.line_end, "")
              for r in table.rows}
    if args.json:
        rows = [asdict(r) | ({"page": places[r].page, "page_line": places[r].page_line_start}
                             if places[r].page else {}) for r in table.rows]
        print(json.dumps({"product": asdict(table.product), "rows": rows,
                          "approvals": [asdict(a) for a in table.approvals],
                          "accessories": [asdict(a) for a in table.accessories]},
                         ensure_ascii=False, indent=1))
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["item", "section", "attribute", "qualifier", "standard", "value", "low", "high",
                         "unit", "marker", "alt_low", "alt_high", "alt_unit", "source", "line_start", "line_end",
                         "page", "page_line"])
        for r in table.rows:
            q, a = r.quantity, r.alternate
            place = places[r]
            writer.writerow([r.item, r.section, r.attribute, r.qualifier, r.standard, r.value,
                             q and q.low, q and q.high, q and q.unit, q and q.marker,
                             a and a.low, a and a.high, a and a.unit, r.source, r.line_start, r.line_end,
                             place.page or "", place.page_line_start or ""])
        return 0
    p = table.product
    print(f"{p.item}  {p.title if p.title != p.item else ''}  family: {p.family or '—'}  colour: {p.color or '—'}")
    width = max((len(r.label) for r in table.rows), default=10)
    section = None
    for r in table.rows:
        if r.section != section:
            section = r.section
            print(f"\n{section}")
        print(f"  {r.label:<{width}}  {r.value}   [{places[r].where}]")
    if table.approvals:
        print("\nApprovals")
        for a in table.approvals:
            print(f"  {a.approval:<10} {a.issuer:<45} {a.standard or '-':<12} {a.certificate} {a.note}".rstrip())
    if table.accessories:
        print("\nAccessories")
        for a in table.accessories:
            print(f"  {a.group:<20} {a.item_number:<18} {a.description}")
    return 0


_LIST_COLUMNS = ["item", "vendor", "kind", "series", "identifiers", "source", "title"]


def _spec_list(assistant, args) -> int:
    """``spec --list``: every product of the index, one line (or record) each."""
    products = assistant.products()
    records = [{"item": p.item, "vendor": p.vendor, "kind": p.kind, "series": p.series,
                "identifiers": list(p.identifiers), "source": p.source, "title": p.title} for p in products]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(_LIST_COLUMNS)
        for r in records:
            writer.writerow([r["item"], r["vendor"], r["kind"], r["series"], "; ".join(r["identifiers"]),
                             r["source"], r["title"]])
    else:
        width = max((len(p.item) for p in products), default=4)
        vendor = max((len(p.vendor) for p in products), default=6)
        kind = max((len(p.kind) for p in products), default=4)
        for p in products:
            others = ", ".join(i for i in p.identifiers if i != p.item)
            print(f"{p.item:<{width}}  {p.vendor or '—':<{vendor}}  {p.kind or '—':<{kind}}  {others}".rstrip())
    return 0


_FEATURE_COLUMNS = ["item", "vendor", "kind", "feature", "attribute", "value", "low", "high", "unit",
                    "conductor", "standard", "source", "line_start", "line_end", "page", "page_line"]


def _feature_id(name: str) -> str | None:
    """A vocabulary feature by its id or name, as typed (``strip_length``, ``Strip length``)."""
    from .vocabulary import vocabulary, word_key

    features = vocabulary().features
    key = word_key(name.replace("_", " "))
    for fid, feature in features.items():
        if key in (word_key(fid.replace("_", " ")), word_key(feature.name)):
            return fid
    return None


def _spec_feature(assistant, args) -> int:
    """``spec --feature NAME``: one row per product — the sheet's row of that feature (the
    general rating, not one under UL or Ex; min / max sub-rows as one range), its value as
    printed, the typed value, unit, conductor class and source line; an empty value for a
    product whose sheet does not give it. Rows are read by feature from the index."""
    from .answer.conditions import feature_readings
    from .ingest.values import format_number

    feature = _feature_id(args.feature)
    if feature is None:
        from rapidfuzz import process

        from .vocabulary import vocabulary

        names = sorted(vocabulary().features)
        near = [n for n, score, _ in process.extract(args.feature, names, limit=3) if score >= 60]
        hint = f" (closest: {', '.join(near)})" if near else ""
        print(f"datasheet-assistant: no feature {args.feature!r} in the vocabulary{hint}", file=sys.stderr)
        return EXIT_ERROR
    by_item = assistant.index.rows_with_features([feature])
    records = []
    for product in assistant.products():
        found = feature_readings(by_item.get(product.item, []), feature)
        record = dict.fromkeys(_FEATURE_COLUMNS, "")
        record.update(item=product.item, vendor=product.vendor, kind=product.kind, feature=feature)
        if found:
            reading = found[0]
            rows = reading.rows
            q = reading.quantity
            record.update(attribute=rows[0].attribute if len(rows) > 1 else rows[0].label,
                          value=" / ".join(r.value for r in rows) if len(rows) > 1 else rows[0].value,
                          low=format_number(min(q.low, q.high) if q.unit != "AWG" else q.low),
                          high=format_number(max(q.low, q.high) if q.unit != "AWG" else q.high),
                          unit=q.unit, conductor=reading.conductor, standard=rows[0].standard,
                          source=rows[0].source, line_start=rows[0].line_start, line_end=rows[-1].line_end)
        records.append(record)
    spans = [(r["source"], r["line_start"], r["line_end"]) for r in records if r["source"]]
    lines = assistant.index.lines_at(spans) if spans else {}
    for r in records:  # a PDF's row: its page and line on the page
        first = next((l for l in lines.get(r["source"], []) if r["line_start"] <= l.number <= r["line_end"]
                      and l.text), None) if r["source"] else None
        if first is not None and first.page:
            r["page"], r["page_line"] = first.page, first.page_line
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=_FEATURE_COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    else:
        width = max((len(r["item"]) for r in records), default=4)
        vendor = max((len(r["vendor"]) for r in records), default=6)
        value = max((len(r["value"]) for r in records), default=5)
        for r in records:
            where = ""
            if r["source"]:
                place = f"page {r['page']}, line {r['page_line']}" if r["page"] else f"line {r['line_start']}"
                where = f"[{r['source']}, {place}]"
            print(f"{r['item']:<{width}}  {r['vendor'] or '—':<{vendor}}  {r['value'] or '—':<{value}}  "
                  f"{r['conductor']:<14}  {where}".rstrip())
    return 0


def _cmd_chat(args) -> int:
    from .tui.app import run

    if getattr(args, "rebuild", False):  # in the terminal, before the chat opens on the result
        args.force = False
        _cmd_index(args)
    run(getattr(args, "corpus", None), getattr(args, "index", None))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``datasheet-assistant`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "chat"
    if args.command is None:
        args.corpus = args.index = None
        args.rebuild = False
    handlers = {"chat": _cmd_chat, "ask": _cmd_ask, "eval": _cmd_eval, "index": _cmd_index, "spec": _cmd_spec}
    from .index.indexing import NothingIndexed
    from .ingest.loading import DatasheetError
    from .index.store import IndexError_

    try:
        return handlers[command](args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # "datasheet-assistant spec … | head": the reader stopped; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (FileNotFoundError, NothingIndexed, DatasheetError, IndexError_, ValueError) as exc:
        print(f"datasheet-assistant: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
