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
from functools import lru_cache
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..vocabulary import vocabulary, word_key
from . import fit
from .matching import FeatureHit, correct_spelling, detect_features, spelling_lexicon
from .retrieval import expand, key_terms, stem, words
from .yesno import asked_marks

if TYPE_CHECKING:
    from .assistant import Assistant
    from .resolve import Resolution

_FOLLOW_UP = re.compile(r"^\s*(and|n|&|plus|und|what about|how about|also|same for|and for|and under|and in)(?!\w)|"
                        r"\b(it|its|it's|that|this one|them)\b", re.IGNORECASE)
# a follow-up pointing back at what the earlier question named ("under that", "for it")
_BACK_REFERENCE = re.compile(r"\b(?:under|for|with|per|by|to)\s+(?:that|it|this|them|those)\b", re.IGNORECASE)
# "aluminium conductors in the 2002-1204 allowed": a yes/no asked at the end
_ASKS_LEAVE = re.compile(r"\b(?:allowed|ok|okay|fine|possible|permitted|permissible|acceptable)\W*$", re.IGNORECASE)
_WH = re.compile(r"^\s*(what|which|who|whom|whose|how|where|when|why)\b", re.IGNORECASE)
_YES_NO = re.compile(r"^\s*(is|are|does|do|can|could|may|will|would|has|have|should|must|am|shall)\b",
                     re.IGNORECASE)
