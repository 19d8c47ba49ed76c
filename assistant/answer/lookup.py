"""Lookups: a value read from the spec table (``spec``), or, when the text covers the
question better, a passage; an overview of a product when the question names no attribute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dataclasses import replace

from ..records import Answer
from ..vocabulary import vocabulary, word_key
from . import fit, passage, refusal
from ..ingest.values import canonical_unit, parse_all
from .matching import Candidate, best_rows, enough, fact, is_note, shown
from .retrieval import coverage, expand

if TYPE_CHECKING:
    from .assistant import Assistant
    from .intent import Intent

# A passage answers instead of the feature's rows when it covers this share of the
# question's key terms and this much more than the rows (calibrated on the tune set).
PASSAGE_OVER_ROWS, MARGIN = 0.75, 0.34


def answer(engine: "Assistant", question: str, items: list[str], intent: "Intent") -> Answer:
    """A lookup: the rows of the feature the question names (feature first: a product
    whose sheet has no row of that feature does not answer from another row), else the
    spec rows or passage that cover the question's key terms best, else a refusal with the
    closest passages as related. ``intent`` gives the features, terms and kind."""
    qterms = intent.qterms
    question_read = intent.question or question
    if intent.kind == "meaning":
        return meaning(engine, question, items, intent)
    if intent.kind == "procedure":
        return procedure(engine, question, items, intent)
    if intent.features and _about_something_else(engine, items, intent):
        # "the part number of the marker carrier": the order number of an accessory named
        # in the question, not the product's own
        intent = replace(intent, features=[])
    if intent.features:
        chosen: dict[str, list[Candidate]] = {}
        best_cov = 0.0
        for item in items:
            rows = feature_rows(engine, item, intent)
            if rows and not _answers_beyond_marks(rows, intent):
                rows = []  # "UL file number": the approvals list names no file number
            row_cov = max((coverage(qterms, set(c.all_terms)) for c in rows), default=0.0)
            # a row the question describes better than its feature word does ("which
            # distributor with 3 locking levers", "what temp can the insulating parts take")
            cov, other = best_rows(engine.candidates.get(item, []), qterms, question_read)
            if rows and other and other[0] not in rows and cov >= 0.75 and cov >= row_cov + 0.34 \
                    and enough(cov, qterms):
                rows, row_cov = other, cov
            if rows:
                # accessories the question names as well as the row ("which locking levers
                # can I get?": the Locking lever row and the locking lever items)
                rows = rows + [c for c in engine.candidates.get(item, []) if c.kind == "accessory"
                               and c not in rows and coverage(qterms, set(c.label_terms)) >= 1.0 - 1e-9]
                chosen[item] = rows
                best_cov = max(best_cov, row_cov)
        if chosen and best_cov >= 1.0 - 1e-9:
            return spec_answer(question, chosen, items)
        paras = passage.ranked_passages(engine, question_read, items, qterms)
        if chosen:
            # a passage that covers clearly more of the question than the rows beats them
            # ("is there a limit on total current through a step-down jumper" → the note
            # on the jumper's total current, not the rated current with jumper)
            close = passage.procedure_passages(engine, question_read, items, qterms)
            if close and close[0][1] >= PASSAGE_OVER_ROWS and close[0][1] >= best_cov + MARGIN \
                    and _states_value(close[0][0].quote, intent):
                return passage.answer(question, close, by_score=True)
            if paras and paras[0][1] >= 1.0 - 1e-9 and best_cov < 0.5:
                return passage.answer(question, paras)
            return spec_answer(question, chosen, items)
        # no row of the feature: a row whose value names one of the feature's values
        # ("what colour?" → "Order code 95.05SPA (blue, …)"), a row or passage the question
        # describes in full ("extended ground conductor length"), a passage that states
        # the feature in so many words
        by_value = {item: rows for item in items if (rows := _rows_naming_values(engine, item, intent))}
        if by_value:
            return spec_answer(question, by_value, items)
        full = {item: rows for item, (cov, rows) in
                ((i, best_rows(engine.candidates.get(i, []), qterms, question_read)) for i in items)
                if cov >= 1.0 - 1e-9 and rows and len(qterms) >= 2}
        if full:
            return spec_answer(question, full, items)
        named = [p for p in paras if _names_feature(p[0].quote, intent)]
        if named and enough(named[0][1], qterms):
            return passage.answer(question, named)
        covering = [p for p in paras if p[1] >= 1.0 - 1e-9 and len(qterms) >= 2]
        if covering:
            return passage.answer(question, covering)
        return refusal.not_found(question, tuple(items), refusal.related(engine, items, qterms, [p[0] for p in paras]))
    spec = {item: best_rows(without_negated(engine.candidates.get(item, []), question_read), qterms, question_read)
            for item in items}
    spec_cov = max((cov for cov, _ in spec.values()), default=0.0)

    def answered() -> dict[str, list[Candidate]]:
        return {item: rows for item, (cov, rows) in spec.items() if enough(cov, qterms) and rows}

    if spec_cov >= 1.0 - 1e-9:
        # the spec table covers every key term: no passage can cover more, so the
        # answer is the same without retrieval (and needs no embedding model)
        return spec_answer(question, answered(), items)
    paras = passage.ranked_passages(engine, question_read, items, qterms)
    passage_cov = paras[0][1] if paras else 0.0
    if enough(spec_cov, qterms) and spec_cov >= passage_cov - 1e-9:
        return spec_answer(question, answered(), items)
    if enough(passage_cov, qterms):
        return passage.answer(question, paras)
    if enough(spec_cov, qterms):
        return spec_answer(question, answered(), items)
    # recall first: a passage close in meaning that shares a key term answers
    close = passage.procedure_passages(engine, question_read, items, qterms)
    if close:
        return passage.answer(question, close, by_score=True)
    return refusal.not_found(question, tuple(items), refusal.related(engine, items, qterms, [p[0] for p in paras]))


def procedure(engine: "Assistant", question: str, items: list[str], intent: "Intent") -> Answer:
    """How / where / why / when: the passage that answers, recall first (see
    :func:`.passage.procedure_passages`); a spec row only when it covers the question
    fully; else a refusal with the closest passages as related. "What is it for?" is
    answered by the product's description."""
    question_read = intent.question or question
    if _PURPOSE.search(question_read):
        described = _description(engine, items)
        if described:
            return passage.answer(question, described)
    paras = passage.procedure_passages(engine, question_read, items, intent.qterms)
    if paras:
        return passage.answer(question, paras, by_score=True)
    spec = {item: best_rows(without_negated(engine.candidates.get(item, []), question_read), intent.qterms,
                            question_read) for item in items}
    full = {item: rows for item, (cov, rows) in spec.items() if cov >= 1.0 - 1e-9 and rows}
    if full and intent.qterms:
        return spec_answer(question, full, items)
    related = passage.ranked_passages(engine, question_read, items, intent.qterms)
    return refusal.not_found(question, tuple(items),
                             refusal.related(engine, items, intent.qterms, [p[0] for p in related]))


