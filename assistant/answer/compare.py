"""Comparisons: the same feature of several products, each from its own sheet, any vendor.

"compare the strip length of the 2002-1204, the AK950 and the PT 2,5", "which is wider, X
or Y", "UL voltage: AK950 compared to PT 2,5": the canonical feature the question names
(vocabulary words, :func:`.matching.detect_features`) picks each product's own row —
``Stripping length`` on one sheet, ``Wire strip length`` on another — narrowed to the
standard and conductor class the question names (:func:`.conditions.feature_readings`),
units as printed. A comparative ("wider", "hotter", "more") is decided on one unit (the
sheets' pairs, else pint), and only when every product gives the feature. A product whose
sheet has no row of the feature falls back to the rows that cover the question's words best;
one without either is named as not giving it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..records import Answer, Citation, Fact, SpecRow
from ..vocabulary import vocabulary, word_key
from . import passage, refusal
from .conditions import Reading, asked_standard, feature_readings, reading_value
from .matching import Candidate, FeatureHit, best_rows, detect_features, enough, fact, shown, shown_row

if TYPE_CHECKING:
    from .assistant import Assistant

_COMPARATIVE = re.compile(r"\b(higher|more|larger|bigger|biggest|greater|wider|widest|longer|heavier|hotter|warmer|"
                          r"thicker|deeper|taller|lower|less|fewer|smaller|smallest|narrower|shorter|lighter|colder|"
                          r"cooler|thinner)\b", re.IGNORECASE)
# comparatives that name the feature they compare when the question names none
_IMPLIED = {"hotter": "operating_temperature", "colder": "operating_temperature", "warmer": "operating_temperature",
            "cooler": "operating_temperature", "heavier": "weight", "lighter": "weight", "wider": "width",
            "narrower": "width", "deeper": "depth", "taller": "height"}
_SMALLER = {"lower", "less", "fewer", "smaller", "smallest", "narrower", "shorter", "lighter", "colder", "cooler",
            "thinner"}


def answer(engine: "Assistant", question: str, items: list[str], qterms: list[str]) -> Answer:
    """Each product's rows of the feature the question names side by side (else the rows
    that cover its words best); which one is higher or lower when the question asks and
    every product gives the feature; products whose sheet does not give it are named."""
    by_feature = _by_feature(engine, question, items)
    named, phrase = _named_features(engine, question, items)
    chosen: dict[str, list[tuple[SpecRow | None, Candidate | None]]] = {}
    for item in items:
        if item in by_feature:
            chosen[item] = [(row, None) for row in by_feature[item][1]]
            continue
        # a text feature ("contact plating"): the product's rows of it, as printed
        of_named = [c for c in engine.candidates.get(item, []) if c.row is not None and c.row.feature in named]
        # the row printed under the words asked ("Housing material") first, else the
        # rows of the first feature the sheet gives
        own = [c for c in of_named if f" {phrase} " in f" {word_key(c.label)} "] or \
            next(([c for c in of_named if c.row.feature == f] for f in named
                  if any(c.row.feature == f for c in of_named)), [])
        if own:
            chosen[item] = [(None, c) for c in own[:2]]
            continue
        cov, rows = best_rows(engine.candidates.get(item, []), qterms, question)
        if enough(cov, qterms) and rows and not by_feature:
            chosen[item] = [(None, c) for c in rows]
    if not chosen:
        related = [p[0] for p in passage.ranked_passages(engine, question, items, qterms)[:3]]
        return refusal.not_found(question, tuple(items), related)
    parts, facts, citations_by_item = [], [], {}
    for item, entries in chosen.items():
        shown_parts, cites = [], []
        for row, cand in entries:
            if cand is not None:
                shown_parts.append(shown(cand))
                facts.append(fact(cand))
                cites.append(cand.citation)
            else:
                shown_parts.append(shown_row(row))
                facts.append(Fact(item, row.attribute, row.value, row.section, row.source, row.line_start,
                                  row.qualifier))
                cites.append(_citation(engine, item, row))
        parts.append(f"{item}: {'; '.join(dict.fromkeys(shown_parts))}")
        citations_by_item[item] = list(dict.fromkeys(cites))
    citations: list[Citation] = []
    for depth in range(max(len(c) for c in citations_by_item.values())):  # each product's first first
        citations += [c[depth] for c in citations_by_item.values() if depth < len(c)]
    text = ". ".join(parts) + "."
    missing = [i for i in items if i not in chosen]
    if missing:
        text += f" The datasheet of {', '.join(missing)} does not give this."
    verdict_line = ""
    if by_feature and not missing:
        verdict_line = _which(question, {i: by_feature[i][0] for i in items}, by_feature[items[0]][2])
    if verdict_line:
        text = verdict_line + " " + text
    return Answer(question, "compare", text, tuple(items), facts=tuple(facts),
                  citations=tuple(citations), headline=verdict_line)


def _product_words(engine: "Assistant", items: list[str]) -> frozenset[str]:
    """Words naming the products, never features: vendor, series, kind ("the siemens socket")."""
    names: set[str] = set()
    for item in items:
        product = engine.index.products.get(item)
        if product is not None:
            names.update(word_key(f"{product.vendor} {product.series} {product.kind}").split())
    return frozenset(names)


def _named_features(engine: "Assistant", question: str, items: list[str]) -> tuple[list[str], str]:
    """The text features the question names best (not approvals), best first, and the
    phrase that names them."""
    hits = [h for h in detect_features(question, _product_words(engine, items)) if h.feature != "approvals"]
    vocab = vocabulary()
    named = [h for h in hits if h.words == hits[0].words
             and vocab.features.get(h.feature) and vocab.features[h.feature].dimension == "text"]
    return [h.feature for h in named], (named[0].phrase if named else "")


def _by_feature(engine: "Assistant", question: str, items: list[str]) -> dict[str, tuple[list[Reading], list[SpecRow], str]]:
    """item → (readings, rows, feature) of the feature the question names, for the
    products whose sheets give it; empty when the question names no feature."""
    vocab = vocabulary()
    hits = [h for h in detect_features(question, _product_words(engine, items)) if h.feature != "approvals"]
    if not hits:  # "which can run hotter?": the comparative names the feature
        word = _COMPARATIVE.search(question)
        implied = _IMPLIED.get(word.group(1).lower(), "") if word else ""
        hits = [FeatureHit(implied, 1, word.group(1).lower())] if implied else []
    if not hits:
        return {}
    standard = asked_standard(question)
    conductor = vocab.conductor_of(question)
    top = hits[0].words
    out = {}
    for item in items:
        rows = list(engine.tables[item].rows)
        for hit in (h for h in hits if h.words == top):
            found = feature_readings(rows, hit.feature, question, standard, conductor)
            if found:
                picked: list[SpecRow] = []
                for reading in found:
                    picked += [r for r in reading.rows if r not in picked]
                out[item] = (found, picked, hit.feature)
                break
    return out


def _citation(engine: "Assistant", item: str, row: SpecRow) -> Citation:
    for cand in engine.candidates.get(item, []):
        if cand.row is row or (cand.row is not None and (cand.row.line_start, cand.row.label) ==
                               (row.line_start, row.label)):
            return cand.citation
    return engine.citation(item, row.source, row.section, row.line_start, row.line_end)


def _which(question: str, readings: dict[str, list[Reading]], feature: str) -> str:
    """``2002-1204: the higher strip length.`` when the question asks which is higher /
    wider / hotter (the top of each range; for lower / colder, the bottom), on one unit."""
    word = _COMPARATIVE.search(question)
    if not word or len(readings) < 2:
        return ""
    low = word.group(1).lower() in _SMALLER
    first = next(iter(readings.values()))[0]
    unit = first.quantity.unit
    if unit == "AWG":
        unit = "mm²"
    values = {}
    for item, found in readings.items():
        numbers = [v for r in found if (v := reading_value(r, unit, high=not low)) is not None]
        if not numbers:
            return ""
        values[item] = min(numbers) if low else max(numbers)
    if len(set(values.values())) == 1:
        return ""
    pick = (min if low else max)(values, key=values.get)
    name = vocabulary().features[feature].name if feature in vocabulary().features else feature
    return f"{pick}: the {'lower' if low else 'higher'} {name}."
