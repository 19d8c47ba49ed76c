"""Filters: which products of the corpus satisfy a question's conditions (``filter`` answers).

"which terminal blocks take 6 mm² fine-stranded with a ferrule?", "anything rated 600 V
under UL and at least 20 A?", "which connectors are IP67?", "what do we have from Phoenix?":
the question is read into conditions (:mod:`.conditions`) and **every product** is checked
against its own sheet. ``products`` are exactly those that satisfy every condition, best
first, each with its deciding rows as facts and citations; products whose sheets do not
state a condition are named apart ("doesn't say"), never as matches; the others fail a
condition their sheet states.

At catalogue scale the rows are read by feature from SQLite
(:meth:`StoredIndex.rows_with_features`), not by loading every spec table; the text of a
sheet is read only for the products still in question, and only its lines that can decide
(:meth:`StoredIndex.lines_matching`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..records import Answer, Approval, Citation, Fact, Line, Product, SpecRow
from ..vocabulary import vocabulary, word_key
from .conditions import (NEEDS_TEXT, Condition, Outcome, Sheet, evaluate_sheet, filter_vocabulary,
                         mark_attributes, needed_features, parse_conditions, read_question)
from .matching import norm_quote

if TYPE_CHECKING:
    from .assistant import Assistant

SHOWN = 25  # products named in the answer text; every match is in ``products``
_CUE = re.compile(r"\b(?:which|what|whats|anything|any|anyone|show|list|products?|ones?|do\s+we\s+(?:have|carry|stock|"
                  r"sell|offer)|have\s+we\s+got|who\s+(?:makes|has|offers)|all\s+(?:the\s+)?\w+s)\b", re.IGNORECASE)
_YES_NO = re.compile(r"^\s*(?:is|are|does|do|can|could|may|will|would|has|have|should|must)\b", re.IGNORECASE)
_THIS_ONE = re.compile(r"\b(?:it|its|it's|this|this\s+one|that\s+one|the\s+one)\b", re.IGNORECASE)
_VALUE_QUESTION = re.compile(r"^\s*(?:what(?:'s|\s+is|\s+are)\s+the|how\s+(?:wide|deep|high|heavy|long|big|much|many)|"
                             r"tell\s+me)\b", re.IGNORECASE)
_ELLIPTICAL = re.compile(r"^\s*(?:and|what\s+about|how\s+about|also|only|just|same|but|now)\b|\bones?\W*$",
                         re.IGNORECASE)


_CHECKISH = re.compile(r"\b(?:ok|okay|fine|allowed|possible|suitable|compatible|enough)\W*$", re.IGNORECASE)
_DEFINITE = re.compile(r"\b(?:the|this|that|these|those|your)\b", re.IGNORECASE)


def is_filter(question: str, history: Sequence[str] = (), hinted: bool = False) -> bool:
    """Whether a question asks which products of the corpus satisfy conditions: it names
    at least one condition (:func:`.conditions.parse_conditions`), asks for no feature's
    value ("what is the strip length of …") and asks for products ("which …", "anything
    …", "… products?", "do we have …"), or names several conditions (or a kind of product
    and a condition) without a yes/no opener; never about one product ("is it …").
    ``hinted``: the question named products by vendor, kind or series words; then it is a
    catalogue question only when it asks for products, names a kind in the plural ("IP67
    connectors from Phoenix") or several conditions without pointing at one product ("push-in
    terminal from Phoenix")."""
    conditions, leftover = conditions_for(question, history, with_leftover=True)
    if not conditions:
        return False
    if all(c.feature in ("kind", "vendor") for c in conditions) and _content_words(leftover):
        # "which way must the movable feet point on the terminal strip?": a kind named, but
        # something else asked
        return False
    if _THIS_ONE.search(question) and not _catalogue_cue(question):
        return False
    if hinted:
        if _asks_value(conditions, leftover) or _YES_NO.match(question) or _CHECKISH.search(question):
            return False
        return _catalogue_cue(question) or _plural_kind(question) or \
            (len(conditions) >= 2 and not _DEFINITE.search(question))
    if _VALUE_QUESTION.search(question) and _asks_value(conditions, leftover):
        return False
    if _CUE.search(question):
        return True
    if _YES_NO.match(question) or _CHECKISH.search(question):
        return False
    return len(conditions) >= 2 or any(c.feature == "kind" for c in conditions)


_CATALOGUE_WORDS = frozenset({"datasheet", "datasheets", "sheets", "catalogue", "catalog", "stock", "carry", "sell",
                              "offer", "got", "made", "make", "makes", "brand", "manufacturer", "vendor", "everything",
                              "anything", "whats", "range", "portfolio", "kinds"})


def _content_words(leftover: str) -> list[str]:
    """Words of the unread question that ask something else than for products."""
    from .retrieval import STOPWORDS

    return [w for w in word_key(leftover).split() if w.isalpha() and len(w) > 1 and w not in STOPWORDS
            and w not in _CATALOGUE_WORDS]


def asks_for_products(question: str) -> bool:
    """Whether a question asks for products of the catalogue ("which products are UL
    approved?", "anything in IP67?") rather than about one named before ("is it …")."""
    return _catalogue_cue(question) and not _THIS_ONE.search(question)


def _catalogue_cue(question: str) -> bool:
    """Words that ask for products: ``which … products / ones / <kind>``, ``anything``,
    ``any <kind>``, ``do we have``, ``… products?``, ``show me``, ``list``."""
    if re.search(r"\b(?:anything|products|ones|do\s+we\s+(?:have|carry|stock|sell|offer)|have\s+we\s+got|"
                 r"show\s+me|list\s+(?:all|the|every))\b", question, re.IGNORECASE):
        return True
    key = word_key(question)
    kinds = {a for c in filter_vocabulary().kind_classes.values() for a in c.ask}
    for match in re.finditer(r"\b(?:which|any|what)\b((?:\s+\S+){1,4})", key):
        following = match.group(1).split()
        for size in (1, 2, 3):
            for start in range(len(following) - size + 1):
                phrase = " ".join(following[start:start + size])
                if phrase in kinds or phrase.rstrip("s") in kinds:
                    return True
    return False


def _plural_kind(question: str) -> bool:
    """Whether the question names a kind of product in the plural (``terminal blocks``)."""
    key = f" {word_key(question)} "
    for kind_class in filter_vocabulary().kind_classes.values():
        for ask in kind_class.ask:
            last = ask.split()[-1] if ask else ""
            if last.endswith("s") and f" {ask} " in key:
                return True
            if ask and f" {ask}s " in key:
                return True
    return False


def _asks_value(conditions: list[Condition], leftover: str) -> bool:
    """A feature named in the question's unread words that no condition holds a value of
    ("pheonix M12 connector rated voltage"): its value is asked, not products."""
    from .matching import detect_features

    covered = {c.feature for c in conditions if c.value is not None or c.term or c.feature in (
        "ip_rating", "coding", "color", "kind", "vendor")}
    named = [h.feature for h in detect_features(leftover)
             if h.feature not in ("approvals",) and h.phrase not in ("a", "v")]
    return any(f not in covered for f in named)


def conditions_for(question: str, history: Sequence[str] = (), vendors: Sequence[str] = (),
                   with_leftover: bool = False):
    """The question's conditions; an elliptical follow-up of a filter question ("black
    ones?", "and from Phoenix?") keeps the earlier question's other conditions. With
    ``with_leftover``, (conditions, the question's unread text)."""
    conditions, leftover = read_question(question, vendors)
    if history and _ELLIPTICAL.search(question):
        earlier = parse_conditions(history[-1], vendors)
        if earlier and conditions:
            asked = {c.feature for c in conditions}
            conditions = [c for c in earlier if c.feature not in asked] + conditions
    return (conditions, leftover) if with_leftover else conditions


@dataclass
class _Product:
    """One product's state while a filter is evaluated."""

    product: Product
    sheet: Sheet
    outcomes: dict[int, Outcome]


def evaluate_catalogue(engine: "Assistant", conditions: list[Condition], question: str = "") -> list[_Product]:
    """Every product of the index with each condition's outcome (see the module docstring:
    rows by feature from SQLite, text lines only for the products still in question)."""
    index = engine.index
    features, records, marks = needed_features(conditions)
    rows = index.rows_with_features(sorted(features), mark_attributes() if marks else ()) if features or marks else {}
    approvals = index.approval_records() if records else {}
    states = []
    for item, product in index.products.items():
        sheet = Sheet(product, rows.get(item, ()), approvals.get(item, ()), lines=None)
        states.append(_Product(product, sheet, {}))
    for i, condition in enumerate(conditions):
        for state in states:
            if any(o.verdict is False for o in state.outcomes.values()):
                continue  # failed already: the rest need not be read
            state.outcomes[i] = evaluate_sheet(condition, state.sheet, question)
    pending = [s for s in states if not any(o.verdict is False for o in s.outcomes.values())
               and any(o.note == NEEDS_TEXT for o in s.outcomes.values())]
    if pending:
        _read_text(engine, conditions, pending)
        for state in pending:
            for i, condition in enumerate(conditions):
                if state.outcomes.get(i) is not None and state.outcomes[i].note == NEEDS_TEXT:
                    state.outcomes[i] = evaluate_sheet(condition, state.sheet, question)
    return states


def _read_text(engine: "Assistant", conditions: list[Condition], pending: list[_Product]) -> None:
    """Give the pending products the lines that can decide their text conditions: the
    first lines of a sheet for its kind, else the lines matching the conditions' words."""
    index = engine.index
    patterns: set[str] = set()
    first_lines = False
    for c in conditions:
        if c.feature == "kind":
            first_lines = True
        patterns |= set(_patterns(c))
    sources = [s.product.source for s in pending]
    found = index.lines_matching(sources, sorted(patterns)) if patterns else {}
    heads = index.lines_at([(source, 1, 80) for source in sources]) if first_lines else {}
    for state in pending:
        lines = {l.number: l for l in heads.get(state.product.source, [])}
        lines.update({l.number: l for l in found.get(state.product.source, [])})
        state.sheet.set_lines([lines[n] for n in sorted(lines)])


def _like(phrase: str) -> str:
    return "%" + "%".join(phrase.split()) + "%"


def _patterns(c: Condition) -> list[str]:
    """SQL LIKE patterns for the lines that can decide a condition."""
    fv = filter_vocabulary()
    if c.term and c.term in fv.terms:
        return [_like(p) for p in fv.terms[c.term].text]
    if c.feature == "approval":
        from .conditions import _forms

        return [_like(word_key(f)) for f in _forms(c.any_of or (c.text,))] + ["%not%approv%", "%not%certif%",
                                                                             "%not%listed%"]
    if c.feature == "coding":
        return ["%cod%"]
    if c.feature == "color":
        return [_like(w) for w in (c.any_of or (c.text,))]
    return []


def answer(engine: "Assistant", question: str, history: Sequence[str] = ()) -> Answer:
    """The ``filter`` answer (see the module docstring); a ``not_found`` when the question
    asks nothing a sheet could decide."""
    from . import refusal

    vendors = sorted({p.vendor for p in engine.index.products.values() if p.vendor})
    conditions = conditions_for(question, history, vendors)
    if not conditions:
        return refusal.not_found(question, (), [], why="no condition a datasheet could decide")
    states = evaluate_catalogue(engine, conditions, question)
    matched = [s for s in states if all(s.outcomes.get(i) and s.outcomes[i].verdict is True
                                        for i in range(len(conditions)))]
    unknown = [s for s in states if s not in matched and not any(o.verdict is False for o in s.outcomes.values())]
    matched = _ranked(matched, conditions)
    return _answer(engine, question, conditions, matched, unknown, len(states))


def _ranked(matched: list[_Product], conditions: list[Condition]) -> list[_Product]:
    """Best first: by the first value condition's deciding number (highest first for "at
    least", lowest first for "at most"), else in corpus order."""
    for i, c in enumerate(conditions):
        if c.value is not None and c.op in (">=", ">", "<=", "<"):
            high = c.op in (">=", ">")
            known = [s for s in matched if s.outcomes[i].value is not None]
            rest = [s for s in matched if s.outcomes[i].value is None]
            known.sort(key=lambda s: -s.outcomes[i].value if high else s.outcomes[i].value)
            return known + rest
    return matched


def _answer(engine: "Assistant", question: str, conditions: list[Condition], matched: list[_Product],
            unknown: list[_Product], total: int) -> Answer:
    wanted = "; ".join(c.describe() for c in conditions)
    evidence = _evidence(engine, conditions, matched)
    facts: list[Fact] = []
    citations: list[Citation] = []
    parts = []
    for state in matched:
        item_facts, item_citations, shown = evidence[state.product.item]
        facts += item_facts
        citations += item_citations
        if len(parts) < SHOWN:
            parts.append(f"{_name(state.product)}" + (f" ({shown})" if shown else ""))
    if matched:
        text = f"Products that satisfy {wanted}: " + "; ".join(parts)
        if len(matched) > SHOWN:
            text += "; and more (every match is listed in the answer's products)"
        text += "."
    else:
        text = f"None of the products satisfies {wanted}."
    if unknown:
        names = []
        for state in unknown[:SHOWN]:
            notes = [o.note for i, o in sorted(state.outcomes.items()) if o.verdict is None and o.note
                     and o.note != NEEDS_TEXT]
            names.append(_name(state.product) + (f" ({notes[0]})" if notes else ""))
        text += " Their sheets don't say, so they are not listed: " + ", ".join(names)
        if len(unknown) > SHOWN:
            text += ", and others"
        text += "."
    headline = f"{len(matched)} of {total} products"
    return Answer(question, "filter", text, tuple(s.product.item for s in matched), headline=headline,
                  facts=tuple(facts), citations=tuple(citations))


def _name(product: Product) -> str:
    return f"{product.vendor} {product.item}".strip()


def _evidence(engine: "Assistant", conditions: list[Condition], matched: list[_Product]):
    """item → (facts, citations, text shown) from each matched product's deciding rows,
    approval records and lines; a product matched by kind or vendor alone cites the line
    of its sheet that names it."""
    index = engine.index
    spans: list[tuple[str, int, int]] = []
    for state in matched:
        for outcome in state.outcomes.values():
            spans += [(r.source, r.line_start, r.line_end) for r in outcome.rows]
            spans += [(a.source, a.line_start, a.line_end) for a in outcome.approvals]
        if not any(o.rows or o.approvals or o.lines for o in state.outcomes.values()):
            spans.append((state.product.source, 1, 40))
    lines = index.lines_at(spans) if spans else {}
    out = {}
    for state in matched:
        item = state.product.item
        facts: list[Fact] = []
        cites: list[Citation] = []
        shown: list[str] = []
        for i, condition in enumerate(conditions):
            outcome = state.outcomes[i]
            for row in outcome.rows:
                facts.append(Fact(item, row.attribute, row.value, row.section, row.source, row.line_start,
                                  row.qualifier))
                cites.append(_cite(item, row.source, row.section, row.line_start, row.line_end, lines))
            if outcome.rows:
                shown.append(_shown_rows(outcome.rows))
            for a in outcome.approvals:
                facts.append(Fact(item, "Approval", f"{a.approval} {a.certificate}".strip(), a.group, a.source,
                                  a.line_start))
                cites.append(_cite(item, a.source, a.group, a.line_start, a.line_end, lines))
                shown.append(f"{a.approval} approval")
            for line in outcome.lines:
                cites.append(_line_citation(item, line))
                shown.append(f"“{norm_quote(line.text)}”")
        if not cites:
            line = _naming_line(state, conditions, lines.get(state.product.source, []))
            if line is not None:
                cites.append(_line_citation(item, line))
        out[item] = (facts, list(dict.fromkeys(cites)), "; ".join(dict.fromkeys(shown)))
    return out


def _shown_rows(rows: Sequence[SpecRow]) -> str:
    if len(rows) == 2 and rows[0].attribute == rows[1].attribute:  # min / max sub-rows
        return f"{rows[0].label} {rows[0].value}, {rows[1].qualifier or rows[1].attribute} {rows[1].value}"
    return "; ".join(dict.fromkeys(f"{r.label} {r.value}" for r in rows))


def _cite(item: str, source: str, section: str, start: int, end: int, lines: dict[str, list[Line]]) -> Citation:
    """The citation of lines ``start``–``end`` (their kept text, pages for a PDF)."""
    kept = [l for l in lines.get(source, []) if start <= l.number <= end and l.text]
    quote = norm_quote(" ".join(l.text for l in kept))
    if kept and kept[0].page:
        first, last = kept[0], kept[-1]
        return Citation(item, source, section, start, end, quote, first.page, first.page_line,
                        last.page_line if last.page == first.page else first.page_line)
    return Citation(item, source, section, start, end, quote)


def _line_citation(item: str, line: Line) -> Citation:
    if line.page:
        return Citation(item, line.source, "", line.number, line.number, norm_quote(line.text), line.page,
                        line.page_line, line.page_line)
    return Citation(item, line.source, "", line.number, line.number, norm_quote(line.text))


def _naming_line(state: _Product, conditions: list[Condition], lines: list[Line]) -> Line | None:
    """The line of a sheet that names what the question asked of it (its vendor or kind),
    else its first line."""
    product = state.product
    wanted: list[str] = []
    for c in conditions:
        if c.feature == "vendor":
            wanted += [word_key(f) for f in (product.vendor, *vocabulary().vendors.get(product.vendor, ()))
                       if "." not in f]
        if c.feature == "kind":
            wanted += [word_key(product.kind)] + [" ".join(p) for n in c.any_of
                                                  for p in filter_vocabulary().kind_classes[n].words]
    texts = [l for l in lines if l.text]
    for line in texts:
        key = f" {word_key(line.text)} "
        if any(w and f" {w} " in key for w in wanted):
            return line
    for line in texts:  # a domain ("www.phoenixcontact.com") names the vendor too
        if any(w and w.replace(" ", "") in line.text.lower().replace(" ", "") for w in wanted):
            return line
    return texts[0] if texts else None