PROCEDURE = re.compile(
    r"\b(?:intended|used|designed|meant)\s+for\b|^\s*what\s+is\s+(?:it|the\s+[\w-]+)\s+(?:for|used\s+for)\b|"
    r"^\s*(how\s+(do|can|should|would|to|must|does|is|are|will)\b(?!\s+\w+\s+(wide|deep|high|heavy|long|big|"
    r"thick|much|many|far))|where\s|why\s|when\s|what\s+(to\s+watch|happens|should\s+i\s+do|do\s+i\s+do|"
    r"is\s+the\s+(procedure|way|right\s+way))|explain|describe|instructions?\b|steps?\b|procedure)|"
    # "after tightening … what check do i do", "anything to watch when stripping …",
    # "who's allowed to work on it"
    r"\bwhat\s+\w+\s+(?:do|should|must)\s+i\s+(?:do|make|carry\s+out)\b|"
    r"\banything\s+(?:to\s+(?:watch|note|know|consider|look)|i\s+should\s+know)\b|"
    r"\bwho(?:'s|\s+is)?\s+(?:allowed|permitted|qualified|authori[sz]ed|may|can|must|should)\b",
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
    # a word that names a feature is no product word ("current" of "residual current device")
    return frozenset(out) - _feature_question_words()


@lru_cache(maxsize=1)
def _feature_question_words() -> frozenset[str]:
    return frozenset(w for phrases in vocabulary().question_words.values() for p in phrases for w in p.split()
                     if len(w) > 3)


def decide(engine: "Assistant", question: str, history: list[str], resolution: "Resolution",
           items: list[str]) -> Intent:
    """The intent of a cleaned question about ``items`` (see the module docstring)."""
    ignore_words = product_words(engine, items)
    question = correct_spelling(question, _lexicon(engine, items), keep=ignore_words)
    follow_up = bool(history) and bool(_FOLLOW_UP.search(question))
    ignore = engine.resolver.hint_terms(items) | {stem(w) for w in words(" ".join(items))}
    qterms = key_terms(question, ignore)
    features = detect_features(question, ignore_words)
    if resolution.source == "hint":  # named by words, not an identifier: "the phoenix m12 device connector"
        features = [h for h in features if not names_the_product(question, h)]
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
        if follow_up and features and _BACK_REFERENCE.search(question) and not asked_marks(question):
            # "is the 770 UL approved?" → "what's the max current under that?": the current
            # under the approval the earlier question named; "UL use group C voltage" →
            # "and the amps for that group?": under its qualifier words
            qualifiers = {t for item in items for c in engine.candidates.get(item, []) for t in c.qualifier_terms}
            said = [w for w in words(history[-1]) if stem(w) in qualifiers and stem(w) not in qterms]
            carried = list(dict.fromkeys(list(asked_marks(history[-1])) + said))
            if carried:
                question = question_for_kind = f"{question} ({' '.join(carried)})"
                qterms = qterms + [t for t in key_terms(" ".join(carried), ignore) if t not in qterms]
    meaning = _MEANING.search(question)
    if meaning:
        symbol = (meaning.group("symbol") or meaning.group("symbol2") or "").strip(" '\"“”")
        return Intent("meaning", qterms, question, features, symbol)
    if PROCEDURE.search(question):
        return Intent("procedure", qterms, question, features)
    features = _asked_first(question, _without_references(question, features))
    values = fit.asked_values(engine.resolver.mask(question_for_kind))
    if values and not _WH.match(question):
        # the value to check is one of a dimension the question's features have; another
        # describes the product ("front IP rating of the hager 16A mcb", "max load current
        # with a 4 mm² wire": no check of 16 A or of 4 mm²)
        fitting = [(a, span) for a, span in values
                   if span is None or not _describes(question_for_kind, span) or _fits_features(a, features)]
        if fitting:
            first_span = fitting[0][1]
            read = question_for_kind
            for _a, span in values:
                if span is not None and first_span is not None and span[0] < first_span[0]:
                    read = read[:span[0]] + " " * (span[1] - span[0]) + read[span[1]:]
            return Intent("check", qterms, read, features)
    yes_no = asks_yes_or_no(question) or (not _WH.match(question) and (
        asked_marks(question) and re.search(r"approv|certif(?!icate\s*(?:no\b|nr\b|number|#|id\b))|listed|recogni|"
                                            r"compliant", question, re.I)))
    if yes_no and not (len(items) >= 2 and resolution.source == "question"):
        return Intent("yesno", qterms, question, features)
    if not qterms and not features:
        return Intent("overview", qterms, question, features)
    if len(items) >= 2 and resolution.source == "question":
        return Intent("compare", qterms, question, features)
    return Intent("lookup", qterms, question, features)


_NEUTRAL = {"approvals", "standards"}


_WITH = re.compile(r"\b(?:with|using|for)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)


def asks_yes_or_no(question: str) -> bool:
    """Whether a question asks for a yes or a no ("can I …?", "… allowed?", "need at least
    ip67 - does it qualify"), not a value."""
    if _WH.match(question):
        return False
    clauses = [c for c in re.split(r"\s[-–—]\s|[:;,]\s", question) if c.strip()]
    return bool(_ASKS_LEAVE.search(question) or any(_YES_NO.match(c) for c in clauses))


def names_the_product(question: str, hit: FeatureHit) -> bool:
    """Whether a feature found by one of its values (or a designation such as ``m12``) is a
    word naming the product: it stands before a kind word ("the phoenix m12 device
    connector"). Asked only of questions naming the product by such words, not by an
    identifier ("is the A2C 2.5 a push in terminal?" asks for the value)."""
    designation = re.search(r"\d", hit.phrase or "")  # "m12" names a thread size
    if not hit.phrase or not (designation or hit.phrase in vocabulary().features[hit.feature].values):
        return False
    key = word_key(question)
    m = re.search(rf"\b{re.escape(hit.phrase)}\s+(\w+)", key)
    kinds = _kind_words()
    return bool(m) and (m.group(1) in kinds or m.group(1).rstrip("s") in kinds)


def _describes(question: str, span: tuple[int, int]) -> bool:
    """Whether a value in the question describes the product or a condition rather than
    asks to be checked: followed by a kind word ("the hager 16A mcb", "the two 16 A
    breakers") or led by "with" ("max load current with a 4 mm² wire")."""
    after = word_key(question[span[1]:]).split()[:1]
    kinds = _kind_words()
    if after and (after[0] in kinds or after[0].rstrip("s") in kinds):
        return True
    return bool(_WITH.search(question[:span[0]]))


def _kind_words() -> frozenset[str]:
    vocab = vocabulary()
    names = list(vocab.kinds) + list(vocab.kind_aliases)
    return frozenset(w for name in names for w in word_key(name).split() if len(w) > 2)


def _fits_features(asked: "fit.Asked", features: list[FeatureHit]) -> bool:
    """Whether a value can be checked against a feature the question names (or it names
    none but approval bodies and standards: "480 V under UL?")."""
    vocab = vocabulary()
    named = [h.feature for h in features if h.feature not in _NEUTRAL and h.feature in vocab.features]
    if not named:
        return True
    dimension = "area" if asked.unit in ("mm²", "AWG") else vocab.dimension(asked.unit)
    for feature in named:
        want = vocab.features[feature].dimension
        if want in ("any", "count") or want == dimension or (want in ("awg", "kcmil") and dimension == "area"):
            return True
    return False


def _without_references(question: str, features: list[FeatureHit]) -> list[FeatureHit]:
    """The features less those whose word names one of several by its number ("wire colour
    for pin 2", "pole 1"): a reference, not the feature asked."""
    key = word_key(question)
    from ..ingest.values import canonical_unit

    def reference(h: FeatureHit) -> bool:
        # a short number: "pin 2", "pole 12"; not an item number ("storing 1521850000 …")
        for m in re.finditer(rf"\b{re.escape(h.phrase.rstrip('s'))}s?\s+\d{{1,3}}\b(?![.,/-]?\d)(?:\s+(\S+))?", key):
            if not (m.group(1) and canonical_unit(m.group(1))):
                return True  # "pin 2 on the …", not "strip length 10 mm"
        return False

    return [h for h in features if not (h.phrase and reference(h))]


def _asked_first(question: str, features: list[FeatureHit]) -> list[FeatureHit]:
    """The features with the one the wh-word asks for first ("how high does it stick up
    off the DIN rail": the height, not the mounting; "contacts – what plating?")."""
    if len(features) < 2:
        return features
    asked = re.search(r"\b(?:how|what|which)\b", question, re.IGNORECASE)
    if not asked:
        return features
    window = " " + " ".join(word_key(question[asked.start():]).split()[:5]) + " "
    first = [h for h in features if h.phrase and f" {h.phrase} " in window]
    if not first or len(first) == len(features):
        return features
    top = max(h.words for h in features)
    return [replace(h, words=top + 1) for h in first] + [h for h in features if h not in first]


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
