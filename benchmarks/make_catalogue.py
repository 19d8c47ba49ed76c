"""Synthetic catalogue: N datasheets derived from the two shipped ones, in product families.

    python benchmarks/make_catalogue.py N OUTDIR [--seed S] [--questions Q]

Writes ``OUTDIR/corpus/`` (N datasheets, half PDF-extracted ``.txt`` terminal blocks derived
from 2002-1204, half Markdown ``.md`` plugs derived from 770-1252/076-000),
``OUTDIR/filters.jsonl`` (catalogue questions, "which products … ?", with the expected
product sets computed from the generator's values) and ``OUTDIR/answers.jsonl``, an answer
key in the question-set format of
``shared/eval/README.md`` (``id``, ``question``, ``kind``, ``products``, ``expect_all``,
``cite``), so ``datasheet-assistant eval OUTDIR/answers.jsonl --corpus OUTDIR/corpus`` scores
the assistant at that size.

Like a real catalogue, members of a family (10 per family) share most of their text:
the installation notes and jumper/accessory passages are the family's, and only the item
number, colour, rated current, strip length, width, weight and GTIN vary per member. Families
differ by their series number (txt: ``2002 Series`` → ``21xx Series``; md: the accessory item
prefix ``770-`` → ``8xx-``). Everything is deterministic for a given N and seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FAMILY_SIZE = 10
TXT_BASE, MD_BASE = "2002-1204", "770-1252/076-000"

COLOURS = ("blue", "gray", "orange", "yellow", "red", "black", "white", "violet", "brown", "green")
# (low, high) strip lengths in mm; inches as the datasheets print them (2 decimals)
STRIP_TXT = ((10, 12), (9, 11), (11, 13), (12, 14), (8, 10))
STRIP_MD = (9, 8, 10, 11)
CURRENT_TXT = (24, 20, 32, 41, 16, 57, 76)
CURRENT_MD = (25, 16, 20, 32)
WIDTH_TXT = ("5.2", "4.2", "6.2", "7.5", "10", "12")
WIDTH_MD = ("20", "15", "25", "30")


@dataclass(frozen=True)
class Member:
    """One generated datasheet: its item number, file name, format and varied values."""

    item: str
    file: str
    fmt: str  # "txt" | "md"
    family: int
    colour: str
    current: int
    strip: str  # as the answer shows it, e.g. "10 … 12 mm"
    width: str
    weight: str
    gtin: str


def _inch(mm: float) -> str:
    return f"{mm / 25.4:.2f}"


def _gtin(n: int) -> str:
    body = f"40{n:010d}"  # 12 digits + check digit (EAN-13 rule)
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def members(n: int, seed: int = 0) -> list[Member]:
    """The catalogue plan: n members in ceil(n / 10) families (at least two when n ≥ 2, so
    both formats appear), alternating txt and md families."""
    rng = random.Random(seed)
    families = max(min(n, 2), -(-n // FAMILY_SIZE))
    out = []
    for i in range(n):
        fam, m = i % families, i // families
        fmt = "txt" if fam % 2 == 0 else "md"
        colour = COLOURS[rng.randrange(len(COLOURS))]
        if fmt == "txt":
            item = f"{2100 + fam // 2}-{1201 + m}"
            lo, hi = STRIP_TXT[rng.randrange(len(STRIP_TXT))]
            strip = f"{lo} … {hi} mm"
            current = CURRENT_TXT[rng.randrange(len(CURRENT_TXT))]
            width = WIDTH_TXT[rng.randrange(len(WIDTH_TXT))]
            file = f"{item}.txt"
        else:
            item = f"{800 + fam // 2}-{1251 + m}/076-000"
            strip = f"{STRIP_MD[rng.randrange(len(STRIP_MD))]} mm"
            current = CURRENT_MD[rng.randrange(len(CURRENT_MD))]
            width = WIDTH_MD[rng.randrange(len(WIDTH_MD))]
            file = item.replace("/", "_") + ".md"
        weight = f"{rng.randrange(30, 120) / 10:.1f}"
        out.append(Member(item, file, fmt, fam, colour, current, strip, width, weight, _gtin(i + 1)))
    return out


def _strip_values(strip: str) -> tuple[float, float]:
    nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", strip)]
    return nums[0], nums[-1]


def _line(text: str) -> re.Pattern:
    """A datasheet line's start, with any space matching a no-break space too (PDF text)."""
    return re.compile("^" + re.escape(text).replace("\\ ", "[ \u00a0]"), re.M)