_PURPOSE = re.compile(r"\b(?:intended|used|designed|made|meant|good)\s+for\b|\bwhat\s+is\s+(?:it|the\s+\S+)\s+for\b|"
                      r"\bpurpose\b|\bapplications?\b|\bwhat\s+does\s+(?:it|the\s+\S+)\s+do\b", re.IGNORECASE)


def _description(engine: "Assistant", items: list[str]) -> list:
    """The passages that describe each product: the paragraph holding its title
    (description) line, near the top of the sheet."""
    out = []
    for item in items:
        product = engine.tables[item].product
        title = normalise_for_search(product.title)
        if not title or product.title == product.item:
            continue
        for line in engine.index.lines(product.source, 1, 80):
            if line.text and normalise_for_search(line.text)[:40] == title[:40]:
                citation = engine.citation(item, product.source, "", line.number, line.number)
                end = line.number
                for later in engine.index.lines(product.source, line.number + 1, line.number + 6):
                    if not later.text:
                        break
                    end = later.number
                out.append((engine.citation(item, product.source, "", line.number, end), 1.0, 1.0))
                break
    return out


def meaning(engine: "Assistant", question: str, items: list[str], intent: "Intent") -> Answer:
    """What a symbol or abbreviation printed on the sheet means: the rows (legend and note
    rows first) and passages that contain it."""
    symbol = normalise_for_search(intent.symbol)
    chosen: dict[str, list[Candidate]] = {}
    if len(symbol) >= 1:
        for item in items:
            rows = [c for c in engine.candidates.get(item, [])
                    if symbol in normalise_for_search(f"{c.label} {c.value}")]
            rows.sort(key=lambda c: (not is_note(c.attribute) and not vocabulary().is_note(c.attribute),
                                     c.order))
            if rows:
                chosen[item] = rows[:2]
    if chosen:
        return spec_answer(question, chosen, items)
    if symbol:  # explained in the text: "AK950/..-7.5-V … (.. = number of poles)"
        for item in items:
            source = engine.tables[item].product.source
            for line in engine.index.lines(source, 1, 10**9):
                text = normalise_for_search(line.text)
                if symbol in text and re.search(rf"{re.escape(symbol)}[=:]|[=:]{re.escape(symbol)}|means", text):
                    citation = engine.citation(item, source, "", line.number, line.number)
                    return passage.answer(question, [(citation, 1.0, 1.0)])
    return answer(engine, question, items, replace(intent, kind="lookup"))


