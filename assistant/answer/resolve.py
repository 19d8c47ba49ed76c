"""Product resolution: which products a question is about.

Item numbers as users type them (``2002-1204``, ``2002 1204``, ``20021204``, ``770-1252``,
``the 770 plug``), family, kind and colour hints (``blue TOPJOB S``, ``WINSTA plug``), and the
conversation so far (a follow-up keeps the product of the last question that named one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Product
from .retrieval import stem, words

# Something typed like an item number: 3–4 digits, optionally more digit groups.
_ITEMISH = re.compile(r"(?<![\d.,])(\d{3,4}(?:[-\s/]?\d{2,4}){0,3})(?![\d.,]|\s*(?:mm|awg|v\b|a\b|kv|°|n\b|g\b|inch|%))",
                      re.IGNORECASE)
_STRICT_ITEM = re.compile(r"^\d{3,4}-\d{3,4}(?:/\d{3}-\d{3,4})?$")


@dataclass(frozen=True)
class Resolution:
    """Products a question is about; ``unknown`` holds item numbers typed that match no
    product; ``source`` is ``"question"``, ``"hint"``, ``"history"`` or ``"none"``."""

    items: tuple[str, ...]
    unknown: tuple[str, ...]
    source: str


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class ProductResolver:
    """Resolves questions against a fixed list of products."""

    def __init__(self, products: list[Product]):
        self.products = products
        self._digits = {p.item: _digits(p.item) for p in products}
        self._groups = {p.item: re.findall(r"\d+", p.item) for p in products}
        self.hints: dict[str, dict[str, float]] = {}
        for p in products:
            hint: dict[str, float] = {}
            for word in words(re.sub(r"[®™]", "", p.family)):
                if len(word) > 2 and word not in {"special", "series"}:
                    hint[stem(word)] = 2.0
            for word in words(p.kind):
                hint.setdefault(stem(word), 1.0)
            for word in words(p.color):
                hint.setdefault(stem(word), 0.5)
            self.hints[p.item] = hint

    def hint_terms(self, items: tuple[str, ...] | list[str]) -> set[str]:
        """Stems that name these products (family, kind, colour): not attribute words."""
        out: set[str] = set()
        for item in items:
            out.update(self.hints.get(item, {}))
        return out

    def _by_number(self, question: str) -> tuple[list[str], list[str]]:
        found: list[str] = []
        unknown: list[str] = []
        for match in _ITEMISH.finditer(question):
            typed = match.group(1).strip()
            digits = _digits(typed)
            hits = [item for item, d in self._digits.items()
                    if d.startswith(digits) and self._aligned(item, typed)]
            if hits:
                found.extend(h for h in hits if h not in found)
            elif _STRICT_ITEM.match(typed) or (len(digits) >= 7 and "-" in typed):
                unknown.append(typed)
        return found, unknown

    def _aligned(self, item: str, typed: str) -> bool:
        """``770`` names ``770-1252/…`` but ``77`` or ``7701`` do not: the typed digits must
        end on one of the item number's group boundaries."""
        digits, total = _digits(typed), ""
        for group in self._groups[item]:
            total += group
            if total == digits:
                return True
        return False

    def _by_hint(self, question: str) -> list[str]:
        stems = {stem(w) for w in words(question)}
        scores = {item: sum(w for s, w in hint.items() if s in stems) for item, hint in self.hints.items()}
        best = max(scores.values(), default=0)
        if best < 1:
            return []
        top = [item for item, score in scores.items() if score == best]
        return top if len(top) == 1 else []

    def resolve(self, question: str, history: tuple[str, ...] | list[str] = ()) -> Resolution:
        """The products a question is about (see the module docstring)."""
        found, unknown = self._by_number(question)
        if found or unknown:
            return Resolution(tuple(found), tuple(unknown), "question")
        hinted = self._by_hint(question)
        if hinted:
            return Resolution(tuple(hinted), (), "hint")
        for earlier in reversed(list(history)):
            found, _unknown = self._by_number(earlier)
            found = found or self._by_hint(earlier)
            if found:
                return Resolution(tuple(found), (), "history")
        return Resolution((), (), "none")