def render(member: Member, txt_base: str, md_base: str) -> str:
    """The datasheet text of one member, derived from the shipped datasheet of its format."""
    lo, hi = _strip_values(member.strip)
    if member.fmt == "txt":
        prefix = member.item.split("-")[0]
        text = txt_base.replace(TXT_BASE, member.item)
        text = re.sub(r"\b2002(?![-\d])", prefix, text)  # the family's series number
        for line, new in (
            ("Rated current 24 A", f"Rated current {member.current} A"),
            ("Strip length 10 … 12 mm / 0.39 … 0.47 inch",
             f"Strip length {lo:g} … {hi:g} mm / {_inch(lo)} … {_inch(hi)} inch"),
            ("Width 5.2 mm / 0.205 inch", f"Width {member.width} mm / {float(member.width) / 25.4:.3f} inch"),
            ("Color blue", f"Color {member.colour}"),
            ("Weight 4.9 g", f"Weight {member.weight} g"),
            ("GTIN 4017332999175", f"GTIN {member.gtin}"),
        ):
            text, count = _line(line).subn(new, text)
            assert count == 1, f"{line!r} not found once in the 2002-1204 datasheet"
        return text
    prefix = member.item.split("-")[0]
    text = md_base.replace(MD_BASE, member.item)
    text = re.sub(r"\b770-(?!\d+/076-000\b)", f"{prefix}-", text)  # the family's accessories
    text = text.replace("770-1242/076-000", f"{prefix}-{int(member.item.split('-')[1][:4]) - 10}/076-000")
    text = text.replace("light turquoise", member.colour)
    text = re.sub(r"^Rated current\t25 A", f"Rated current\t{member.current} A", text, flags=re.M)
    text = re.sub(r"^Strip length\t9 mm / 0.35 inch", f"Strip length\t{lo:g} mm / {_inch(lo)} inch", text, flags=re.M)
    text = text.replace("2. Strip length = 9 mm", f"2. Strip length = {lo:g} mm")
    text = re.sub(r"^Width\t20 mm / 0.787 inch",
                  f"Width\t{member.width} mm / {float(member.width) / 25.4:.3f} inch", text, flags=re.M)
    text = re.sub(r"^Weight\t6.5 g", f"Weight\t{member.weight} g", text, flags=re.M)
    return re.sub(r"^GTIN\t4055143766753", f"GTIN\t{member.gtin}", text, flags=re.M)


def questions(member: Member) -> list[dict]:
    """Answer-key records for one member: one lookup per varied attribute."""
    tab = " " if member.fmt == "txt" else "\t"
    lo, hi = _strip_values(member.strip)
    strip_expect = [f"{lo:g}", f"{hi:g} mm"] if lo != hi else [f"{lo:g} mm"]
    strip_cite = (f"Strip length{tab}{lo:g} … {hi:g} mm" if lo != hi else f"Strip length{tab}{lo:g} mm")
    base = {"history": [], "kind": "spec", "products": [member.item]}
    return [
        {**base, "question": f"What is the rated current of the {member.item}?",
         "expect_all": [f"{member.current} A"], "cite": f"Rated current{tab}{member.current} A",
         "attribute": "Rated current"},
        {**base, "question": f"What colour is the {member.item}?", "expect_all": [member.colour],
         "cite": f"Color{tab}{member.colour}", "attribute": "Color"},
        {**base, "question": f"What strip length does the {member.item} need?", "expect_all": strip_expect,
         "cite": strip_cite, "attribute": "Strip length"},
        {**base, "question": f"How wide is the {member.item}?", "expect_all": [f"{member.width} mm"],
         "cite": f"Width{tab}{member.width} mm", "attribute": "Width"},
        {**base, "question": f"How much does the {member.item} weigh?", "expect_all": [f"{member.weight} g"],
         "cite": f"Weight{tab}{member.weight} g", "attribute": "Weight"},
        {**base, "question": f"What is the GTIN of the {member.item}?", "expect_all": [member.gtin],
         "cite": f"GTIN{tab}{member.gtin}", "attribute": "GTIN"},
    ]


