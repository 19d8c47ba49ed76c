"""Yes/no questions without a value: a verdict and the row that decides it.

- **Approvals** (``is it UL listed?``, ``approved for ships?``): the marks the question
  names (or a purpose the vocabulary's ``[approvals.groups]`` turns into marks) are looked
  up in the sheet's approval records and rows, and in its text: a sentence that says the
  product is *not* approved to it decides ``no``; found → ``yes``; a sheet whose approvals
  do not name it → "the datasheets don't say" (with the approvals it does list).
- **Boolean rows** (``is it shielded?`` → ``shielded: Yes``; ``is the terminal removable?``
  → ``removable terminal No``): the row's own yes / no.
- **Text rows** of the feature the question names (``can I use aluminium wire?`` →
  ``Connectable conductor materials Copper`` → no; ``is it blue?`` → ``Color blue`` → yes):
  yes when the value states what is asked, no when the row's short value states something
  else.

Anything else is answered as a lookup (the value, without a verdict).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..ingest.identity import looks_like_identifier
from ..ingest.values import canonical_unit
from ..records import Answer
from ..vocabulary import code_key, vocabulary, word_key
from . import lookup, refusal
from .matching import Candidate, best_rows, enough, fact, shown
from .retrieval import stem

if TYPE_CHECKING:
    from .assistant import Assistant
    from .intent import Intent

_NEGATED = re.compile(r"\bnot\s+(?:\w+\s+){0,2}(?:approved|certified|listed|recognized|recognised|"
                      r"suitable|permitted|allowed)\b", re.IGNORECASE)
_YES = {"yes", "y", "true", "available"}
_NO = {"no", "n", "none", "false", "not available"}
# text features whose short value names the one thing the product is (a "no" is safe)
_SINGLE_VALUED = {"color", "conductor_material", "insulating_material", "housing_material",
                  "contact_material", "contact_plating", "connection_technology", "coding",
                  "tripping_characteristic", "mounting_type", "flammability_class", "thread",
                  "country_of_origin", "overvoltage_category", "ip_rating"}


def answer(engine: "Assistant", question: str, items: list[str], intent: "Intent",
           approvals: bool = True) -> Answer:
    """A ``check`` answer with verdict yes / no for each product (see the module
    docstring), a refusal when an approval is not named, else the lookup answer;
    ``approvals=False`` leaves approvals out (a value's check that found no range)."""
    marks = asked_marks(intent.question) if approvals else ()
    if marks:
        return _approval(engine, question, items, marks, intent)
    from .matching import FeatureHit

    by_value = _features_by_value(engine, intent)
    if not intent.features:  # "is it push-in?", "a B curve breaker?": the value names the feature
        intent = replace(intent, features=[FeatureHit(f, 1, "") for f in by_value])
    either = _EITHER.search(intent.question)
    if either:  # "a male or female part?", "a plug or a socket?": the row that says which
        answered = _which_of(engine, question, items, either.group(1), either.group(2))
        if answered is not None:
            return answered
    results = {}
    # a value of a text feature the question names besides other features' words ("does
    # it have crimp contacts?": the connection method, not the number of contacts)
    named = {h.feature for h in intent.features}
    extra = [f for f in by_value if f not in named and vocabulary().features[f].dimension == "text"]
    if extra and not _says_more(intent, extra):
        valued = replace(intent, features=[FeatureHit(f, 1, "") for f in extra])
        for item in items:
            decided = _text(engine, items, item, valued)
            if decided:
                results[item] = decided
    for item in items if not results else ():
        decided = _boolean(engine, item, intent) or _text(engine, items, item, intent)
        if decided:
            results[item] = decided
    if not results:
        printed = _printed_code(engine, question, items)
        if printed is not None:
            return printed
        stated = _value_in_text(engine, question, items, intent)
        if stated is not None:
            return stated
        looked = lookup.answer(engine, question, items, intent)
        return _from_text(engine, question, looked, intent) or looked
    return _verdict(question, results)


def _says_more(intent: "Intent", features: list[str]) -> bool:
    """Whether the question has key terms beyond the values of ``features`` and the words
    of the features it names ("can the locking lever be fitted later?" is not about a
    lever connection; "does it have crimp contacts?" is about crimp only)."""
    from .retrieval import stem, terms

    vocab = vocabulary()
    said = {t for f in features for v in vocab.features[f].values for t in terms(v)}
    for h in intent.features:
        said |= {t for w in vocab.question_words.get(h.feature, ()) for t in terms(w)}
        said |= set(terms(h.phrase or ""))
    said |= {stem(w) for w in _DOING_WORDS}
    return any(t not in said for t in intent.qterms)


def _features_by_value(engine: "Assistant", intent: "Intent") -> list[str]:
    """The text features whose values the question names ("push-in", "crimp", "B"), less
    a value that is a word naming the product ("the phoenix m12 device connector")."""
    from .intent import names_the_product
    from .matching import FeatureHit

    vocab = vocabulary()
    key = f" {word_key(intent.question)} "
    hits = [FeatureHit(f, 1, v) for f in vocab.features_by_value(intent.question)
            for v in vocab.features[f].values if f" {v} " in key]
    by_words = engine.resolver.resolve(intent.question).source != "question"
    return list(dict.fromkeys(h.feature for h in hits if not (by_words and names_the_product(intent.question, h))))


def _value_in_text(engine: "Assistant", question: str, items: list[str], intent: "Intent") -> Answer | None:
    """A yes/no over a text feature's value that no row of the feature answers, decided by
    a line of the sheet's text naming a value of that feature: ``no`` when the line limits
    the feature to another value ("aluminium leads allowed?" → "Use copper conductors
    only.") or negates the asked one ("not for aluminium conductors"). A line merely
    naming the value decides nothing. One product; None when no line decides."""
    from rapidfuzz import fuzz

    from .intent import asks_yes_or_no
    from .part import line_citation
    from .retrieval import coverage, key_terms, terms

    if len(items) != 1 or not asks_yes_or_no(question):
        return None  # "white strain relief housing for a 6 mm cable, part no?" asks for a part
    vocab = vocabulary()
    for feature in vocab.features_by_value(intent.question):
        spec = vocab.features[feature]
        if spec.dimension != "text":
            continue
        values = [v for v in spec.values if len(v) > 2]  # not "al", "cu", "b": too short to read in prose
        asked = [v for v in values if f" {v} " in f" {word_key(intent.question)} "]
        if not asked:
            continue
        item = items[0]
        source = engine.tables[item].product.source
        value_terms = {t for v in values for t in terms(v)}
        subject = [t for t in key_terms(intent.question, engine.resolver.hint_terms(items)) if t not in value_terms]
        # the sheet's lines naming a value, in one query (not every line of the sheet)
        naming = engine.index.lines_matching([source], [f"%{v}%" for v in values]).get(source, [])
        for line in naming:
            text = word_key(line.text or "")
            named = [v for v in values if f" {v} " in f" {text} "]
            if not named:
                continue
            same = [v for v in named if any(fuzz.ratio(v, a) >= 85 for a in asked)]
            limited = any(re.search(rf"(?<!not )\bonly\s+(?:\w+\s+){{0,2}}{re.escape(v)}\b|"
                                    rf"\b{re.escape(v)}\s+(?:\w+\s+)?only\b", text) for v in named)
            if not (_DENIES.search(line.text) if same else limited):
                continue  # a line merely naming a value decides nothing ("Push-in CAGE CLAMP®")
            if subject and coverage(subject, set(terms(line.text))) <= 0:
                continue  # about something else ("B-coded connectors (shown in gray) …")
            sentences = [x for x in re.split(r"(?<=[.!;])\s+", line.text.strip()) if x]
            said = next((x for x in sentences if any(f" {v} " in f" {word_key(x)} " for v in named)), line.text)
            citation = line_citation(engine, item, line.number, quote=said.strip())
            return _line_verdict(question, item, "no", f"“{citation.quote}”", citation)
    return None


def _line_verdict(question: str, item: str, verdict: str, said: str, citation) -> Answer:
    """A ``check`` answer deciding ``verdict`` for one product from one cited line."""
    return Answer(question, "check", f"{item}: {verdict}: {said}", (item,), verdict=verdict,
                  headline=f"{verdict}: {citation.quote[:60]}", citations=(citation,))


# a line printing a part number says it does not go with the product
_DENIES = re.compile(r"\b(?:not|never|cannot|can't|must\s+not|do\s+not|don't|unsuitable|incompatible)\b",
                     re.IGNORECASE)


def _printed_code(engine: "Assistant", question: str, items: list[str]) -> Answer | None:
    """A yes/no question naming a part number that the product's own datasheet prints
    ("will a 40.61 relay plug into the 95.05?" → "For relay types 40.51, 40.52, 40.61";
    "does it mate with the 770-1242?" → "Counterpart … 770-1242"): the printing line
    decides, ``no`` when it says not / never / unsuitable, else ``yes``, and is cited —
    when the line with its section shares a key term of the question other than the code,
    the product's identifiers and verbs of doing ("mate with the 770-101 socket?" and
    "770-101 Locking lever": no verdict). None when the question names no such code
    (or more than one product)."""
    if len(items) != 1:
        return None
    from .part import line_citation, printed_at
    from .retrieval import coverage, key_terms, terms

    item = items[0]
    # the product's kind words count here ("will a 40.61 relay plug in": "For relay types …"),
    # its identifiers do not
    ignore = {t for i in _identifiers(engine, item) if re.search(r"\d", i) for t in terms(i)}
    required = [t for t in key_terms(question, ignore) if t not in _DOING]
    own = {code_key(i) for i in _identifiers(engine, item)}
    for code in engine.resolver.resolve(question).unknown:
        if code_key(code) in own:
            continue
        found = printed_at(engine, item, code)
        if found is None:
            continue
        line, _span = found
        citation = line_citation(engine, item, line.number)
        asked = [t for t in required if t not in terms(code)]
        if not asked or coverage(asked, set(terms(f"{line.text} {citation.section}"))) <= 0:
            continue
        verdict = "no" if _DENIES.search(line.text) else "yes"
        return _line_verdict(question, item, verdict, f"{code} is named in “{citation.quote}”", citation)
    return None


_NEGATION = re.compile(r"\b(?:not|no(?![.:]?\s*\d|\.)|never|must not|do not|don't|cannot|can't|only)\b", re.IGNORECASE)


# verbs of doing that a row or passage need not repeat ("do I need to add locking levers
# when I use it as a flying lead?" ↔ "Locking lever; for flying leads")
_DOING_WORDS = ("need", "needs", "add", "use", "using", "get", "put", "fit", "fitted", "take", "make",
                "do", "does", "go", "work", "have", "required", "require", "allowed")
_DOING = {stem(w) for w in _DOING_WORDS}


def _identifiers(engine: "Assistant", item: str) -> tuple[str, ...]:
    product = engine.resolver.by_item.get(item)
    return (item, *product.identifiers) if product is not None else (item,)


def _from_text(engine: "Assistant", question: str, looked: Answer, intent: "Intent") -> Answer | None:
    """A verdict from the passage or row a yes/no question found, when it holds every key
    term of the question: ``no`` when it says not / never / only, else ``yes``
    ("does the GST18i3 have strain relief?" → "… with strain relief …" → yes; "can I put
    the marker carrier on an end plate?" → "Do not use on an end plate!" → no)."""
    from .retrieval import coverage, terms

    if looked.kind not in ("passage", "spec") or not looked.citations or len(intent.qterms) < 2:
        return None
    first = looked.citations[0]
    said = set(terms(first.quote))
    if looked.kind == "spec" and len(looked.citations) == 1:
        said |= set(terms(looked.answer))  # the row as answered: "Counterpart: 770-1242/076-000 …"
    required = [t for t in intent.qterms if t not in _DOING] if len(intent.qterms) > 2 else intent.qterms
    if len(required) < 2 or coverage(required, said) < 1.0 - 1e-9:
        return None
    quoted = code_key(first.quote)
    own = {code_key(i) for p in looked.products for i in _identifiers(engine, p)}
    for token in re.findall(r"[A-Za-z0-9][\w:/.\-]*\w", question):
        code = code_key(token)
        if looks_like_identifier(token) and len(code) >= 5 and code not in own and code not in quoted:
            return None  # "does it mate with the 770-1242?" and the row names another part
    verdict = "no" if _NEGATION.search(first.quote) else "yes"
    return Answer(question, "check", f"{first.product}: {verdict}: “{first.quote}”", looked.products,
                  verdict=verdict, headline=f"{verdict}: {first.quote[:60]}", facts=looked.facts,
                  citations=looked.citations)


_EITHER = re.compile(r"\b(?:an?\s+)?([a-z][\w-]{2,})\s+or\s+(?:an?\s+)?([a-z][\w-]{2,})\b", re.IGNORECASE)


def _which_of(engine: "Assistant", question: str, items: list[str], first: str, second: str) -> Answer | None:
    """The row whose value says one of two alternatives asked about, as a lookup."""
    chosen = {}
    for item in items:
        rows = [c for c in engine.candidates.get(item, []) if c.kind == "row"
                and re.search(rf"\b({re.escape(first)}|{re.escape(second)})\b", c.value, re.IGNORECASE)]
        if rows:
            chosen[item] = rows[:1]
    return lookup.spec_answer(question, chosen, items) if chosen else None


def asked_marks(question: str) -> tuple[str, ...]:
    """Approval marks a question names (``UL``, ``cULus``, ``ATEX``), or the marks of a
    purpose it names (``ships`` → DNV, ABS, BV, LR, RINA …)."""
    vocab = vocabulary()
    key = f" {word_key(question)} "
    if not re.search(r"approv|certif|listed|recogni[sz]|mark|\bul\b|\bcsa\b|atex|iecex|rohs|\bce\b|"
                     r"culus|curus|vde|dnv|\bccc\b|\beac\b|reach", question, re.IGNORECASE):
        return ()
    marks = [m for m in vocab.approval_marks if f" {word_key(m)} " in key]
    for group, members in vocab.approval_groups.items():
        if f" {group} " in key:  # "UL": also cULus, cURus (the family's marks)
            marks += [m for m in members if m not in marks]
    return tuple(dict.fromkeys(marks))


def _mentions(text: str, mark: str) -> bool:
    return f" {word_key(mark)} " in f" {word_key(text)} "


def _approval(engine: "Assistant", question: str, items: list[str], marks: tuple[str, ...],
              intent: "Intent") -> Answer:
    results: dict[str, tuple[str, list[Candidate], str]] = {}
    listing: list[Candidate] = []
    for item in items:
        cands = engine.candidates.get(item, [])
        denial = _denial(engine, item, marks)
        if denial is not None:
            results[item] = ("no", [denial], f"{denial.value}")
            continue
        found = [c for c in cands if (c.kind == "approval" and any(_mentions(c.label, m) for m in marks))
                 or (c.kind == "row" and (c.row.feature == "approvals" or _is_rating(c))
                     and any(_mentions(f"{c.label} {c.value}", m) for m in marks))]
        found.sort(key=lambda c: (c.kind != "approval", not (c.row and c.row.feature == "approvals"), c.order))
        if not found:
            found = _stated(engine, item, marks)
        if found:
            results[item] = ("yes", found[:2], "")
        else:
            listing += [c for c in cands if c.kind == "approval" or (c.row and c.row.feature == "approvals")][:2]
    if not results:
        names = ", ".join(marks[:4])
        return refusal.not_found(question, tuple(items), [c.citation for c in listing],
                                 why=f"their approvals do not name {names}" if listing else "")
    return _verdict(question, {item: (v, rows) for item, (v, rows, _n) in results.items()})


def _is_rating(c: Candidate) -> bool:
    """A rated electrical value given under an approval (``Rated voltage UL (Use Group
    B)``); a flammability class "according to UL 94" is no UL approval."""
    return c.row is not None and bool(c.row.qualifier or c.row.standard) and \
        c.row.feature in ("rated_voltage", "rated_current", "cross_section")


def _stated(engine: "Assistant", item: str, marks: tuple[str, ...]) -> list[Candidate]:
    """Lines of the sheet that state a mark outright (``RoHS Compliant``, ``UL recognized``):
    a short line naming it with an approval word, or the mark alone."""
    source = engine.tables[item].product.source
    out = []
    for line in engine.index.lines(source, 1, 10**9):
        text = line.text
        if not text or len(text.split()) > 12 or _NEGATED.search(text):
            continue
        if any(_mentions(text, m) for m in marks) and re.search(
                r"approv|certif|listed|recogni|complian|conform|\bmark", text, re.IGNORECASE):
            citation = engine.citation(item, source, "", line.number, line.number)
            out.append(Candidate(item, "text", "", "", text, frozenset(), frozenset(), frozenset(),
                                 citation, None, 0))
    return out[:1]


def _denial(engine: "Assistant", item: str, marks: tuple[str, ...]) -> Candidate | None:
    """A sentence of the sheet saying the product is not approved to one of the marks
    (``Not approved to UL 489 or UL 1077.``), as a candidate to cite."""
    table = engine.tables[item]
    sources = {table.product.source}
    for source in sources:
        for line in engine.index.lines(source, 1, 10**9):
            if line.text and _NEGATED.search(line.text) and any(_mentions(line.text, m) for m in marks):
                citation = engine.citation(item, source, "", line.number, line.number)
                return Candidate(item, "text", "", "", line.text, frozenset(), frozenset(), frozenset(),
                                 citation, None, 0)
    return None


def _boolean(engine: "Assistant", item: str, intent: "Intent"):
    """(verdict, rows) from the yes/no row the question asks about, else None."""
    cands = [c for c in engine.candidates.get(item, []) if c.kind == "row"
             and word_key(c.value) in _YES | _NO]
    if not cands:
        return None
    if intent.features:
        wanted = {h.feature for h in intent.features}
        same = [c for c in cands if c.row.feature in wanted]
        if same:
            cands = same
        elif all(c.row.feature for c in cands):
            return None
    cov, rows = best_rows(cands, intent.qterms, intent.question)
    if not rows or not enough(cov, intent.qterms) or cov < 0.5:
        return None
    value = word_key(rows[0].value)
    return ("yes" if value in _YES else "no"), rows[:1]


def _text(engine: "Assistant", items: list[str], item: str, intent: "Intent", alone: bool = True):
    """(verdict, rows) from a text row of a named feature, else None: with several
    features named ("is the housing UL94 V0?"), yes from any that states the asked value,
    no only from a single one. ``alone``: the feature is the only one named (only then
    does "is it keyed?" ask whether the sheet gives the feature at all)."""
    top = intent.features[0].words if intent.features else 0
    named = [h for h in intent.features if h.words == top and h.feature != "approvals"]
    if len(named) > 1:
        decided = [d for h in named if (d := _text(engine, items, item, replace(intent, features=[h]), alone=False))]
        yes = [d for d in decided if d[0] == "yes"]
        return yes[0] if yes else None
    rows = lookup.feature_rows(engine, item, intent)
    rows = [c for c in rows if c.kind == "row" and c.row.quantity is None]
    if not rows:
        return None
    feature = rows[0].row.feature
    asked = _asked_words(engine, items, intent, feature)
    if not asked:
        return None
    if all(w in _feature_words(feature) for w in asked):
        # "is it keyed?", "is it coded?": whether the sheet gives the feature at all
        if not alone:
            return None  # "panel has M20 holes, will the thread fit?": not whether it has a mounting type
        return ("no" if word_key(rows[0].value) in _NO else "yes"), rows[:1]
    if word_key(rows[0].value) in vocabulary().universal_values:
        return "yes", rows[:1]  # "Mounting position any" asked "sideways?"
    label = word_key(" ".join(c.label for c in rows)).replace(" ", "")
    asked = [w for w in asked if w not in label] or asked  # "UL94" printed in the label
    values = " ".join(word_key(c.value) for c in rows)
    # a code shaped like the row's ("ip67" for "IP65, IP67"): what is asked; the question's
    # other words ("need at least … qualify") are not values to find, unless the row's
    # values carry conditions ("IP67 (mated); IP2X (unmated)" asked "when unplugged")
    shapes = {re.sub(r"\d", "9", w) for w in values.split() if re.search(r"\d", w)}
    coded = [w for w in asked if re.search(r"\d", w) and re.sub(r"\d", "9", w) in shapes]
    if coded and not any("(" in c.value for c in rows):
        asked = coded
    flat = values.replace(" ", "")
    if all(w in values.split() or (len(w) > 2 and w in flat) for w in asked):
        return "yes", rows[:1]
    if feature in _SINGLE_VALUED and all(len(c.value.split()) <= 6 for c in rows):
        return "no", rows[:1]
    return None


def _feature_words(feature: str) -> set[str]:
    """The words that name a feature in questions (not its values)."""
    return {w for phrase in vocabulary().features[feature].words for w in phrase.split()}


_GENERIC = {"wire", "wires", "conductor", "conductors", "cable", "use", "used", "made", "material",
            "it", "connector", "plug", "socket", "block", "terminal", "product", "type", "kind"}


def _asked_words(engine: "Assistant", items: list[str], intent: "Intent", feature: str) -> list[str]:
    """The words of the question that say what is asked of a text feature: ``aluminium``
    in "can I use aluminium wire?", ``blue`` in "is the housing colour blue?" — not the
    feature's label words, stopwords, or words naming the product."""
    from .retrieval import STOPWORDS, stem

    labels = {w for phrase in vocabulary().features[feature].labels for w in phrase.split()}
    ignore = engine.resolver.hint_terms(items)
    for item in items:  # the words of the product's identifiers ("S201-C16" → s201, c16)
        product = engine.resolver.by_item.get(item)
        if product is not None:
            ignore |= {w for ident in (product.item, *product.identifiers) for w in word_key(ident).split()}
    values = set(vocabulary().features[feature].values)
    out = []
    for w in word_key(intent.question).split():
        if w in values:  # "b" in "a B curve breaker?"
            out.append(w)
            continue
        if w in STOPWORDS or w in labels or w in _GENERIC or len(w) < 2 or stem(w) in ignore \
                or w in ignore or w.isdigit() or canonical_unit(w):
            continue
        out.append(w)
    named_values = [w for w in out if w in values]
    return named_values or out


def _verdict(question: str, results: dict) -> Answer:
    verdicts, parts, facts, citations, headline = [], [], [], [], ""
    for item, (verdict, rows) in results.items():
        verdicts.append(verdict)
        parts.append(f"{item}: {verdict}: " + "; ".join(shown(c) if c.kind != "text" else f"“{c.value}”"
                                                        for c in rows))
        for c in rows:
            if c.kind != "text":
                facts.append(fact(c))
            citations.append(c.citation)
        headline = headline or f"{verdict}: {rows[0].value}"
    verdict = verdicts[0] if len(set(verdicts)) == 1 else "conditional"
    return Answer(question, "check", " ".join(parts), tuple(results), verdict=verdict,
                  headline=headline, facts=tuple(facts), citations=tuple(citations))
