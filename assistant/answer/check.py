"""Checks: does a value from the question fit the datasheet's range? (``check`` answers)

The verdict is yes / no / conditional, decided by the product's own rows (see
:mod:`assistant.answer.fit` for reading the asked value and comparing it).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..ingest.values import parse_all, parse_value, read_value
from ..records import Answer, Fact, SpecRow
from ..vocabulary import vocabulary, word_key
from . import fit, passage, refusal
from .matching import fact
from .retrieval import STOPWORDS, stem, words

if TYPE_CHECKING:
    from .assistant import Assistant


def answer(engine: "Assistant", question: str, items: list[str], qterms: list[str],
           asked_as: str | None = None, features: tuple[str, ...] = ()) -> Answer:
    """A yes / no / conditional verdict for each product whose sheet has a range to check
    the question's value against, with the deciding rows cited; a refusal when none has.
    ``question`` is the question as read (typos corrected, a follow-up joined to the
    question before it); ``asked_as`` the question as typed, which the answer carries;
    ``features`` the canonical features the question names (best first)."""
    typed = asked_as or question
    asked = fit.asked_value(engine.resolver.mask(question))
    results = []
    for item in items:
        rows = list(engine.tables[item].rows)
        decided = _check_rows(engine.resolver.mask(question), asked, rows, features)
        if decided:
            results.append((item, decided))
    if not results:
        paras = passage.ranked_passages(engine, question, items, qterms)
        stated = _limit_in_text(paras, asked, qterms)
        if stated is not None:
            citation, sentence, ok = stated
            verdict = "yes" if ok else "no"
            relation = "is within" if ok else "is beyond"
            return Answer(typed, "check", f"{citation.product}: {verdict}: {asked.text} {relation} “{sentence}”",
                          (citation.product,), verdict=verdict, headline=f"{verdict}: {sentence[:60]}",
                          citations=(citation,))
        fitting = _accessories_for(engine, items, asked, qterms, question)
        if fitting:
            from .lookup import spec_answer

            return spec_answer(typed, fitting, items)
        related = refusal.related(engine, items, qterms, [p[0] for p in paras])
        return refusal.not_found(typed, tuple(items), related, why=f"no range to check {asked.text} against")
    verdicts, parts, facts, citations, headline = [], [], [], [], ""
    for item, (verdict, lines, rows) in results:
        verdicts.append(verdict)
        parts.append(f"{item}: {verdict}: " + "; ".join(lines))
        cands = {(c.row.line_start, c.row.line_end, c.row.label): c for c in engine.candidates[item]
                 if c.row is not None}
        for row in rows:
            cand = cands.get((row.line_start, row.line_end, row.label))
            if cand is None:  # min / max sub-rows joined into one range: cite both lines
                citation = engine.citation(item, row.source, row.section, row.line_start, row.line_end)
                facts.append(Fact(item, row.attribute, row.value, row.section, row.source, row.line_start,
                                  row.qualifier))
                citations.append(citation)
                continue
            facts.append(fact(cand))
            citations.append(cand.citation)
        headline = headline or f"{verdict}: {rows[0].value}"
    verdict = verdicts[0] if len(set(verdicts)) == 1 else "conditional"
    return Answer(typed, "check", " ".join(parts), tuple(i for i, _ in results), verdict=verdict,
                  headline=headline, facts=tuple(facts), citations=tuple(citations))


_UPPER = re.compile(r"\b(?:(?:should|must|shall|may)\s+not\s+exceed|not\s+(?:more|longer|greater|higher|larger)"
                    r"\s+than|no\s+more\s+than|at\s+most|max(?:imum|\.)?|up\s+to|(?:is\s+)?limited\s+to)\s*:?\s*",
                    re.IGNORECASE)
_LOWER = re.compile(r"\b(?:at\s+least|min(?:imum|\.)?|not\s+(?:less|shorter|lower|smaller)\s+than|"
                    r"no\s+less\s+than)\s*:?\s*", re.IGNORECASE)


def _accessories_for(engine: "Assistant", items: list[str], asked: fit.Asked, qterms: list[str],
                     question: str = "") -> dict:
    """The accessories a value in the question selects ("white strain relief housing for a
    6 mm cable" → the white housings whose description gives a cable range holding 6 mm):
    item → the accessory candidates sharing the most of the question's key terms (half at
    least) whose description holds a range of the value's unit containing it; empty when
    none."""
    from .retrieval import coverage

    # "for a 5 to 9 mm jacket": both ends must lie in the accessory's range
    span = re.search(rf"(\d+(?:[.,]\d+)?)\s*(?:to|-|–|\.\.\.|…)\s*{re.escape(asked.text)}", question)
    values = [asked] + ([replace(asked, value=float(span.group(1).replace(",", ".")))] if span else [])
    out = {}
    for item in items:
        scored = []
        for cand in engine.candidates.get(item, []):
            if cand.kind != "accessory":
                continue
            cov = coverage(qterms, set(cand.all_terms))
            ranges = [q for q in parse_all(cand.value) if q.is_range and q.unit]
            holds = [q for q in ranges if all((v := _value_in(a, q.unit)) is not None and q.low <= v <= q.high
                                              for a in values)]
            if cov >= 0.5 and holds:
                scored.append((cov, cand))
        if scored:
            best = max(c for c, _ in scored)
            out[item] = [cand for c, cand in scored if c >= best - 1e-9]
    return out


def _value_in(asked: fit.Asked, unit: str) -> float | None:
    """The asked value in ``unit`` (itself when the units agree, else converted), or None."""
    return asked.value if asked.unit == unit else fit.convert(asked.value, asked.unit, unit)


FAULT_LEVEL_A = 1000  # a current from which a value is a fault level, not a load current
LIMIT_SENTENCE_WORDS = 40  # longer "sentences" are rows run together, not prose


def _limit_in_text(paras: list, asked: fit.Asked, qterms: list[str]):
    """(citation, sentence, whether the asked value keeps to it) from a sentence of the
    best passages stating a limit of the asked value's dimension ("the total lead length
    a + b should not exceed 0.5 m") and holding three quarters of the question's key
    terms; None when no passage states one."""
    from .retrieval import coverage, terms

    vocab = vocabulary()
    dimension = vocab.dimension(asked.unit)
    if not dimension or len(qterms) < 2 or asked.count >= 2:
        return None  # conductors per clamp are stated per count, never by a prose limit
    for citation, _cov, _score in paras[:4]:
        for sentence in re.split(r"(?<=[.!;])\s+", citation.quote):
            if len(sentence.split()) > LIMIT_SENTENCE_WORDS:
                continue  # not a sentence: lines of rows read as one passage
            if coverage(qterms, set(terms(sentence))) < 0.75:
                continue
            for pattern, upper in ((_UPPER, True), (_LOWER, False)):
                for m in pattern.finditer(sentence):
                    limit = read_value(sentence[m.end():])
                    if limit is None or not limit.quantity.unit:
                        continue
                    q = limit.quantity
                    if vocab.dimension(q.unit) != dimension:
                        continue
                    value = _value_in(asked, q.unit)
                    if value is None:
                        continue
                    bound = q.high if upper else q.low
                    ok = value <= bound + 1e-9 if upper else value >= bound - 1e-9
                    return citation, sentence.strip(), ok
    return None


_NEGATING = frozenset({"without", "no", "not", "non"})  # qualifier words that are no stopwords here
_TWO = re.compile(r"\b(?:2|two)\s+conductors\b|\btwin\b", re.IGNORECASE)
# The feature a value checks against when the question names none of its dimension.
_DEFAULT_FEATURES = {"current": ("rated_current",), "voltage": ("rated_voltage",),
                     "temperature": ("operating_temperature",), "torque": ("tightening_torque",)}
_STANDARD_WORDS = ("ul", "csa", "iec", "en", "ex", "atex", "iecex", "vde", "culus", "curus", "nec", "pe")


def standard_words(wanted: list[str]) -> set[str]:
    """The words a row may print for the standards or approval bodies a question names
    (``ul`` → ul, culus, curus, ur; the vocabulary's approval groups)."""
    groups = vocabulary().approval_groups
    out = set(wanted)
    for w in wanted:
        out |= {word_key(m) for m in groups.get(w, ())}
    return out


def names_standard(row: SpecRow, wanted: list[str]) -> bool:
    """Whether a row is given under one of the standards a question names: in its label,
    standard, section or next to its value (``400V (IEC)``); an unqualified rating counts
    as the IEC / EN one (what datasheets print by default)."""
    said = set(word_key(f"{row.label} {row.standard} {row.section} {row.value}").split())
    if said & standard_words(wanted):
        return True
    others = standard_words([w for w in _STANDARD_WORDS if w not in ("iec", "en")])
    return bool(set(wanted) & {"iec", "en"}) and not (said & others)


def _for_standard(row: SpecRow, wanted: list[str]) -> SpecRow:
    """A row whose value gives one quantity per standard (``600VAC (UL) / 400V (IEC)``),
    reduced to the quantity of the standard asked."""
    for w in standard_words(wanted):
        m = re.search(rf"([-+]?\d[\d.,]*\s*[A-Za-zΩ°µ²~]*)\s*\((?:per\s+)?{re.escape(w)}\)", row.value, re.IGNORECASE)
        if m:
            q, alt = parse_value(m.group(1))
            if q is not None and q.unit:
                return replace(row, quantity=q, alternate=None)
    return row


def _check_rows(question: str, asked: fit.Asked, rows: list[SpecRow], features: tuple[str, ...] = ()):
    """(verdict, explanation lines, deciding rows) for one product, or None: the rows of
    the feature the question names for the value's dimension (a current against the rated
    current, a temperature against the operating temperature unless it says storage …),
    min / max sub-rows joined into ranges, narrowed to the standard the question names."""
    if asked.unit in ("mm²", "AWG"):
        return _check_conductor(question, asked, rows)
    vocab = vocabulary()
    dimension = vocab.dimension(asked.unit)
    named = [f for f in features if vocab.features.get(f) and vocab.features[f].dimension == dimension]
    wanted = tuple(named) or _DEFAULT_FEATURES.get(dimension, ())
    q = question.lower()
    if dimension == "temperature" and not named and re.search(r"process|install|wir|mount|assembl|handl", q):
        wanted = ("processing_temperature",)
    if not wanted and dimension == "length" and asked.value >= 100_000 and "altitude" in vocab.features:
        wanted = ("altitude",)  # "site is at 3000 m": no conductor or housing is 100 m long
    if dimension == "current" and asked.value >= FAULT_LEVEL_A:
        # "fault level 10 kA", "6 kA prospective short circuit current": a breaking
        # capacity, no terminal's rated current
        fault = tuple(f for f in named if f != "rated_current")
        wanted = fault or tuple(f for f in ("breaking_capacity", "short_time_withstand_current")
                                if f in vocab.features)
    pool = [r for r in rows if r.feature in wanted and r.quantity
            and vocab.dimension(r.quantity.unit) == vocab.dimension(asked.unit)]
    if not wanted:
        # a length no feature word names: the length rows whose head word the question
        # uses ("10 mm cable" → "Cable outer diameter"); else a yes/no over text
        said = {stem(w) for w in words(question)}
        pool = [r for r in rows if r.quantity and vocab.dimension(r.quantity.unit) == "length"
                and r.feature and words(r.label) and stem(words(r.label)[0]) in said]
        if not pool:
            return None
    pool = fit.join_min_max(pool)
    if dimension == "temperature":
        pool = [r for r in pool if r.quantity.is_range] or pool
    if not pool:
        return None
    typed = set(word_key(q).split())
    standards = [w for w in _STANDARD_WORDS if w in typed]
    if standards:
        said = [r for r in pool if names_standard(r, standards)]
        if not said:
            # a rating printed in an approvals list ("UL (File E77054) | 300 V 20 A AWG 26 ... 12")
            said = [replace(r, quantity=q, alternate=None) for r in rows
                    if r.feature == "approvals" and names_standard(r, standards)
                    for q in parse_all(r.value)[:4] if vocab.dimension(q.unit) == dimension][:1]
            if not said:
                return None  # "480 V under UL" on a sheet without a UL rating: it doesn't say
        pool = [_for_standard(r, standards) for r in said]
    if asked.current:
        same = [r for r in pool if r.quantity.current in ("", asked.current)]
        pool = same or pool
    words_q = {stem(w) for w in words(question)}
    # a row whose qualifier the question states in full ("(III/2)" for "cat III, pollution
    # degree 2"; "(Ex e II) with jumper" for "jumpered … in Ex e II") before rows sharing a
    # word of it; of several, those stating the most
    stated = {id(r): {stem(w) for w in words(r.qualifier) if w not in STOPWORDS or w in _NEGATING} for r in pool}
    full = [r for r in pool if stated[id(r)] and stated[id(r)] <= words_q]
    if full:
        most = max(len(stated[id(r)]) for r in full)
        full = [r for r in full if len(stated[id(r)]) == most]
    qualified = [r for r in pool if {stem(w) for w in words(r.qualifier + " " + r.standard)} & words_q]
    pool = full or qualified or pool
    if dimension == "current":
        # "35 amps with 4mm2 wire": the row stating that conductor size decides
        # ("Maximum load current 32 A (with 4 mm² conductor cross section)")
        sizes = [a.value for a, _span in fit.asked_values(question) if a.unit == "mm²"]
        stating = [r for r in pool if sizes and any(q.unit == "mm²" and abs(q.low - v) < 1e-6 and abs(q.high - v) < 1e-6
                                                    for q in parse_all(f"{r.label} {r.value}") for v in sizes)]
        pool = stating or pool
    # the rows printed in the asked unit first ("40 lb-in": the sheet's "31 lb-in" row)
    printed = [r for r in pool if fit.printed_in(r, asked.unit)]
    pool = printed + [r for r in pool if r not in printed]
    results = [(r, fit.fits(asked, r)) for r in pool]
    results = [(r, ok) for r, ok in results if ok is not None]
    if not results:
        return None
    lines = []
    for k, (r, ok) in enumerate(results):
        other = _restricted_elsewhere(r, question)
        if other:  # "600 V (factory wiring only)" asked "for field wiring": no
            results[k] = (r, False)
            lines.append(f"{r.attribute} {r.qualifier} {r.value}".replace("  ", " ").strip()
                         + f": for {other[0]} only, not {other[1]}")
        else:
            lines.append(fit.describe(asked, r, ok))
    oks = {ok for _, ok in results}
    verdict = "yes" if oks == {True} else "no" if oks == {False} else "conditional"
    return verdict, lines, [r for r, _ in results]


_ONLY = re.compile(r"\b(?:only\s+(?:for\s+|in\s+)?(?P<a>[a-z][\w-]*)\s+(?P<b>[a-z][\w-]*)|"
                   r"(?P<c>[a-z][\w-]*)\s+(?P<d>[a-z][\w-]*)\s+only)\b", re.IGNORECASE)


def _restricted_elsewhere(row: SpecRow, question: str) -> tuple[str, str] | None:
    """(what the row is restricted to, what the question names instead) when the row's
    label says "X Y only" ("Rated voltage per UL 1977 (factory wiring only)") and the
    question names another kind of the same Y ("field wiring"), else None."""
    said = _ONLY.search(f"{row.attribute} {row.qualifier}")
    if not said:
        return None
    first, head = (said.group("a"), said.group("b")) if said.group("a") else (said.group("c"), said.group("d"))
    other = re.search(rf"\b([a-z][\w-]*)\s+{re.escape(head)}\b", question, re.IGNORECASE)
    if other and other.group(1).lower() != first.lower() and other.group(1).lower() not in STOPWORDS:
        return f"{first} {head}", f"{other.group(1)} {head}"
    return None


def _single(row: SpecRow) -> SpecRow:
    """A row that prints sizes per number of conductors, reduced to the one-conductor size
    (``1x6 / 2x4 mm²`` → 6 mm²); other rows unchanged."""
    if not row.quantity or not row.quantity.count:
        return row
    ones = [q for q in parse_all(row.value) if q.count == 1]
    if not ones:
        return row
    one = ones[0] if ones[0].unit else replace(ones[0], unit=row.quantity.unit)
    return replace(row, quantity=replace(one, count=0), alternate=None)


def _check_count(question: str, asked: fit.Asked, rows: list[SpecRow]):
    """Several conductors in one clamp (``2 x 1 mm² ferruled``): the rows printing sizes
    per number of conductors (``1x (0,5 ... 1,5), 2x 0,75``, ``Maximum 2x1,5 mm²``) of the
    conductor class asked; the verdict from the form with that number."""
    want = fit.conductor(question)
    klass = vocabulary().conductor_of(question)
    area_units = [r.quantity.unit for r in rows if r.feature == "cross_section" and r.quantity
                  and r.quantity.unit in ("mm²", "AWG")]
    default_unit = max(set(area_units), key=area_units.count) if area_units else ""

    def forms(r: SpecRow) -> list:
        """The sizes a row gives per number of conductors; a label that says "2
        conductors" / "twin" counts for its whole range; a row without a unit takes the
        unit of the product's other cross-section rows."""
        found = [q for q in parse_all(r.value) if q.count]
        if not found and r.quantity and _TWO.search(r.label):
            found = [replace(r.quantity, count=2)]
        return [q if q.unit else replace(q, unit=default_unit) for q in found]

    pool = [r for r in rows if r.feature in ("conductors_per_clamp", "cross_section")
            and any(q.count >= 2 for q in forms(r))]
    if klass:
        same = [r for r in pool if r.conductor == klass or (klass.startswith("ferrule") and r.conductor == "ferrule")
                or (klass == "ferrule" and r.conductor.startswith("ferrule"))]
        # else the rows that name no class ("Conductors per clamping unit 1x (1,0 ... 2,5),
        # 2x 1,0 mm²" holds for every class; a twin-ferrule row does not hold for solid)
        pool = same or [r for r in pool if not r.conductor and not _TWO.search(r.label)]
    elif want.ferrule is False:
        pool = [r for r in pool if not r.conductor.startswith("ferrule")]
    in_unit = [r for r in pool if any(q.unit == asked.unit for q in forms(r))]
    pool = in_unit or pool  # the sheet's own unit first (2x2.5 mm², not its AWG row)
    results = []
    for r in pool:
        sizes = [q for q in forms(r) if q.count == asked.count]
        if not sizes:
            continue
        ok = fit.fits(asked, replace(r, quantity=sizes[0], alternate=None))
        if ok is not None:
            results.append((r, ok))
    if not results:
        return None
    oks = {ok for _, ok in results}
    verdict = "yes" if oks == {True} else "no" if oks == {False} else "conditional"
    lines = [f"{asked.count} × {asked.text} is {'within' if ok else 'outside'} {r.label} {r.value}" for r, ok in results]
    return verdict, lines, [r for r, _ in results]


def named_part(rows: list[SpecRow], question: str) -> list[SpecRow]:
    """The rows of the part a question names when rows are given per part ("Wire Range |
    Cable Plug" and "Wire Range | Chassis Connector", asked "… in the cable plug?"): the
    rows whose qualifier words (not conductor classes) the question all uses; all rows
    when it names none of the parts."""
    vocab = vocabulary()
    class_words = {w for c in vocab.conductor_order for p in vocab.conductor_words[c] for w in p.split()}
    said = {stem(w) for w in words(question)}

    def part_words(row: SpecRow) -> set[str]:
        return {stem(w) for w in words(row.qualifier) if w not in class_words and w not in STOPWORDS
                and not w.isdigit()}

    parted = [r for r in rows if part_words(r)]
    if len({frozenset(part_words(r)) for r in parted}) < 2:
        return rows
    named = [r for r in parted if part_words(r) <= said]
    return named or rows


def _check_conductor(question: str, asked: fit.Asked, rows: list[SpecRow]):
    if asked.count >= 2:
        return _check_count(question, asked, rows)
    want = fit.conductor(question)
    # a row giving sizes per number of conductors ("1x6 / 2x4 mm²"): one conductor's size;
    # a row for two conductors ("2 conductors … TWIN crimp sleeve") does not hold for one
    rows = [_single(r) for r in rows if not _TWO.search(r.label)]
    pool = named_part(fit.conductor_rows(rows), question)
    if not pool:
        return None

    def matches(row: SpecRow) -> bool:
        have = fit.row_conductor(row)
        if want.klass and have.klass != want.klass:
            return False
        if (want.ferrule or False) != have.ferrule:
            return False
        if want.collar is not None and have.collar is not None and want.collar != have.collar:
            return False
        return True

    fitting = [r for r in pool if matches(r)]
    if want.collar is not None:
        exact = [r for r in fitting if fit.row_conductor(r).collar == want.collar]
        fitting = exact + [r for r in fitting if fit.row_conductor(r).push_in and r not in exact]
    if not fitting:
        return None
    general = [r for r in fitting if not fit.row_conductor(r).push_in]
    push = [r for r in fitting if fit.row_conductor(r).push_in]
    if want.push_in is True:
        # a push-in row that gives only a minimum ("from 1.5 mm²") leaves the maximum
        # to the general rows of the same conductor
        open_ended = any(fit.is_minimum(r) for r in push)
        deciding = (push + general) if open_ended else (push or general)
    elif want.push_in is False:
        deciding = general or push
    else:
        deciding = general + push
    printed = [r for r in deciding if fit.printed_in(r, asked.unit)]
    if printed and len(printed) < len(deciding) and all(r.feature == "cross_section" for r in deciding) \
            and not any(fit.row_conductor(r).push_in for r in deciding):
        deciding = printed  # the sheet's own mm² (or AWG) row decides, not a converted one
    results = [(r, fit.fits(asked, r)) for r in deciding]
    results = [(r, ok) for r, ok in results if ok is not None]
    if not results:
        return None
    lines = [fit.describe(asked, r, ok) for r, ok in results]
    oks = [ok for _, ok in results]
    if want.push_in is None and general and push:
        g = [ok for r, ok in results if r in general]
        p = [ok for r, ok in results if r in push]
        if g and not any(g) and all(fit.is_minimum(r) for r, _ok in results if r in push):
            # "push-in, from 1.5 mm²" gives no maximum: the general rows' "no" stands
            p = [False for _ in p]
            lines = [line if r not in push else f"{r.attribute} {r.value} gives a minimum only"
                     for line, (r, _ok) in zip(lines, results)]
        if all(g) and all(p):
            verdict = "yes"
        elif not any(g) and not any(p):
            verdict = "no"
        else:
            verdict = "conditional"
            if any(g) and not any(p):
                lines.append("so it fits with an operating tool, not by push-in")
    elif want.push_in is True and not push:
        verdict = "conditional" if any(oks) else "no"
        lines.append("the datasheet gives no push-in range for this conductor")
    elif want.push_in is True and any(fit.is_minimum(r) for r in push):
        p = [ok for r, ok in results if r in push]
        g = [ok for r, ok in results if r not in push]
        verdict = "no" if not all(p) else "yes" if all(g) else "conditional" if any(g) else "no"
    else:
        verdict = "yes" if all(oks) else "no" if not any(oks) else "conditional"
    # the deciding rows first, and among them the ones printed in the unit asked (the
    # sheet's own AWG row for an AWG question)
    def in_unit(row: SpecRow) -> bool:
        return bool(row.quantity and row.quantity.unit == asked.unit) or \
            bool(row.alternate and row.alternate.unit == asked.unit)

    ordered = sorted(results, key=lambda x: ((x[1] is True) == (verdict == "no"), not in_unit(x[0])))
    return verdict, lines, [r for r, _ in ordered]
