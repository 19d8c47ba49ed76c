"""Intent: what a question asks for, once its products are resolved.

The question is read with its typos corrected against the products' own words and the
vocabulary (:func:`.matching.correct_spelling`), and the canonical features it names are
found (:func:`.matching.detect_features`). Then the kind of answer:

- ``check``: a value with a unit to hold against the sheet (``6 mm² solid ok?``,
  ``25A in Ex e II?``) — not a wh-question (``which adapter fits 4 mm plugs?`` is none);
- ``yesno``: a yes/no question without a value (``is it UL listed?``, ``is it shielded?``,
  ``can I use aluminium wire?``): a verdict from boolean, approval and text rows;
- ``meaning``: what a symbol or abbreviation printed on the sheet means (``what does
  III / 3 mean?``);
- ``procedure``: how / where / why / when — a quoted passage;
- ``compare`` (two products or more named), ``overview`` (a product and nothing else),
  ``lookup`` (a value).

An elliptical follow-up ("and for the 770 plug?", "and under UL?") repeats the previous
question's terms and features for the new product or qualifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..vocabulary import vocabulary, word_key
from . import fit
from .matching import FeatureHit, correct_spelling, detect_features, spelling_lexicon
from .retrieval import expand, key_terms, stem, words
from .yesno import asked_marks

if TYPE_CHECKING:
    from .assistant import Assistant
    from .resolve import Resolution

_FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|also|same for|and for|and under|and in)\b|"
                        r"\b(it|its|it's|that|this one|them)\b", re.IGNORECASE)
_WH = re.compile(r"^\s*(what|which|who|whom|whose|how|where|when|why)\b", re.IGNORECASE)
_YES_NO = re.compile(r"^\s*(is|are|does|do|can|could|may|will|would|has|have|should|must|am|shall)\b",
                     re.IGNORECASE)
PROCEDURE = re.compile(
    r"\b(?:intended|used|designed|meant)\s+for\b|^\s*what\s+is\s+(?:it|the\s+[\w-]+)\s+(?:for|used\s+for)\b|"
    r"^\s*(how\s+(do|can|should|would|to|must|does|is|are|will)\b(?!\s+\w+\s+(wide|deep|high|heavy|long|big|"
    r"thick|much|many|far))|where\s|why\s|when\s|what\s+(to\s+watch|happens|should\s+i\s+do|do\s+i\s+do|"
    r"is\s+the\s+(procedure|way|right\s+way))|explain|describe|instructions?\b|steps?\b|procedure)",
    re.IGNORECASE)
_MEANING = re.compile(r"\bwhat\s+(?:does|do|is)\s+(?P<symbol>.+?)\s+(?:mean|stand\s+for)\b|"
                      r"\bmeaning\s+of\s+(?P<symbol2>.+?)(?:\s+(?:on|in|for)\s+the\b|\?|$)",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Intent:
    """The kind of answer a question asks for (see the module docstring), its key terms
    (stems, in question order), the question as read (typos corrected), the features it
    names (best first) and, for ``meaning``, the symbol asked about."""

    kind: str
    qterms: list[str]
    question: str = ""
    features: list[FeatureHit] = field(default_factory=list)
    symbol: str = ""


def _lexicon(engine: "Assistant", items: list[str]) -> frozenset[str]:
    texts = []
    for item in items[:5]:
        table = engine.tables[item]
        texts += [r.label for r in table.rows] + [a.approval for a in table.approvals]
    return spelling_lexicon(texts)


def product_words(engine: "Assistant", items: list[str]) -> frozenset[str]:
    """Word keys naming the products (vendor, kind, series words): never features."""
    out: set[str] = set()
    vocab = vocabulary()
    for item in items:
        p = engine.resolver.by_item.get(item)
        if p is None:
            continue
        out.update(word_key(f"{p.vendor} {p.kind} {p.series}").split())
        for alias, names in vocab.kind_aliases.items():  # "breaker" for a circuit breaker
            if p.kind in names:
                out.update(alias.split())
    return frozenset(out)


def decide(engine: "Assistant", question: str, history: list[str], resolution: "Resolution",
           items: list[str]) -> Intent:
    """The intent of a cleaned question about ``items`` (see the module docstring)."""
    ignore_words = product_words(engine, items)
    question = correct_spelling(question, _lexicon(engine, items), keep=ignore_words)
    follow_up = bool(history) and bool(_FOLLOW_UP.search(question))
    ignore = engine.resolver.hint_terms(items) | {stem(w) for w in words(" ".join(items))}
    qterms = key_terms(question, ignore)
    features = detect_features(question, ignore_words)
    # "and under UL?": an approval body alone qualifies the previous question's feature
    qualifier_only = all(h.feature == "approvals" for h in features)
    if follow_up and qualifier_only and (not _names_attribute(engine, items, qterms, ignore_approvals=True)
                                         or _qualifies_earlier(engine, items, qterms, history[-1], ignore_words)):
        # an elliptical follow-up ("and for the 770 plug?", "and under UL?") asks the
        # previous question again; one naming its own attribute ("how heavy is it?") not
        earlier_question = correct_spelling(history[-1], _lexicon(engine, items), keep=ignore_words)
        earlier = key_terms(earlier_question, ignore)
        qterms = earlier + [t for t in qterms if t not in earlier]
        features = detect_features(earlier_question, ignore_words)
        question_for_kind = f"{earlier_question} {question}"
    else:
        question_for_kind = question
    meaning = _MEANING.search(question)
    if meaning:
        symbol = (meaning.group("symbol") or meaning.group("symbol2") or "").strip(" '\"“”")
        return Intent("meaning", qterms, question, features, symbol)
    if PROCEDURE.search(question):
        return Intent("procedure", qterms, question, features)
    asked = fit.asked_value(engine.resolver.mask(question_for_kind))
    if asked is not None and not _WH.match(question):
        return Intent("check", qterms, question_for_kind, features)
    yes_no = _YES_NO.match(question) or (not _WH.match(question) and asked_marks(question)
                                         and re.search(r"approv|certif|listed|recogni|compliant", question, re.I))
    if yes_no and not (len(items) >= 2 and resolution.source == "question"):
        return Intent("yesno", qterms, question, features)
    if not qterms and not features:
        return Intent("overview", qterms, question, features)
    if len(items) >= 2 and resolution.source == "question":
        return Intent("compare", qterms, question, features)
    return Intent("lookup", qterms, question, features)


def _qualifies_earlier(engine: "Assistant", items: list[str], qterms: list[str], earlier: str,
                       ignore_words: frozenset[str]) -> bool:
    """Whether the question's terms name a qualifier of the rows of the feature the earlier
    question asked ("what's the cable plug wire range?" → "and the chassis connector?":
    ``Wire Range | Chassis Connector``)."""
    asked = {h.feature for h in detect_features(earlier, ignore_words)}
    wanted = {t for q in qterms for t in expand(q)}
    return bool(asked and wanted) and any(
        c.row is not None and c.row.feature in asked and wanted & c.qualifier_terms
        for item in items for c in engine.candidates.get(item, []))


def _names_attribute(engine: "Assistant", items: list[str], qterms: list[str],
                     ignore_approvals: bool = False) -> bool:
    """Whether a question term (or a synonym) names an attribute of these products (with
    ``ignore_approvals``, approval records do not count: "under UL" names a qualifier)."""
    wanted = {t for q in qterms for t in expand(q)}
    return any(wanted & (c.all_terms if c.kind == "accessory" else c.attribute_terms)
               for item in items for c in engine.candidates.get(item, [])
               if not (ignore_approvals and c.kind == "approval"))
