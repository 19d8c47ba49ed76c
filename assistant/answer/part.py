"""Parts printed in another product's datasheet: a kit's parts, a mating connector, an
accessory ("weight of the PM252PECC", "what does the 099.02.0.024.98 module do?").

Such a part number is no product of the corpus, but one datasheet prints it, on a line
that says what it is: ``Kit contents: Chassis Connector PM252PECC + Cable Plug PM252PECP``,
``HP-09S1N8A2S00  Cable connector, female, straight, 6.0 ... 10.0mm cable``. The question
is answered from that datasheet with the part number read as the words the line gives it
("the Chassis Connector"), and the answer is kept only when every row or passage it cites
names the part (its number or those words): a value of the whole product is never passed
off as the part's. Otherwise the printed line answers when it holds what is asked (what
the part is, or a value of the asked feature's dimension), else the datasheets don't say,
with the printed line shown as related.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from ..ingest.values import parse_all
from ..records import Answer, Citation
from ..vocabulary import code_key, vocabulary, word_key
from . import refusal
from .matching import detect_features

if TYPE_CHECKING:
    from .assistant import Assistant



@dataclass(frozen=True)
class Printed:
    """Where a product's datasheet prints a part number: the product's item, the line
    (file line number) and its text, and the words that say what the part is there
    (``Chassis Connector``; ``""`` when the line says nothing more). ``accessory``: the
    sheet lists it among its accessories, where several items share such words
    (``Operating tool``), so only a text printing the number is about it."""

    item: str
    source: str
    line: int
    text: str
    words: str
    accessory: bool = False
    line_end: int = 0


def _spans(text: str, code: str) -> list[tuple[int, int]]:
    """Where a part number stands in a line, with any separators between its letters and
    digits (``PT 2,5`` as ``PT2.5``), never inside a longer code."""
    chars = [re.escape(c) for c in code if c.isalnum()]
    if not chars:
        return []
    pattern = r"(?<![A-Za-z0-9])" + r"[\s\W_]?".join(chars) + r"(?![A-Za-z0-9])"
    return [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    """Words that label a part number rather than say what it is: the vocabulary's
    identity labels ("Item no.", "Order code") and what lists parts ("Kit contents")."""
    words = {w for label in vocabulary().identity_labels for w in label.split()}
    return frozenset(words | {w for p in vocabulary().part_list_words for w in word_key(p).split()})


def _describing_words(text: str, start: int, end: int) -> str:
    """The words a line gives a part number: those before it back to a label, ``:``, ``+``
    or a tab (``Kit contents: Chassis Connector PM252PECC`` → ``Chassis Connector``), else
    those after it up to a comma (``HP-09S1N8A2S00  Cable connector, female`` → ``Cable
    connector``)."""
    labels = _label_words()
    before = re.split(r"[:+\t|;]|\s{2,}", text[:start])[-1]
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", before) if w.lower().strip(".") not in labels]
    if words:
        return " ".join(words[-3:])
    after = re.split(r"[,;(]|\s{2,}|\t", text[end:].strip(" :-–\t"))[0]
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", after) if w.lower() not in labels]
    return " ".join(words[:6])


def find(engine: "Assistant", codes: tuple[str, ...]) -> Printed | None:
    """Where the one datasheet printing every part number of ``codes`` prints the first,
    None when no datasheet or more than one prints them (or a number is shorter than
    five letters and digits: too easily a value)."""
    if not codes or any(len(code_key(c)) < 5 for c in codes):
        return None
    # one query finds the few sheets whose lines may print the first code (its letter and
    # digit runs in order), so a catalogue's other sheets are never read
    by_source = {p.source: item for item, p in engine.index.products.items()}
    pattern = "%" + "%".join(re.findall(r"[A-Za-z0-9]+", codes[0])) + "%"
    found: list[Printed] = []
    for source in engine.index.lines_matching(list(by_source), [pattern]):
        item = by_source[source]
        table = engine.tables[item]
        spots = [printed_at(engine, item, code) for code in codes]
        if None in spots:
            continue
        line, (start, end) = spots[0]
        acc = _accessory(table, codes[0])
        words = re.split(r"[;,]", acc.description)[0].strip() if acc else _describing_words(line.text, start, end)
        text = f"{acc.item_number} {acc.description}" if acc else line.text
        first, last = (acc.line_start, acc.line_end) if acc else (line.number, line.number)
        found.append(Printed(item, source, first, text, words, acc is not None, last))
    return found[0] if len(found) == 1 else None


def printed_at(engine: "Assistant", item: str, code: str):
    """(line, (start, end)) where a product's datasheet first prints a code as a code of
    its own (any separators; never inside a longer code), None when it does not."""
    lines = [l for l in engine.index.lines(engine.tables[item].product.source, 1, 10**9) if l.text]
    if code_key(code) not in code_key(" ".join(l.text for l in lines)):
        return None  # a cheap test before the token search
    return next(((l, span) for l in lines for span in _spans(l.text, code)), None)


def _accessory(table, code: str):
    return next((acc for acc in table.accessories if code_key(acc.item_number) == code_key(code)), None)


def answer(engine: "Assistant", question: str, code: str, printed: Printed,
           route: Callable[[str, list[str]], Answer]) -> Answer:
    """An answer about part ``code`` from the datasheet that prints it (see the module
    docstring); ``route`` answers a question about the given products as the assistant
    does."""
    table = engine.tables[printed.item]
    line_citation = _line_citation(engine, printed)
    if printed.words:
        spans = _spans(question, code)
        read = question
        for start, end in sorted(spans, reverse=True):
            read = read[:start] + f" {printed.words} " + read[end:]
        answered = route(read, [printed.item])
        cited_lines = {(c.line_start, c.line_end) for c in answered.citations[:3]}
        only_the_line = cited_lines <= {(line_citation.line_start, line_citation.line_end)}
        if answered.kind in ("spec", "check", "passage") and answered.citations and not only_the_line \
                and all(_names_part(c.quote, code, printed, table.product) for c in answered.citations[:3]):
            lead = f"{code} is the {printed.words} listed in the datasheet of {printed.item}. "
            return Answer(question, answered.kind, lead + answered.answer, answered.products,
                          verdict=answered.verdict, headline=answered.headline, facts=answered.facts,
                          citations=tuple(dict.fromkeys(answered.citations[:3] + (line_citation,))))
    if _line_answers(question, printed):
        text = f"{code} is listed in the datasheet of {printed.item}: “{line_citation.quote}”"
        return Answer(question, "passage", text, (printed.item,), citations=(line_citation,))
    return refusal.not_found(question, (code,), [line_citation],
                             why=f"it is listed in the datasheet of {printed.item}, which gives no more on it")


def _names_part(quote: str, code: str, printed: Printed, product) -> bool:
    """Whether a cited text is about the part: it prints the number, or (not for an
    accessory) the words the datasheet gives the part in full and in order when they
    differ from the product's own name (``Chassis Connector``)."""
    if code_key(code) in code_key(quote):
        return True
    if printed.accessory:
        return False
    said = word_key(printed.words)
    own = word_key(f"{product.title} {product.kind}")
    if not said or said in own:
        return False
    return f" {said} " in f" {word_key(quote)} "


