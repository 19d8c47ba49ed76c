"""Intent: what a question asks for, once its products are resolved.

Decides the answer kind (check, compare, lookup, overview) and the key terms the answer's
source must cover; an elliptical follow-up ("and for the 770 plug?", "and under UL?")
repeats the previous question's terms for the new product or qualifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import fit
from .retrieval import expand, key_terms, stem, words

if TYPE_CHECKING:
    from .assistant import Assistant
    from .resolve import Resolution

_FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|also|same for|and for|and under|and in)\b|"
                        r"\b(it|its|it's|that|this one|them)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Intent:
    """The kind of answer a question asks for (``check``, ``compare``, ``lookup``,
    ``overview``) and its key terms (stems, in question order)."""

    kind: str
    qterms: list[str]


def decide(engine: "Assistant", question: str, history: list[str], resolution: "Resolution",
           items: list[str]) -> Intent:
    """The intent of a cleaned question about ``items`` (see the module docstring)."""
    follow_up = bool(history) and bool(_FOLLOW_UP.search(question))
    ignore = engine.resolver.hint_terms(items) | {stem(w) for w in words(" ".join(items))}
    qterms = key_terms(question, ignore)
    if follow_up and not _names_attribute(engine, items, qterms):
        # an elliptical follow-up ("and for the 770 plug?", "and under UL?") asks the
        # previous question again; one naming its own attribute ("how heavy is it?") not
        earlier = key_terms(history[-1], ignore)
        qterms = earlier + [t for t in qterms if t not in earlier]
    if fit.is_check(question):
        return Intent("check", qterms)
    if not qterms:
        return Intent("overview", qterms)
    if len(items) >= 2 and resolution.source == "question":
        return Intent("compare", qterms)
    return Intent("lookup", qterms)


def _names_attribute(engine: "Assistant", items: list[str], qterms: list[str]) -> bool:
    """Whether a question term (or a synonym) names an attribute of these products."""
    wanted = {t for q in qterms for t in expand(q)}
    return any(wanted & c.attribute_terms for item in items for c in engine.candidates.get(item, []))