def filter_questions(plan: list[Member]) -> list[dict]:
    """Catalogue questions ("which … ?") with their expected product sets, computed from the
    generator's own values: the varied rated current, strip length, width, weight and
    colour of each member, the kind of its format (txt: terminal blocks derived from
    2002-1204; md: plugs derived from 770-1252/076-000) and the base sheets' fixed facts
    (2002-1204 is CSA approved, 770-1252/076-000 is IP20 and prints no CSA approval).

    Expected sets follow the sheets: a strip length range holds every value in it; a
    rating of 32 A is not asked (every terminal block also prints ``Rated current (2) 32
    A``); ``products`` lists every member that satisfies the question."""
    txt = [m for m in plan if m.fmt == "txt"]
    md = [m for m in plan if m.fmt == "md"]

    def strip(m: Member) -> tuple[float, float]:
        return _strip_values(m.strip)

    out: list[tuple[str, list[Member]]] = []
    for current in sorted({m.current for m in plan} - {32}):
        out.append((f"which products are rated {current} A", [m for m in plan if m.current == current]))
    for low in (41, 57):
        out.append((f"which products are rated {low} A or more", [m for m in plan if m.current >= low]))
    out.append(("anything rated 16 A or less", [m for m in plan if m.current <= 16]))
    for length in (8, 11, 13):
        out.append((f"which products need {length} mm strip length",
                    [m for m in plan if strip(m)[0] <= length <= strip(m)[1]]))
    out.append(("which terminal blocks need more than 12 mm stripped",
                [m for m in txt if strip(m)[1] > 12]))
    for width in (5, 7):
        out.append((f"which products are narrower than {width} mm", [m for m in plan if float(m.width) < width]))
    out.append(("which plugs are wider than 20 mm", [m for m in md if float(m.width) > 20]))
    out.append(("which plugs weigh less than 5 g", [m for m in md if float(m.weight) < 5]))
    out.append(("terminal blocks heavier than 10 g", [m for m in txt if float(m.weight) > 10]))
    for colour in ("blue", "orange", "black", "violet"):
        out.append((f"which terminal blocks come in {colour}", [m for m in txt if m.colour == colour]))
        out.append((f"{colour} plugs rated 25 A?", [m for m in md if m.colour == colour and m.current == 25]))
    out.append(("which products are CSA approved", list(txt)))
    out.append(("IP20 plugs rated 20 A or more", [m for m in md if m.current >= 20]))
    out.append(("terminal blocks rated 41 A or more with 10 mm strip length",
                [m for m in txt if m.current >= 41 and strip(m)[0] <= 10 <= strip(m)[1]]))
    return [{"id": f"CF{k + 1:03d}", "question": question, "history": [], "kind": "filter",
             "products": [m.item for m in expected], "expect_all": [], "cite": ""}
            for k, (question, expected) in enumerate(out)]


def make_catalogue(n: int, outdir: Path, seed: int = 0, n_questions: int = 100) -> list[Member]:
    """Write ``outdir/corpus/`` (n datasheets), ``outdir/answers.jsonl`` (``n_questions``
    lookups of random members and attributes) and ``outdir/filters.jsonl`` (catalogue
    questions with their expected sets, :func:`filter_questions`). Returns the members
    written."""
    corpus = outdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    txt_base = (CORPUS / "2002-1204.txt").read_text(encoding="utf-8")
    md_base = (CORPUS / "770-1252_076-000.md").read_text(encoding="utf-8")
    plan = members(n, seed)
    for member in plan:
        (corpus / member.file).write_text(render(member, txt_base, md_base), encoding="utf-8")
    rng = random.Random(seed + 1)
    with (outdir / "answers.jsonl").open("w", encoding="utf-8") as out:
        for k in range(min(n_questions, 6 * n) if n else 0):
            member = plan[rng.randrange(n)]
            record = rng.choice(questions(member))
            out.write(json.dumps({"id": f"C{k + 1:04d}", **record, "expected": record["expect_all"]},
                                 ensure_ascii=False) + "\n")
    with (outdir / "filters.jsonl").open("w", encoding="utf-8") as out:
        for record in filter_questions(plan) if n else []:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of datasheets")
    parser.add_argument("outdir", type=Path, help="output folder (corpus/ and answers.jsonl)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=100, help="answer-key size (default 100)")
    args = parser.parse_args(argv)
    plan = make_catalogue(args.n, args.outdir, args.seed, args.questions)
    print(f"wrote {len(plan)} datasheets to {args.outdir / 'corpus'}, "
          f"{args.outdir / 'answers.jsonl'} and {args.outdir / 'filters.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
