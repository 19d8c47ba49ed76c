"""Product resolution: which products a question is about — any vendor, any identifier.

- **Identifiers as typed**: every identifier a sheet prints (item, order, type numbers, the
  file stem) is compared with the question's words with case, separators and spaces
  ignored (``2002 1204``, ``lzs rt78725``, ``pt 2.5``, ``SACC-E-M12FS-5CON``); a typed
  prefix that ends where the identifier has a separator names it too (``the 770 plug``,
  ``the AK950``, ``S201``); a ``..`` in an identifier stands for any pole count
  (``AK950/06-7.5-V`` is an ``AK950/..-7.5-V``).
- **Vendor, kind and series**: ``the siemens socket``, ``the phoenix connector`` (vendor +
  product kind, typos forgiven by fuzzy matching), ``the HP series connector``, ``winsta``.
- **The conversation**: a follow-up keeps the product of the last question that named one.
- **Unknown part numbers**: a token shaped like a part number (letters and digits mixed,
  digit groups joined by separators, six digits or more) that names no product is
  ``unknown``; the answer is then a refusal that names it and lists near matches, never
  another product's values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..ingest.values import canonical_unit
from ..records import Product
from ..vocabulary import vocabulary
from .retrieval import stem, words

_STANDARD = re.compile(r"^(?:iec|en|ul|din|vde|csa|iso|nf|bs|ral|pz|ph|sw|no)\d", re.IGNORECASE)
_NOT_PART = re.compile(
    r"^(?:ip\d\w?|ip\d\dx?|m\d{1,2}(?:x\d+(?:[.,]\d+)?)?|awg\d+|\d+awg|\d+(?:[.,]\d+)?(?:mm2?|mm²|a|v|vac|vdc|kv|"
    r"amps?|w|g|nm|hz|c|f|°c|°f|s|ms|in|inch|lbin|x\d+(?:[.,]\d+)?)|v-?\d|ul94|\d+x\d+(?:[.,]\d+)?(?:mm2?)?|"
    r"[ivx]+/\d|\d{1,2}p|\d{1,5}(?:[.,]\d+)?|\d+-(?:poles?|ways?|pins?|positions?|wires?|conductors?|levels?|"
    r"pole|core|cores|gang|module|modules))$", re.IGNORECASE)
_STANDARD_WORD = re.compile(r"^(?:iec(?:/en)?|en|ul|din|vde|csa|iso|nf|bs|gb/t|c22\.2|no\.?|file|ral|tr|e)$",
                            re.IGNORECASE)
_WORD = re.compile(r"[^\s,;?!()\"']+")


def _key(text: str) -> str:
    """An identifier compared as typed: letters and digits only, lower case."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@dataclass(frozen=True)
class Resolution:
    """Products a question is about; ``unknown`` holds part numbers typed that match no
    product (as typed); ``near`` the items closest to them; ``source`` is ``"question"``,
    ``"hint"``, ``"history"`` or ``"none"``."""

    items: tuple[str, ...]
    unknown: tuple[str, ...]
    source: str
    near: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Identifier:
    item: str
    text: str
    key: str
    prefixes: frozenset[str]  # typed beginnings that end at one of its separators
    pattern: re.Pattern | None  # for identifiers with a ".." wildcard


def _identifier(item: str, text: str) -> _Identifier:
    prefixes, acc = set(), ""
    for piece in re.split(r"[^0-9A-Za-z]+", text):
        acc += piece.lower()
        if len(acc) >= 3 and any(c.isdigit() for c in acc):
            prefixes.add(acc)
    pattern = None
    if ".." in text:
        parts = [re.escape(_key(p)) for p in text.split("..")]
        pattern = re.compile("[0-9a-z]{1,3}".join(parts) + "$")
    return _Identifier(item, text, _key(text), frozenset(prefixes), pattern)


