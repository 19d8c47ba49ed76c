"""The command line as a user runs it: spec tables, ask, eval, index, errors, --help."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index import indexing
from assistant.cli import main

REPO = Path(__file__).resolve().parent.parent
# the shared dev set beside the clone, else the repository's copy of it (a CI clone)
DEV = next(p for p in (REPO.parent / "shared" / "eval" / "dev.jsonl", REPO / "benchmarks" / "dev.jsonl")
           if p.exists())


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def paths(index_dir, corpus_dir):
    return ["--index", str(index_dir), "--corpus", str(corpus_dir)]


def test_spec_shows_typed_rows(capsys, paths):
    code, out, _ = run(capsys, "spec", "2002-1204", *paths)
    assert code == 0
    lines = [" ".join(l.split()) for l in out.splitlines()]
    assert any(l.startswith("Rated current 24 A ") for l in lines)
    assert any(l.startswith("Strip length 10 … 12 mm / 0.39 … 0.47 inch ") for l in lines)
    assert any(l.startswith("Rated current UL (Use Group B) 20 A ") for l in lines)
    assert any("PTB 03 ATEX 1162 U" in l for l in lines)


def test_spec_csv_has_parsed_numbers(capsys, paths):
    code, out, _ = run(capsys, "spec", "770-1252", "--csv", *paths)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) >= 55
    strip = next(r for r in rows if r["attribute"] == "Strip length")
    assert (strip["low"], strip["high"], strip["unit"], strip["alt_low"], strip["alt_unit"]) == ("9.0", "9.0", "mm", "0.35", "inch")


def test_spec_json(capsys, paths):
    code, out, _ = run(capsys, "spec", "2002 1204", "--json", *paths)
    data = json.loads(out)
    assert data["product"]["item"] == "2002-1204" and len(data["approvals"]) == 10
    ul = [r for r in data["rows"] if r["qualifier"] == "UL (Use Group B)" and r["attribute"] == "Rated current"]
    assert ul[0]["quantity"] == {"low": 20.0, "high": 20.0, "unit": "A", "marker": "", "contains": False} or ul[0]["quantity"]["low"] == 20.0


def test_spec_unknown_item(capsys, paths):
    code, _, err = run(capsys, "spec", "1234-5678", *paths)
    assert code == 1 and "no datasheet for item 1234-5678" in err and "2002-1204" in err


def test_ask_json_and_batch(capsys, paths, tmp_path):
    code, out, _ = run(capsys, "ask", "--json", "strip length 2002-1204", *paths)
    assert code == 0 and json.loads(out)["facts"][0]["value"] == "10 … 12 mm / 0.39 … 0.47 inch"
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "rated current 2002-1204"}\n'
                     '{"id": "b", "question": "and for the 770 plug?", "history": ["rated current 2002-1204"]}\n')
    code, out, _ = run(capsys, "ask", "--json", "--batch", str(batch), *paths)
    answers = [json.loads(l) for l in out.splitlines()]
    assert [a["id"] for a in answers] == ["a", "b"]
    assert answers[1]["products"] == ["770-1252/076-000"] and "25 A" in answers[1]["answer"]


def test_ask_plain_text_marks_refusals(capsys, paths):
    code, out, _ = run(capsys, "ask", "tightening torque of the 2002-1204?", *paths)
    assert code == 0 and out.startswith("NOT IN THE DATASHEETS")


def test_ask_without_question_is_a_usage_error(capsys, paths):
    code, _, err = run(capsys, "ask", *paths)
    assert code == 2 and "give a question" in err


def test_eval_dev_set_passes(capsys, paths):
    code, out, _ = run(capsys, "eval", str(DEV), "--recall", "3", *paths)
    assert "unsupported numbers: 0" in out
    assert code == 0, out
    recall = {l.split()[1]: float(l.split()[-1]) for l in out.splitlines() if l.startswith("recall@3")}
    assert set(recall) == {"fused", "dense", "bm25"}
    # fusion is kept because it beats either retriever alone on this set
    assert recall["fused"] >= max(recall["dense"], recall["bm25"])


def test_index_up_to_date_then_rebuilt_after_change(capsys, corpus_dir, index_dir, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    # the copy is another corpus folder: taken over with --rebuild, every file carried over
    code, out, _ = run(capsys, "index", "--rebuild", "--corpus", str(corpus), "--index", str(index))
    assert code == 0 and "2 unchanged carried over" in out and "(0 newly embedded)" in out
    code, out, _ = run(capsys, "index", "--corpus", str(corpus), "--index", str(index))
    assert code == 0 and "up to date" in out
    sheet = corpus / "2002-1204.txt"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("Rated current 24 A", "Rated current 26 A"),
                     encoding="utf-8")
    assert "changed" in indexing.check(index, corpus)
    # any command finds the stale index, says so, and answers from the rebuilt one
    code, out, err = run(capsys, "ask", "--json", "rated current 2002-1204, IEC", "--corpus", str(corpus), "--index", str(index))
    assert "Building the index" in err and "changed" in err
    assert json.loads(out)["facts"][0]["value"] == "26 A"
    code, out, _ = run(capsys, "index", "--corpus", str(corpus), "--index", str(index))
    assert code == 0 and "up to date" in out
    code, out, err = run(capsys, "index", "--force", "--corpus", str(corpus), "--index", str(index))
    assert code == 0 and "Building the index" in err and "Indexed 2 datasheets" in out


def test_nothing_indexed_exits_non_zero_and_keeps_the_index(capsys, index_dir, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    before = (index / "CURRENT").read_text()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    code, _, err = run(capsys, "index", "--rebuild", "--corpus", str(corpus), "--index", str(index))
    assert code == 1 and "nothing could be indexed" in err and "empty.txt" in err
    assert (index / "CURRENT").read_text() == before


def test_missing_corpus_is_one_clear_line(capsys, tmp_path):
    code, _, err = run(capsys, "index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert code == 1 and err.strip().count("\n") == 0 and "corpus folder not found" in err


def test_help_lists_commands_and_examples():
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "--help"], capture_output=True, text=True, check=True).stdout
    for word in ("chat", "ask", "eval", "index", "spec", "Examples"):
        assert word in out
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--batch" in out and "--history" in out