def normalise_for_search(text: str) -> str:
    """Text compared for a symbol: lower case, no spaces (``III / 3`` finds ``(III/3)``)."""
    return re.sub(r"\s+", "", text.lower())


_REFERS = re.compile(r"\b(?:given|shown|listed|specified|stated)\s+in\s+(?:the\s+)?(?:table|fig)|"
                     r"\bsee\s+(?:the\s+)?(?:table|fig|page|section|chapter)", re.IGNORECASE)


def _states_value(text: str, intent: "Intent") -> bool:
    """Whether a passage can answer for a feature's rows: one that refers to a table for
    a feature with a unit ("tighten the screw to the torque given in Table 5") must state
    a value of that dimension itself."""
    if not _REFERS.search(text):
        return True
    vocab = vocabulary()
    dimensions = {vocab.features[h.feature].dimension for h in intent.features if h.feature in vocab.features}
    if not dimensions or dimensions & {"text", "boolean", "any", "count"}:
        return True
    found = {vocab.dimension(q.unit) for q in parse_all(text) if q.unit}
    return bool(found & dimensions) or ("area" in dimensions and bool(found & {"awg", "kcmil"}))


_RATING_WORDS = {"rate", "rating", "ratings", "approval", "approvals", "approved", "value", "data", "mark",
                 "marks", "list", "listed", "certified", "certification", "certificate", "certificates",
                 "issue", "issued", "issuer", "holds", "holder", "lab", "laboratory", "body", "who"}


def _answers_beyond_marks(rows: list[Candidate], intent: "Intent") -> bool:
    """Whether rows found for the approvals a question names answer what else it asks:
    "UL file number" or "UL use group B rating" ask more than the approval list gives
    (a row must hold one of those other terms); a question naming only the approval, or
    another feature too, is answered."""
    from .retrieval import stem

    if any(h.feature != "approvals" for h in intent.features):
        return True
    vocab = vocabulary()
    marks = {stem(w) for m in vocab.approval_marks for w in word_key(m).split()}
    marks |= {stem(w) for g in vocab.approval_groups for w in g.split()}
    plain = {stem(w) for w in _RATING_WORDS}
    other = [t for t in intent.qterms if t not in marks and t not in plain]
    if not other:
        return True
    said = set().union(*(c.all_terms for c in rows))
    return any(expand(t) & said for t in other)


_OF_SOMETHING = ("order_number", "type_designation", "gtin")


def _about_something_else(engine: "Assistant", items: list[str], intent: "Intent") -> bool:
    """Whether an identifier feature the question names belongs to something else it
    names: the question has key terms besides the feature's words and the product's."""
    if not intent.features or intent.features[0].feature not in _OF_SOMETHING:
        return False
    from .retrieval import stem, words

    feature_words = {stem(w) for h in intent.features for w in h.phrase.split()}
    feature_words |= {stem(w) for f in _OF_SOMETHING for p in vocabulary().question_words[f] for w in p.split()}
    own = set()
    for item in items:  # the product's own words ("the amphenol kit" is the product)
        p = engine.resolver.by_item.get(item)
        if p is not None:
            own |= {stem(w) for w in words(f"{p.title} {p.kind} {p.family}")}
    other = [t for t in intent.qterms if t not in feature_words and t not in own]
    return len(other) >= 1


def _rows_naming_values(engine: "Assistant", item: str, intent: "Intent") -> list[Candidate]:
    """Rows of a product whose value names one of the vocabulary's values of the text
    feature the question asks about (a colour inside an order code's description)."""
    vocab = vocabulary()
    values = {v for hit in intent.features for v in vocab.features[hit.feature].values if len(v) > 2}
    if not values:
        return []
    return [c for c in engine.candidates.get(item, []) if c.kind == "row"
            and values & set(word_key(c.value).split())][:1]


