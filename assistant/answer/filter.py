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
from typing import TYPE_CHECKING

from ..records import Answer, Approval, Citation, Fact, Line, Product, SpecRow
from ..vocabulary import vocabulary, word_key
from .conditions import (NEEDS_TEXT, Condition, Outcome, Sheet, evaluate_sheet, filter_vocabulary, mark_attributes,
                         needed_features, parse_conditions, read_question, row_content)
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


class _Catalogue:
    """The rows of the features filters read, per product, kept for the open index: the
    first question about a feature reads its rows from SQLite (``rows_with_features``), the
    next ones find them in memory, with each product's row contents as a key (a family's
    members state the same: a condition is decided once per distinct content). Quotes of
    cited rows are kept by the row's printed text and lines."""

    def __init__(self, index):
        self.index = index
        self._rows: dict[str, dict[str, tuple[SpecRow, ...]]] = {}
        self._keys: dict[str, dict[str, int]] = {}
        self._contents: dict[tuple, int] = {}  # distinct contents, numbered (cheap keys)
        self._approvals: dict[str, tuple[Approval, ...]] | None = None
        self._approval_keys: dict[str, int] = {}
        self.quotes: dict[tuple, tuple] = {}
        self._entries: dict[tuple, list[tuple[Product, tuple]]] = {}
        self._vendors: list[str] | None = None
        self._text: dict[str, tuple[set[str], dict[str, list[Line]]]] = {}
        self._sheet_rows: dict[tuple, list[SpecRow]] = {}

    def sheet_rows(self, read: tuple[str, ...], item: str) -> list[SpecRow]:
        """An item's rows of the features ``read``, each once, in sheet order."""
        found = self._sheet_rows.get((read, item))
        if found is None:
            rows = {id(r): r for f in read for r in self.rows(f).get(item, ())}  # by feature and mark: once
            found = sorted(rows.values(), key=lambda r: r.line_start)  # ratings: the first one counts
            if len(self._sheet_rows) > 200_000:
                self._sheet_rows.clear()
            self._sheet_rows[(read, item)] = found
        return found

    def rows(self, feature: str) -> dict[str, tuple[SpecRow, ...]]:
        """item → its rows of a feature (``"@marks"``: rows headed by an approval mark)."""
        found = self._rows.get(feature)
        if found is None:
            if feature == "@marks":
                read = self.index.rows_with_features((), mark_attributes())
            else:
                read = self.index.rows_with_features([feature])
            found = self._rows[feature] = {item: tuple(rows) for item, rows in read.items()}
            self._keys[feature] = {item: self._number(tuple(row_content(r) for r in rows))
                                   for item, rows in found.items()}
            _settle()
        return found

    def lines_matching(self, sources: list[str], patterns: list[str]) -> dict[str, list[Line]]:
        """source → its lines matching any of the LIKE patterns: each (pattern, sheet)
        searched once for the open index."""
        out: dict[str, dict[int, Line]] = {}
        for pattern in patterns:
            searched, found = self._text.setdefault(pattern, (set(), {}))
            todo = [s for s in sources if s not in searched]
            if todo:
                for source, lines in self.index.lines_matching(todo, [pattern]).items():
                    found[source] = lines
                searched.update(todo)
            for source in sources:
                for line in found.get(source, ()):
                    out.setdefault(source, {})[line.number] = line
        return {source: [lines[n] for n in sorted(lines)] for source, lines in out.items()}

    def _number(self, content: tuple) -> int:
        return self._contents.setdefault(content, len(self._contents) + 1)

    def keys(self, feature: str) -> dict[str, int]:
        """item → the number of its rows' content for a feature (absent: none)."""
        self.rows(feature)
        return self._keys[feature]

    def approvals(self) -> dict[str, tuple[Approval, ...]]:
        if self._approvals is None:
            self._approvals = {item: tuple(a) for item, a in self.index.approval_records().items()}
            self._approval_keys = {item: self._number(tuple((a.group, a.approval, a.issuer, a.standard) for a in found))
                                   for item, found in self._approvals.items()}
            _settle()
        return self._approvals

    def entries(self, read: tuple[str, ...], records: bool) -> list[tuple[Product, tuple]]:
        """(product, key) for every product, in corpus order: the key numbers its rows'
        contents for the features ``read`` (and its approvals with ``records``), with its
        kind and vendor — what a rows-only outcome depends on."""
        found = self._entries.get((read, records))
        if found is None:
            keys = [self.keys(f) for f in read] + ([self.approval_keys()] if records else [])
            found = [(product, (*[k.get(item, 0) for k in keys], product.kind, product.vendor))
                     for item, product in self.index.products.items()]
            if len(self._entries) > 32:
                self._entries.clear()
            self._entries[(read, records)] = found
            _settle()
        return found

    def vendors(self) -> list[str]:
        """The vendors the corpus's products name."""
        if self._vendors is None:
            self._vendors = sorted({p.vendor for p in self.index.products.values() if p.vendor})
        return self._vendors

    def approval_keys(self) -> dict[str, int]:
        """item → the number of its approval records' content (absent: none)."""
        self.approvals()
        return self._approval_keys