class ProductResolver:
    """Resolves questions against a fixed list of products (see the module docstring)."""

    def __init__(self, products: list[Product]):
        self.products = products
        self.by_item = {p.item: p for p in products}
        self.identifiers = [_identifier(p.item, ident) for p in products
                            for ident in dict.fromkeys((p.item,) + tuple(p.identifiers))]
        # a series written like an identifier ("PM25", "S200", "GST18") names its product
        # when it is the only one of that series
        series_of: dict[str, set[str]] = {}
        for p in products:
            for token in re.sub(r"[®™]", "", f"{p.series} {p.family}").split():
                if re.search(r"\d", token) and re.search(r"[A-Za-z]", token) and len(_key(token)) >= 3:
                    series_of.setdefault(_key(token), set()).add(p.item)
        self.series = {key: items for key, items in series_of.items() if len(items) == 1}
        self.exact: dict[str, set[str]] = {}
        self.prefix: dict[str, set[str]] = {}
        for ident in self.identifiers:
            self.exact.setdefault(ident.key, set()).add(ident.item)
            for prefix in ident.prefixes:
                self.prefix.setdefault(prefix, set()).add(ident.item)
        # the code after a family's ":" ("RT78725" of "LZS:RT78725") names the product
        # when it has letters and digits and no other identifier has it
        tails: dict[str, set[str]] = {}
        for ident in self.identifiers:
            tail = ident.text.split(":", 1)[1] if ":" in ident.text else ""
            if re.search(r"\d", tail) and re.search(r"[A-Za-z]", tail) and len(_key(tail)) >= 5:
                tails.setdefault(_key(tail), set()).add(ident.item)
        for key, items in tails.items():
            if len(items) == 1 and key not in self.exact:
                self.prefix.setdefault(key, set()).update(items)
        self.hints: dict[str, dict[str, float]] = {p.item: self._hints(p) for p in products}

    # ------------------------------------------------------------ hints

    @staticmethod
    def _hints(p: Product) -> dict[str, float]:
        """Stems that point at a product, with weights: the vendor's first word and the
        series' distinctive words 2 (a series' first word, words in capitals or with
        digits: ``TOPJOB``, ``HP``, ``AK950``; not ``compact`` or ``connect``), kind words
        1, colour 0.5."""
        hint: dict[str, float] = {}
        names = []
        vendor = p.vendor.split()
        if vendor:
            names.append(vendor[0])
        for series in {p.series, p.family}:
            tokens = re.sub(r"[®™]", "", series).split()
            names += [t for i, t in enumerate(tokens)
                      if i == 0 or (t.isupper() and len(t) >= 2) or re.search(r"\d", t)]
        for name in names:
            for word in words(name):
                if (len(word) > 2 or name.lower() == word) and word not in {"special", "series"}:
                    hint[stem(word)] = 2.0
        for word in words(p.kind):
            hint.setdefault(stem(word), 1.0)
        for word in words(p.color):
            hint.setdefault(stem(word), 0.5)
        return hint

    @cached_property
    def _hint_index(self) -> dict[str, list[tuple[str, float]]]:
        """stem → (item, weight) of every product it points at (vendor, series, kind words)."""
        out: dict[str, list[tuple[str, float]]] = {}
        for item, hint in self.hints.items():
            for s, weight in hint.items():
                out.setdefault(s, []).append((item, weight))
        return out

    @cached_property
    def _name_stems(self) -> tuple[str, ...]:
        """Vendor and series stems long enough to be matched with a typo (weight 2, 5+ letters)."""
        return tuple(s for s, pointed in self._hint_index.items() if len(s) >= 5 and any(w >= 2 for _i, w in pointed))

    @cached_property
    def _order(self) -> dict[str, int]:
        return {p.item: i for i, p in enumerate(self.products)}

    @cached_property
    def _hint_stems(self) -> frozenset[str]:
        """Every stem that names some product (vendor, series, kind words)."""
        return frozenset(s for hint in self.hints.values() for s in hint)

    @cached_property
    def _kind_words(self) -> dict[str, set[str]]:
        """stem of a word an installer uses for a kind → the items of that kind."""
        vocab = vocabulary()
        out: dict[str, set[str]] = {}
        for p in self.products:
            kinds = {p.kind} if p.kind else set()
            for alias, names in vocab.kind_aliases.items():
                if p.kind in names:
                    out.setdefault(stem(alias), set()).add(p.item)
            for kind in kinds:
                for word in words(kind):
                    out.setdefault(stem(word), set()).add(p.item)
        return out

    def hint_terms(self, items: tuple[str, ...] | list[str]) -> set[str]:
        """Stems that name these products (vendor, series, family, kind, colour, the
        words of their identifiers): not attribute words."""
        out: set[str] = set()
        for item in items:
            out.update(self.hints.get(item, {}))
            product = self.by_item.get(item)
            if product is not None:
                for ident in (product.item, *product.identifiers):
                    out.update(stem(w) for w in words(ident))
                # a name with accents as typed without: "weidmuller" for Weidmüller
                for name in (product.vendor, product.series):
                    out.update(stem(w) for word in (name or "").split() if _fold(word) != word
                               for w in words(_fold(word)))
        return out

    def _by_hint(self, question: str, names_only: bool = False) -> list[str]:
        """Products named by vendor, series or kind words (vendor and series typos
        forgiven); only an unambiguous best, or the few products of one vendor.
        ``names_only``: not by a kind word alone."""
        from rapidfuzz import fuzz

        typed = [w for w in words(question) if len(w) > 1]
        stems = {stem(w) for w in typed}
        scores: dict[str, float] = {}
        for s in stems:
            for item, weight in self._hint_index.get(s, ()):
                scores[item] = scores.get(item, 0.0) + weight
        long_typed = [stem(w) for w in typed if len(w) >= 5]
        for s in self._name_stems:  # vendor and series names typed loosely: "pheonix", "siemen"
            if s not in stems and any(fuzz.ratio(s, t) >= 83 for t in long_typed):
                for item, weight in self._hint_index[s]:
                    if weight >= 2:
                        scores[item] = scores.get(item, 0.0) + weight * 0.9
        best = max(scores.values(), default=0)
        if best < 1.5 and names_only:
            return []
        if best < 1.5:
            # a kind only one product of the corpus is ("the M23 receptacle", "the SPD")
            kinds = [set(self._kind_words.get(s, ())) for s in stems]
            only = [k for k in kinds if len(k) == 1]
            return sorted(only[0]) if only and best >= 1 else []
        top = sorted((item for item, score in scores.items() if score >= best - 1e-9), key=self._order.__getitem__)
        if len(top) > 1:  # "the phoenix connector": the kind tells the vendor's products apart
            kinds = {item for s in stems for item in self._kind_words.get(s, ())}
            narrowed = [item for item in top if item in kinds]
            top = narrowed or top
        return top if len(top) <= 3 else []

    # ------------------------------------------------------------ identifiers

    def mask(self, question: str) -> str:
        """The question with the identifiers it types blanked out, so that their digits
        are not read as values (``is the A2C 2.5 a push-in terminal`` is no 2.5 A)."""
        spans: list[tuple[int, int]] = []
        self._by_identifier(question, spans)
        for start, end in sorted(spans, reverse=True):
            question = question[:start] + " " * (end - start) + question[end:]
        return question

    def _by_identifier(self, question: str, spans: list | None = None) -> tuple[list[str], list[str]]:
        """(items named by identifiers, part numbers typed that name none); ``spans``
        collects where the identifiers stand in the question (start, end)."""
        matches = list(_WORD.finditer(question))
        tokens = [(m.group(0).strip(".:"), m.start()) for m in matches]
        found: list[str] = []
        unknown: list[str] = []
        used = [False] * len(tokens)
        for size in (4, 3, 2, 1):  # the longest run of words that is one identifier first
            if size == 1:
                self._same_shape(tokens, used, unknown)
            for start in range(len(tokens) - size + 1):
                if any(used[start:start + size]):
                    continue
                run = tokens[start:start + size]
                typed = " ".join(t for t, _ in run)
                key = _key(typed)
                if len(key) < 3 or (size > 1 and not all(_part_like_piece(t) for t, _ in run)):
                    continue
                items = self._match(key)
                if not items and re.search(r"\ds$", typed):
                    items = set(self.exact.get(_key(typed[:-1]), ()))  # "2002-1204s": a plural
                if items and size == 1 and not self.exact.get(key) and self._other_variant(tokens, start, key):
                    # "A2C 1.5" where the corpus has "A2C 2.5": another size of the family
                    typed_variant = re.match(r"\S+\s+\d+(?:[.,]\d+)?", question[run[0][1]:])
                    unknown.append(typed_variant.group(0) if typed_variant else f"{run[0][0]} {tokens[start + 1][0]}")
                    used[start:start + 2] = [True, True]
                    continue
                if items and not self.exact.get(key) and self._code_goes_on(tokens, start + size, key):
                    # "09 33 006 2601" where the corpus has "09 33 006 2701": the typed code
                    # goes on past the matching start; another part, not this product
                    end = start + size + 1
                    unknown.append(question[matches[start].start():matches[end - 1].end()])
                    used[start:end] = [True] * (end - start)
                    continue
                if items:
                    found.extend(i for i in sorted(items) if i not in found)
                    used[start:start + size] = [True] * size
                    if spans is not None:
                        spans.append((matches[start].start(), matches[start + size - 1].end()))
        for index, (token, _at) in enumerate(tokens):
            after_standard = index > 0 and _STANDARD_WORD.match(tokens[index - 1][0])
            if used[index] or after_standard:
                continue
            pair = tokens[index + 1][0] if index + 1 < len(tokens) and not used[index + 1] else ""
            if looks_like_part_number(token):
                unknown.append(token)
            elif pair and token.isupper() and token.isalpha() and len(token) <= 4 and \
                    stem(token.lower()) not in self._hint_stems and not _NOT_PART.match(pair) and \
                    re.search(r"\d", pair) and re.search(r"[A-Za-z]", pair) and looks_like_part_number(f"{token}{pair}"):
                unknown.append(f"{token} {pair}")  # "PT 4-TWIN"
                used[index + 1] = True
            elif pair and _key(token) in self._family_words and self._other_variant(tokens, index, _key(token)):
                typed = re.match(r"\S+\s+\d+(?:[.,]\d+)?", question[_at:])
                unknown.append(typed.group(0) if typed else f"{token} {pair}")  # "PT 4" (the corpus: "PT 2,5")
                used[index + 1] = True
        return found, unknown

    def _code_goes_on(self, tokens: list[tuple[str, int]], after: int, key: str) -> bool:
        """Whether the word after a run that matched an identifier only by its start is a
        further group of digits of the same code (three or more digits, no unit after it)
        that makes no identifier with the run."""
        if after >= len(tokens):
            return False
        nxt = tokens[after][0]
        following = tokens[after + 1][0] if after + 1 < len(tokens) else ""
        return bool(re.fullmatch(r"\d{3,}", nxt)) and not canonical_unit(following) \
            and not self._match(key + _key(nxt))

    @cached_property
    def _family_words(self) -> frozenset[str]:
        """First words of two-word identifiers whose second word is a number (``PT`` of
        ``PT 2,5``, ``A2C`` of ``A2C 2.5``)."""
        return frozenset(_key(i.text.split()[0]) for i in self.identifiers
                         if len(i.text.split()) == 2 and re.fullmatch(r"\d+(?:[.,]\d+)?", i.text.split()[1]))

    def _other_variant(self, tokens: list[tuple[str, int]], start: int, key: str) -> bool:
        """Whether a word matching the start of a two-word identifier (``A2C`` of ``A2C
        2.5``) is followed by a number that is not its second word (``A2C 1.5``) and no
        unit (``A2C 1.5 mm²`` is a value)."""
        if start + 1 >= len(tokens):
            return False
        nxt = tokens[start + 1][0]
        after = tokens[start + 2][0] if start + 2 < len(tokens) else ""
        if not re.fullmatch(r"\d+(?:[.,]\d+)?", nxt) or canonical_unit(after) or canonical_unit(nxt):
            return False
        two_words = [i for i in self.identifiers if i.key.startswith(key) and len(i.text.split()) == 2
                     and _key(i.text.split()[0]) == key]
        return bool(two_words) and not self._match(key + _key(nxt))

    def _match(self, key: str) -> set[str]:
        items = set(self.exact.get(key, ()))
        if not items:
            items = set(self.prefix.get(key, ()))
        if not items:
            items = set(self.series.get(key, ()))
        if not items:
            items = {i.item for i in self.identifiers if i.pattern is not None and i.pattern.match(key)}
        return items

    def _same_shape(self, tokens: list[tuple[str, int]], used: list[bool], unknown: list[str]) -> None:
        """Typed numbers shaped like an identifier of the corpus that matched none
        (``2002 1208``, ``95.03``): unknown part numbers, not quantities."""
        for size in (2, 1):
            for start in range(len(tokens) - size + 1):
                run = [t for t, _ in tokens[start:start + size]]
                if any(used[start:start + size]) or not all(re.fullmatch(r"[\d./:-]*\d", t) for t in run):
                    continue
                if size == 2 and not all(len(re.sub(r"\D", "", t)) >= 3 for t in run):
                    continue
                if size == 1 and not re.search(r"[-./:]", run[0]):
                    continue
                after = tokens[start + size][0] if start + size < len(tokens) else ""
                before = tokens[start - 1][0] if start > 0 else ""
                if canonical_unit(after) or _STANDARD_WORD.match(before):
                    continue  # "12.50 mm", "IEC 60664-1"
                typed = " ".join(run)
                if _shape(typed) in self._shapes and not self._match(_key(typed)) \
                        and not any(self._match(_key(t)) for t in run if size == 1):
                    unknown.append(typed)
                    used[start:start + size] = [True] * size

    @cached_property
    def _shapes(self) -> frozenset[str]:
        """The shapes of the corpus's identifiers with a digit group of three or more
        (``2002-1204`` → ``9999 9999``), for telling a mistyped one from a number."""
        return frozenset(_shape(i.text) for i in self.identifiers
                         if re.search(r"\d{2,}\D+\d{2,}", i.text) and not re.search(r"[A-Za-z]", i.text))

    def near(self, typed: str, limit: int = 3) -> tuple[str, ...]:
        """The items whose identifiers are closest to a typed part number (rapidfuzz)."""
        from rapidfuzz import fuzz, process

        choices = {i.key: i.item for i in self.identifiers}
        ranked = process.extract(_key(typed), list(choices), scorer=fuzz.ratio, limit=limit * 3)
        out: list[str] = []
        for key, score, _ in ranked:
            if score >= 55 and choices[key] not in out:
                out.append(choices[key])
        return tuple(out[:limit])

    # ------------------------------------------------------------ resolving

    def resolve(self, question: str, history: tuple[str, ...] | list[str] = ()) -> Resolution:
        """The products a question is about (see the module docstring)."""
        found, unknown = self._by_identifier(question)
        if unknown:
            near = tuple(dict.fromkeys(i for u in unknown for i in self.near(u)))
            return Resolution(tuple(found), tuple(unknown), "question", near)
        if found:
            # "amphenol pm25 vs kaiwei hp": a part of a comparison naming no identifier
            # names its product by vendor, kind or series
            compared = bool(_COMPARING.search(question))
            for segment in _segments(question):
                if not self._by_identifier(segment)[0]:
                    # a kind word alone names a product in a comparison or as a noun phrase
                    # ("… and the spd"); "do PCB and snap-in versions of winsta need …"
                    # names no PCB terminal block
                    named = self._by_hint(segment, names_only=_names_only(segment, compared))
                    if len(named) == 1 and named[0] not in found:
                        found = [*found, named[0]]
            return Resolution(tuple(found), (), "question")
        if len(_segments(question)) > 1:
            # "the kaiwei m23, the phoenix m12 and the amphenol pm25": each part names one
            named: list[str] = []
            compared = bool(_COMPARING.search(question))
            for segment in _segments(question):
                one = self._by_hint(segment, names_only=_names_only(segment, compared))
                if len(one) == 1 and one[0] not in named:
                    named.append(one[0])
            if len(named) >= 2:
                return Resolution(tuple(named), (), "question")
        hinted = self._by_hint(question)
        if hinted:
            return Resolution(tuple(hinted), (), "hint")
        for earlier in reversed(list(history)):
            found, _unknown = self._by_identifier(earlier)
            found = found or self._by_hint(earlier)
            if found:
                return Resolution(tuple(found), (), "history")
        return Resolution((), (), "none")