def _names_feature(text: str, intent: "Intent") -> bool:
    key = f" {word_key(text)} "
    return any(f" {hit.phrase} " in key for hit in intent.features if len(hit.phrase.split()) >= 2)


_STANDARD_WORDS = ("ul", "csa", "iec", "en", "ex", "atex", "iecex", "vde", "cul", "culus", "cur", "curus",
                   "nec", "pe")


def feature_rows(engine: "Assistant", item: str, intent: "Intent") -> list[Candidate]:
    """The rows of ``item`` that answer the feature the question names: its rows of the
    best-named feature(s), narrowed to the standard or approval body the question names
    (``UL current rating`` → the UL rows; none → the sheet doesn't say), to the conductor
    class (``fine-stranded with ferrule``), without the rows a negation excludes
    (``no jumper``), then by the question's other terms. Empty when the sheet has none."""
    if not intent.features:
        return []
    hits = intent.features
    if any(h.feature != "approvals" for h in hits):
        hits = [h for h in hits if h.feature != "approvals"]  # "UL current": UL qualifies
    top = hits[0].words
    wanted = {h.feature for h in hits if h.words == top}
    if len(wanted) > 1:
        # "contacts on the HP - what material/plating": the feature after the wh-word
        asked = re.search(r"\b(?:what|which)\s+(\S+(?:\s+\S+){0,2})", intent.question, re.IGNORECASE)
        said = set(word_key(asked.group(1)).split()) if asked else set()
        after = {f for f in wanted if said & _feature_words({f})}
        wanted = after or wanted
    if "standards" in wanted:  # the standards a product is approved to stand in its approvals
        wanted |= {"approvals"}
    cands = [c for c in engine.candidates.get(item, [])
             if (c.row is not None and c.row.feature in wanted)
             or ("approvals" in wanted and c.kind == "approval")]
    if not cands:
        return []
    question = intent.question.lower()
    typed = set(word_key(question).split())
    named_standards = [w for w in _STANDARD_WORDS if w in typed and w not in _feature_words(wanted)]
    if named_standards:
        from .check import names_standard

        def names(c: Candidate) -> bool:
            return c.row is not None and names_standard(c.row, named_standards)

        cands = [c for c in cands if names(c)]
        if not cands:
            # a rating printed in an approvals list ("CSA | 300 V 20 A AWG 26 ... 12")
            dimensions = {vocabulary().features[f].dimension for f in wanted}
            cands = [c for c in engine.candidates.get(item, []) if c.row is not None and names(c)
                     and any(vocabulary().dimension(q.unit) in dimensions for q in parse_all(c.value))]
    cands = without_negated(cands, question) or cands
    for un, base in re.findall(r"\b((?:un|non)-?([a-z]{4,}))\b", question):
        # "and unmated?": not the row for the mated state ("IP67 (mated)")
        def says_base_only(c: Candidate) -> bool:
            text = f"{c.label} {c.value}".lower()
            return bool(re.search(rf"(?<![\w-]){base}\b", text)) and not re.search(rf"\b(?:un|non)-?{base}\b", text)
        cands = [c for c in cands if not says_base_only(c)]
    asked_current = set(re.findall(r"\b(ac|dc)\b", question))
    if len(asked_current) == 1:
        # "DC voltage rating": not a row that gives AC only ("230/400 V AC")
        wanted_current = asked_current.pop()
        other = "dc" if wanted_current == "ac" else "ac"
        cands = [c for c in cands if not (_says_current(c, other) and not _says_current(c, wanted_current))]
        everything = engine.candidates.get(item, [])
        if not any(_says_current(c, wanted_current) for c in everything) \
                and (wanted_current == "dc" or any(_says_current(c, other) for c in everything)):
            # a sheet that never says DC gives no DC figure (a DC rating is always printed
            # as such; an unmarked breaking capacity is an AC one), nor an AC-only sheet
            # one for DC, nor a DC-only sheet one for AC
            return []
    # compound units first ("in lb-in pls"), then single words ("strip length in inches")
    compound = re.findall(r"\b(?:lbf?[.·-]?in|in[.·-]lbs?|n[.·-]?m)\b", question)
    asked_units = {u for w in compound if (u := canonical_unit(w))} or \
        {u for w in re.findall(r"[a-z°²]+", question) if (u := canonical_unit(w)) and len(w) > 1}
    if asked_units:  # "strip length in inches": the row printed in inches
        in_unit = [c for c in cands if any(fit.printed_in(c.row, u) for u in asked_units)]
        cands = in_unit or cands
    conductor = vocabulary().conductor_of(intent.question)
    if conductor and any(c.row is not None and c.row.conductor for c in cands):
        same = [c for c in cands if c.row is not None and c.row.conductor == conductor]
        if not same:
            return []
        cands = same
    if not cands:
        return []
    _cov, rows = best_rows(cands, intent.qterms, intent.question)
    return rows or cands