_CATALOGUES: dict[int, _Catalogue] = {}


def _settle() -> None:
    """The rows just kept live as long as the open index: moved out of the garbage
    collector's way (``gc.freeze``), else each full collection walks the hundreds of
    thousands of them (a 0.1–0.3 s pause in a question at 10,000 datasheets)."""
    import gc

    gc.freeze()


def _catalogue(index) -> _Catalogue:
    """The catalogue cache of an open index (a new generation opens a new index)."""
    found = _CATALOGUES.get(id(index))
    if found is None or found.index is not index:
        if len(_CATALOGUES) >= 4:
            _CATALOGUES.clear()
        found = _CATALOGUES[id(index)] = _Catalogue(index)
    return found


class _Product:
    """One product's state while a filter is evaluated: its outcome templates (an outcome
    with its deciding rows as positions in the product's rows) per condition, and its sheet
    (built for the few products that need one: a distinct content, a match, text to read)."""

    __slots__ = ("product", "key", "templates", "sheet", "_outcomes")

    def __init__(self, product: Product, key: tuple):
        self.product, self.key, self.templates, self.sheet, self._outcomes = product, key, {}, None, None

    @property
    def outcomes(self) -> dict[int, Outcome]:
        """The outcomes, with this product's own deciding rows."""
        if self._outcomes is None:
            self._outcomes = {i: _from_template(t, self.sheet) for i, t in self.templates.items()}
        return self._outcomes


def _template(outcome: Outcome, sheet: Sheet) -> tuple:
    """An outcome with its deciding rows, approvals and lines as positions in the sheet."""
    rows = {id(r): k for k, r in enumerate(sheet.rows)}
    approvals = {id(a): k for k, a in enumerate(sheet.approvals)}
    lines = {id(l): k for k, l in enumerate(sheet.lines)} if outcome.lines else {}
    return (outcome, tuple(rows[id(r)] for r in outcome.rows), tuple(approvals[id(a)] for a in outcome.approvals),
            tuple(lines[id(l)] for l in outcome.lines))


def _from_template(template: tuple, sheet: Sheet) -> Outcome:
    outcome, rows, approvals, lines = template
    if not rows and not approvals and not lines:
        return outcome
    return Outcome(outcome.verdict, tuple(sheet.rows[k] for k in rows), tuple(sheet.approvals[k] for k in approvals),
                   tuple(sheet.lines[k] for k in lines), outcome.value, outcome.converted, outcome.note)


def evaluate_catalogue(engine: "Assistant", conditions: list[Condition],
                       question: str = "") -> tuple[list[_Product], list[_Product], int]:
    """(matched, doesn't say, products checked): every product of the index held against
    every condition (see the module docstring: rows by feature, kept for the open index; a
    product out at its first failed condition; text lines only for the products still in
    question). Matches carry their sheets (their own deciding rows)."""
    catalogue = _catalogue(engine.index)
    features, records, marks = needed_features(conditions)
    read = tuple(sorted(features)) + (("@marks",) if marks else ())
    approvals = catalogue.approvals() if records else {}
    alive = [_Product(product, key) for product, key in catalogue.entries(read, records)]
    total = len(alive)

    def sheet_of(state: _Product) -> Sheet:
        if state.sheet is None:
            item = state.product.item
            state.sheet = Sheet(state.product, catalogue.sheet_rows(read, item), approvals.get(item, ()), lines=None)
        return state.sheet

    memo: dict[tuple, tuple] = {}  # a family's members state the same: decide each content once
    for i, condition in enumerate(conditions):
        kept = []
        for state in alive:
            template = memo.get((i, state.key))
            if template is None:
                sheet = sheet_of(state)
                template = memo[(i, state.key)] = _template(evaluate_sheet(condition, sheet, question), sheet)
            state.templates[i] = template
            if template[0].verdict is not False:
                kept.append(state)  # failed: the rest need not be read
        alive = kept
    pending = [s for s in alive if any(t[0].note == NEEDS_TEXT for t in s.templates.values())]
    if pending:
        for state in pending:
            sheet_of(state)
        _read_text(engine, conditions, pending)
        for state in pending:
            text = tuple(l.text for l in state.sheet.lines)  # outcomes depend on the lines read too
            for i, condition in enumerate(conditions):
                if state.templates[i][0].note == NEEDS_TEXT:
                    key = (i, state.key, text)
                    template = memo.get(key)
                    if template is None:
                        template = memo[key] = _template(evaluate_sheet(condition, state.sheet, question),
                                                         state.sheet)
                    state.templates[i] = template
        alive = [s for s in alive if all(t[0].verdict is not False for t in s.templates.values())]
    matched, unknown = [], []
    for state in alive:
        if all(t[0].verdict is True for t in state.templates.values()):
            sheet_of(state)  # a match cites its own rows
            matched.append(state)
        else:
            unknown.append(state)
    return matched, unknown, total


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
    found = _catalogue(index).lines_matching(sources, sorted(patterns)) if patterns else {}
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
    if c.feature in ("coding", "tripping_characteristic"):
        return ["%cod%", "%curve%", "%characteristic%"]
    if c.feature == "color":
        return [_like(w) for w in (c.any_of or (c.text,))]
    return []