_COMPARING = re.compile(r"\b(?:vs\.?|versus|compared?|comparison|than|both|differ\w*|between|each|either|"
                        r"same\s+as|which\s+(?:one|of))\b", re.IGNORECASE)
_NOUN_PHRASE = re.compile(r"\s*(?:the|a|an|our|that)\b", re.IGNORECASE)  # "… and the spd": names a product
_COMPARED = re.compile(r"\b(?:vs\.?|versus|compared\s+(?:to|with)|against|or|and)\b", re.IGNORECASE)


def _names_only(segment: str, compared: bool) -> bool:
    """Whether a part of a question may name a product by vendor or series only, not by a
    kind word alone: outside a comparison, unless it is a noun phrase ("… and the spd")."""
    return not (compared or _NOUN_PHRASE.match(segment))


def _fold(text: str) -> str:
    """A text without its accents (``weidmül`` → ``weidmul``)."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _segments(question: str) -> list[str]:
    """The parts of a question that may each name a product: split at commas, slashes and
    "vs", "versus", "compared to", "against", "or", "and" (one part when none)."""
    parts = re.split(r",|\s/\s|" + _COMPARED.pattern, question, flags=re.IGNORECASE)
    return [p for p in parts if p and p.strip()]


def _shape(text: str) -> str:
    """Digits as 9, letters as A, any run of separators as one space: ``95.05`` → ``99 99``."""
    return " ".join(re.sub(r"\d", "9", re.sub(r"[A-Za-z]", "A", p)) for p in re.split(r"[^0-9A-Za-z]+", text) if p)


def _part_like_piece(token: str) -> bool:
    """A word that can be part of an identifier typed with spaces (``2002 1204``,
    ``lzs rt78725``, ``pt 2.5``): digits, or a short code, not a word of prose."""
    return bool(re.search(r"\d", token)) or (len(token) <= 4 and token.isalpha())


def looks_like_part_number(token: str) -> bool:
    """Whether a typed word is shaped like a part number: five or more letters and digits
    with both in it (``LZS:RT99999``, ``S203-C16``, ``P1MB1PC99``), or digit groups
    joined by separators (``2002-1299``, ``770-1299/076-000``), or six digits or more;
    not a quantity, a standard, an IP code or a gauge (``2.5mm2``, ``IEC 60664-1``,
    ``IP67``, ``14awg``)."""
    token = token.strip(".,:;!?()[]'\"")
    key = _key(token)
    if len(key) < 5 or _NOT_PART.match(token) or _NOT_PART.match(key) or _STANDARD.match(key):
        return False
    has_letters, has_digits = bool(re.search(r"[a-z]", key)), bool(re.search(r"\d", key))
    if has_letters and has_digits:
        return sum(c.isdigit() for c in key) >= 1 and len(key) >= 5
    if has_digits and not has_letters:
        return bool(re.search(r"\d[-/:_]\d", token)) or len(key) >= 6
    return False