def without_negated(cands: list[Candidate], question: str) -> list[Candidate]:
    """The candidates less those a negation in the question excludes: "without packing",
    "w/o ferrule" → not the rows with (or including) it; rows saying "excluding packing"
    or "without ferrule" stay. May be empty."""
    for negated in re.findall(r"\b(?:no|without|w/o|excluding|not)\s+(?:an?\s+|the\s+)?([a-z]{3,})",
                              question.lower()):
        def keeps(c: Candidate) -> bool:
            label = c.label.lower()
            if re.search(rf"\b(?:excluding|without|w/o|no)\s+{negated}", label):
                return True
            return negated not in label
        cands = [c for c in cands if keeps(c)]
    return cands


def _says_current(c: Candidate, kind: str) -> bool:
    """Whether a row gives its value for AC (``~``, "AC", a quantity marked AC) or DC."""
    text = f"{c.label} {c.value}".lower()
    if re.search(rf"\b{kind}\b", text) or (kind == "ac" and "~" in text) or (kind == "dc" and "⎓" in text):
        return True
    return c.row is not None and c.row.quantity is not None and c.row.quantity.current == kind.upper()


def _feature_words(features: set[str]) -> set[str]:
    words: set[str] = set()
    for fid in features:
        for phrase in vocabulary().question_words.get(fid, ()):
            words.update(phrase.split())
    return words


def spec_answer(question: str, answered: dict[str, list[Candidate]], asked: list[str] | None = None) -> Answer:
    """A ``spec`` answer from the chosen candidates of each product (item → candidates);
    products asked about (``asked``) whose sheets do not give it are named."""
    parts, facts, citations = [], [], []
    for item, rows in answered.items():
        # the same value printed again elsewhere in the sheet ("Strip length 9 mm" in
        # the installation notes) is cited, not repeated
        kept = [c for c in rows if not any(o is not c and o.label == c.label and o.value != c.value
                                           and o.value.startswith(c.value) for o in rows)]
        text = "; ".join(dict.fromkeys(shown(c) for c in kept))
        parts.append(f"{item}: {text}")
        for c in rows:
            facts.append(fact(c))
            citations.append(c.citation)
    first = next(iter(answered.values()))[0]
    missing = [i for i in (asked or []) if i not in answered]
    text = ". ".join(parts) + "."
    if missing and len(asked or []) > 1:
        text += f" The datasheet of {', '.join(missing)} does not give this."
    return Answer(question, "spec", text, tuple(answered),
                  headline=first.value if first.kind != "accessory" else first.value.split(" ")[0],
                  facts=tuple(facts), citations=tuple(_widest(citations)))


def _widest(citations: list) -> list:
    """The citations with one whose lines lie inside another's of the same sheet replaced
    by that wider one, in the first one's place (``min °C -25`` and the span of the label
    with its ``min`` and ``max`` rows: the span, first)."""
    out = []
    for c in citations:
        wider = [o for o in citations if o.source == c.source and o.line_start <= c.line_start
                 and c.line_end <= o.line_end and (o.line_start, o.line_end) != (c.line_start, c.line_end)]
        pick = max(wider, key=lambda o: o.line_end - o.line_start) if wider else c
        if pick not in out:
            out.append(pick)
    return out


def overview(engine: "Assistant", question: str, items: list[str]) -> Answer:
    """``Tell me about the 770 plug``: the product's first quantity rows."""
    facts, citations, parts = [], [], []
    for item in items:
        rows = [c for c in engine.candidates[item] if c.row and c.row.quantity][:6]
        parts.append(f"{item}: " + "; ".join(shown(c) for c in rows))
        facts += [fact(c) for c in rows]
        citations += [c.citation for c in rows]
    return Answer(question, "spec", ". ".join(parts) + ".", tuple(items),
                  facts=tuple(facts), citations=tuple(citations))