def answer(engine: "Assistant", question: str, history: Sequence[str] = ()) -> Answer:
    """The ``filter`` answer (see the module docstring); a ``not_found`` when the question
    asks nothing a sheet could decide."""
    from . import refusal

    conditions = conditions_for(question, history, _catalogue(engine.index).vendors())
    if not conditions:
        return refusal.not_found(question, (), [], why="no condition a datasheet could decide")
    matched, unknown, total = evaluate_catalogue(engine, conditions, question)
    return _answer(engine, question, conditions, _ranked(matched, conditions), unknown, total)


def _ranked(matched: list[_Product], conditions: list[Condition]) -> list[_Product]:
    """Best first: by the first value condition's deciding number (highest first for "at
    least", lowest first for "at most"), else in corpus order."""
    for i, c in enumerate(conditions):
        if c.value is not None and c.op in (">=", ">", "<=", "<"):
            high = c.op in (">=", ">")
            known = [s for s in matched if s.templates[i][0].value is not None]
            rest = [s for s in matched if s.templates[i][0].value is None]
            known.sort(key=lambda s: -s.templates[i][0].value if high else s.templates[i][0].value)
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
            notes = [t[0].note for i, t in sorted(state.templates.items()) if t[0].verdict is None and t[0].note
                     and t[0].note != NEEDS_TEXT]
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
    of its sheet that names it. The quoted lines are read in one query, once per distinct
    printed row (a family's members print the same rows at the same lines)."""
    catalogue = _catalogue(engine.index)
    quotes = catalogue.quotes
    wanted: dict[tuple, tuple[str, int, int]] = {}
    for state in matched:
        for outcome in state.outcomes.values():
            for r in outcome.rows:
                key = ("row", r.raw, r.section, r.line_start, r.line_end)
                if key not in quotes and (key + (r.source,)) not in quotes:
                    wanted.setdefault(key, (r.source, r.line_start, r.line_end))
            for a in outcome.approvals:
                key = ("approval", a.approval, a.issuer, a.standard, a.certificate, a.note, a.line_start, a.line_end)
                if key not in quotes and (key + (a.source,)) not in quotes:
                    wanted.setdefault(key, (a.source, a.line_start, a.line_end))
    lines = engine.index.lines_at(list(wanted.values())) if wanted else {}
    for key, (source, start, end) in wanted.items():
        kept = [l for l in lines.get(source, []) if start <= l.number <= end and l.text]
        quote = (norm_quote(" ".join(l.text for l in kept)), kept[0].page if kept else 0,
                 kept[0].page_line if kept else 0,
                 (kept[-1].page_line if kept[-1].page == kept[0].page else kept[0].page_line) if kept else 0)
        # a PDF's page and line on the page are the sheet's own: kept per source
        quotes[key + ((source,) if quote[1] else ())] = quote
    naming = _naming_lines(engine, conditions, [s for s in matched
                                                 if not any(o.rows or o.approvals or o.lines
                                                            for o in s.outcomes.values())])
    out = {}
    for n, state in enumerate(matched):
        item = state.product.item
        facts: list[Fact] = []
        cites: list[Citation] = []
        shown: list[str] = []
        named = n < SHOWN  # the answer text names the first products only
        for i, condition in enumerate(conditions):
            outcome = state.outcomes[i]
            for row in outcome.rows:
                facts.append(Fact(item, row.attribute, row.value, row.section, row.source, row.line_start,
                                  row.qualifier))
                key = ("row", row.raw, row.section, row.line_start, row.line_end)
                cites.append(_cite(item, row.source, row.section, row.line_start, row.line_end,
                                   quotes.get(key) or quotes[key + (row.source,)]))
            if outcome.rows and named:
                shown.append(_shown_rows(outcome.rows))
            for a in outcome.approvals:
                facts.append(Fact(item, "Approval", f"{a.approval} {a.certificate}".strip(), a.group, a.source,
                                  a.line_start))
                key = ("approval", a.approval, a.issuer, a.standard, a.certificate, a.note, a.line_start, a.line_end)
                cites.append(_cite(item, a.source, a.group, a.line_start, a.line_end,
                                   quotes.get(key) or quotes[key + (a.source,)]))
                if named:
                    shown.append(f"{a.approval} approval")
            for line in outcome.lines:
                cites.append(_line_citation(item, line))
                shown.append(f"“{norm_quote(line.text)}”")
        if not cites and item in naming:
            cites.append(_line_citation(item, naming[item]))
        cites = list({(c.source, c.line_start, c.line_end): c for c in reversed(cites)}.values())[::-1]
        out[item] = (facts, cites, "; ".join(dict.fromkeys(shown)))
    return out


def _naming_lines(engine: "Assistant", conditions: list[Condition], states: list[_Product]) -> dict[str, Line]:
    """item → the line of its sheet that names what the question asked of it (its vendor
    or kind), else its first line: for products matched by kind or vendor alone."""
    if not states:
        return {}
    words: set[str] = set()
    for state in states:
        words |= set(_naming_words(state.product, conditions))
    found = engine.index.lines_matching([s.product.source for s in states],
                                        sorted(_like(w) for w in words if w)) if words else {}
    missing = [s for s in states if not found.get(s.product.source)]
    heads = engine.index.lines_at([(s.product.source, 1, 12) for s in missing]) if missing else {}
    out = {}
    for state in states:
        lines = found.get(state.product.source) or heads.get(state.product.source, [])
        line = _naming_line(state.product, conditions, lines)
        if line is not None:
            out[state.product.item] = line
    return out


def _shown_rows(rows: Sequence[SpecRow]) -> str:
    if len(rows) == 2 and rows[0].attribute == rows[1].attribute:  # min / max sub-rows
        return f"{rows[0].label} {rows[0].value}, {rows[1].qualifier or rows[1].attribute} {rows[1].value}"
    return "; ".join(dict.fromkeys(f"{r.label} {r.value}" for r in rows))


def _cite(item: str, source: str, section: str, start: int, end: int, quote: tuple) -> Citation:
    """The citation of lines ``start``–``end``: ``quote`` is (their kept text, page, first
    and last line on the page; 0 for a text file)."""
    text, page, first, last = quote
    if page:
        return Citation(item, source, section, start, end, text, page, first, last)
    return Citation(item, source, section, start, end, text)


def _line_citation(item: str, line: Line) -> Citation:
    if line.page:
        return Citation(item, line.source, "", line.number, line.number, norm_quote(line.text), line.page,
                        line.page_line, line.page_line)
    return Citation(item, line.source, "", line.number, line.number, norm_quote(line.text))


def _naming_words(product: Product, conditions: list[Condition]) -> list[str]:
    """Word keys that name a product as the question asked for it: its vendor's names, its
    kind and the asked kind class's words."""
    wanted: list[str] = []
    for c in conditions:
        if c.feature == "vendor":
            wanted += [word_key(f) for f in (product.vendor, *vocabulary().vendors.get(product.vendor, ()))
                       if "." not in f]
        if c.feature == "kind":
            wanted += [word_key(product.kind)] + [" ".join(p) for n in c.any_of
                                                  for p in filter_vocabulary().kind_classes[n].words]
    return [w for w in wanted if w]


def _naming_line(product: Product, conditions: list[Condition], lines: list[Line]) -> Line | None:
    """The line that names what the question asked of a product (its vendor or kind),
    else its first line."""
    wanted = _naming_words(product, conditions)
    texts = [l for l in lines if l.text]
    for line in texts:
        key = f" {word_key(line.text)} "
        if any(f" {w} " in key for w in wanted):
            return line
    for line in texts:  # a domain ("www.phoenixcontact.com") names the vendor too
        if any(w.replace(" ", "") in line.text.lower().replace(" ", "") for w in wanted):
            return line
    return texts[0] if texts else None
