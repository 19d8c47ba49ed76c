"""Sanity checks for the question bank (tests/questions/*.jsonl) against the datasheets.

Run:  python tests/questions/check_bank.py [FILE.jsonl ...]

It does NOT run the assistant. It only checks that every question is well-formed and that
what it expects is really printed in the datasheet it names:

* keys, kinds, unique ids, id prefix per file;
* `cite` occurs in the named `source` file (or, for compare, in one of the products' files),
  compared the way the scorer compares (case-folded, whitespace removed, "..." = "…",
  decimal comma = point, <sup>2</sup> = ², Unicode hyphens = "-");
* every `expect_all` string (after the verdict, for checks) occurs in that file too;
* not_found questions have no expectations; filter questions carry a `why` for every product,
  and each `why` row occurs in that product's sheet.

Cites that only match across a line break are reported as a note (allowed, but single-line
cites are preferred).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHEET_DIRS = [ROOT / "corpus", ROOT / "tests" / "data" / "vendors", ROOT / "tests" / "data" / "pdf_sources",
              ROOT / "tests" / "data" / "unseen_vendors"]  # the last: sheets of unseen.jsonl only
# product identifier used in the bank -> its datasheet file (the combined corpus)
PRODUCT_SHEETS = {
    "2002-1204": "2002-1204.txt",
    "770-1252/076-000": "770-1252_076-000.md",
    "LZS:RT78725": "LZS_RT78725.txt",
    "HP-09P1N122S00": "HP-09P1N122S00.txt",
    "1436741": "1436741.txt",
    "AK950/..-7.5-V": "AK950_..-7.5-V.txt",
    "S201-C16": "2CDS251001R0164.pdf",
    "PM25K2PE01": "PM25K2PE01.md",
    "SPCT2-280/2": "install_manual_p12.txt",
    "3209510": "3209510.md",
    "95.05": "relay-socket-datasheet.txt",
    "MCN116": "MCN116.txt",
    "1521850000": "1521850000.txt",
    "92.931.3053.1": "92.931.3053.1.txt",
}
KINDS = {"spec", "check", "compare", "passage", "not_found", "filter"}
HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad"), "-")


def norm(text: str) -> str:
    text = re.sub(r"<sup>\s*2\s*</sup>", "²", text, flags=re.I)
    text = re.sub(r"<sup>\s*3\s*</sup>", "³", text, flags=re.I)
    text = text.translate(HYPHENS).casefold()
    text = re.sub(r"\s+", "", text)
    text = text.replace("...", "…")
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    return text


def strip_markup(text: str) -> str:
    """Text of a PDF's block-markup source (tests/data/pdf_sources/*.blocks): directives and
    comments dropped, heading marks removed, table cells joined by spaces (as the PDF reads)."""
    out = []
    for line in text.splitlines():
        if line.startswith(("@title:", "@header:", "@footer:")):
            line = line.split(":", 1)[1].strip()
        elif line.startswith(("%%", "@")) or re.fullmatch(r"\s*\|?[-|\s]+\|?\s*", line or "x"):
            continue
        line = re.sub(r"^#+\s*", "", line)
        if line.lstrip().startswith("|"):
            line = " ".join(c.strip() for c in line.strip().strip("|").split("|") if c.strip())
        out.append(line)
    return "\n".join(out)


_cache: dict[str, tuple[str, list[str]]] = {}


def sheet(name: str) -> tuple[str, list[str]] | None:
    if name in _cache:
        return _cache[name]
    stem = Path(name).stem
    for d in SHEET_DIRS:
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            if not p.is_file():
                continue
            if d.name == "pdf_sources":
                hit = p.suffix == ".blocks" and p.stem == stem and name.endswith(".pdf")
            else:
                hit = p.name == name and p.suffix != ".pdf"
            if hit:
                raw = p.read_text(encoding="utf-8", errors="replace")
                if d.name == "pdf_sources":
                    raw = strip_markup(raw)
                lines = [norm(line) for line in raw.splitlines()]
                _cache[name] = (norm(raw), lines)
                return _cache[name]
    return None


def main(files: list[str]) -> int:
    problems = 0
    notes = 0
    ids: set[str] = set()
    product_sheet: dict[str, str] = dict(PRODUCT_SHEETS)
    paths = [Path(f) for f in files] or sorted(Path(__file__).parent.glob("*.jsonl"))
    records = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            records.append((path, n, rec))
            if rec.get("source") and rec["kind"] not in ("compare", "not_found", "filter"):
                for p in rec.get("products", []):
                    product_sheet.setdefault(p, rec["source"])

    def bad(path, n, rec, msg):
        nonlocal problems
        problems += 1
        print(f"{path.name}:{n} {rec.get('id')}: {msg}")

    for path, n, rec in records:
        for key in ("id", "question", "history", "kind", "products", "expect_all", "cite", "tags"):
            if key not in rec:
                bad(path, n, rec, f"missing key {key}")
        kind = rec.get("kind")
        if kind not in KINDS:
            bad(path, n, rec, f"bad kind {kind}")
        if rec["id"] in ids:
            bad(path, n, rec, "duplicate id")
        ids.add(rec["id"])
        if kind == "not_found":
            if rec["expect_all"] or rec["cite"] or rec.get("source"):
                bad(path, n, rec, "not_found must have no expect/cite/source")
            continue
        if kind == "filter":
            why = rec.get("why", {})
            if set(why) != set(rec["products"]):
                bad(path, n, rec, f"why keys {sorted(why)} != products {sorted(rec['products'])}")
            for prod, rows in why.items():
                src = product_sheet.get(prod)
                s = sheet(src) if src else None
                if s is None:
                    bad(path, n, rec, f"no sheet known for {prod}")
                    continue
                for row in rows if isinstance(rows, list) else [rows]:
                    if norm(row) not in s[0]:
                        bad(path, n, rec, f"why row not in {src}: {row!r}")
            continue
        if kind == "compare":
            srcs = sorted({product_sheet.get(p) for p in rec["products"]} - {None})
            texts = [sheet(s)[0] for s in srcs if sheet(s)]
            if len(srcs) < len(rec["products"]):
                bad(path, n, rec, "compare: sheet of some product unknown")
            if not any(norm(rec["cite"]) in t for t in texts):
                bad(path, n, rec, f"cite not in any compared sheet: {rec['cite']!r}")
            for e in rec["expect_all"]:
                if not any(norm(e) in t for t in texts):
                    bad(path, n, rec, f"expect not in compared sheets: {e!r}")
            continue
        src = rec.get("source")
        for prod in rec["products"]:
            if prod in PRODUCT_SHEETS and PRODUCT_SHEETS[prod] != src:
                bad(path, n, rec, f"product {prod} is in {PRODUCT_SHEETS[prod]}, not {src}")
        s = sheet(src) if src else None
        if s is None:
            bad(path, n, rec, f"source sheet not found: {src!r}")
            continue
        text, lines = s
        c = norm(rec["cite"])
        if not c:
            bad(path, n, rec, "empty cite")
        elif c not in text:
            bad(path, n, rec, f"cite not in {src}: {rec['cite']!r}")
        elif not any(c in ln for ln in lines):
            notes += 1
            print(f"note {path.name}:{n} {rec['id']}: cite spans lines: {rec['cite']!r}")
        exp = rec["expect_all"]
        if kind == "check":
            if not exp or exp[0] not in ("yes", "no", "conditional"):
                bad(path, n, rec, "check needs verdict first")
            exp = exp[1:]
        for e in exp:
            if norm(e) not in text:
                bad(path, n, rec, f"expect not in {src}: {e!r}")
    print(f"{len(records)} questions, {problems} problems, {notes} notes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