def _line_answers(question: str, printed: Printed) -> bool:
    """Whether the printed line answers: the question asks what the part is (no feature
    named), or names a feature whose dimension a value on the line has."""
    features = detect_features(question)
    if not features:
        return bool(re.search(r"\b(?:what|which)\b.*\b(?:is|are|does|do)\b|\bwhat\s+for\b|\bdescri", question,
                              re.IGNORECASE))
    vocab = vocabulary()
    named = [vocab.features[h.feature] for h in features if h.feature in vocab.features]
    dimensions = {f.dimension for f in named}
    if any(vocab.dimension(q.unit) in dimensions for q in parse_all(printed.text) if q.unit):
        return True
    line = f" {word_key(printed.text)} "  # "Socket; 2-pole; …" names the number of poles
    return any(f" {w.rstrip('s')} " in line or f" {w} " in line for f in named for w in f.words + f.labels)


def _line_citation(engine: "Assistant", printed: Printed) -> Citation:
    return line_citation(engine, printed.item, printed.line, max(printed.line, printed.line_end))


def line_citation(engine: "Assistant", item: str, start: int, end: int | None = None,
                  quote: str | None = None) -> Citation:
    """The citation of lines ``start``–``end`` (file line numbers; one line when ``end`` is
    None) of a product's datasheet, under the section of the chunk holding them; the quote
    is the lines' text, or ``quote`` (a sentence of them)."""
    source = engine.tables[item].product.source
    chunks = (engine.index.chunks[int(i)] for i in engine.retriever.candidates([item]))
    section = next((c.section for c in chunks if c.source == source and c.line_start <= start <= c.line_end), "")
    return engine.citation(item, source, section, start, start if end is None else end, quote)
