"""The attribute vocabulary: vendor words as data (``vocabulary.toml`` beside this file).

The data file maps canonical features (``rated_current``, ``strip_length``,
``cross_section`` …) to the labels vendors print and the words installers type, and names
conductor classes, units, product kinds, identifier labels, vendors, page furniture, table
header words and the synonym groups the answer engine uses. Code everywhere is generic over
it; :func:`vocabulary` loads it once (``tomllib``) into a :class:`Vocabulary`.

Phrases are compared as *word keys*: lower case, punctuation folded to spaces,
``fine-stranded`` → ``fine stranded`` (see :func:`word_key`).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("vocabulary.toml")

_NON_WORD = re.compile(r"[^0-9a-zäöüßµ²°ω%+\u2011]+")


def word_key(text: str) -> str:
    """A phrase as compared with vocabulary phrases: lower case, words separated by one
    space, punctuation dropped: ``"Rated current (In)"`` → ``"rated current in"``,
    ``"Fine-stranded conductor, push-in"`` → ``"fine stranded conductor push in"``."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("·", " ")).split())


def code_key(text: str) -> str:
    """A code compared as typed: letters and digits only, lower case (``"LZS:RT78725"`` →
    ``"lzsrt78725"``, ``"PT 2,5"`` → ``"pt25"``)."""
    return _CODE_SEPARATORS.sub("", text.lower())


_CODE_SEPARATORS = re.compile(r"[\W_]+")


def _contains(haystack: str, needle: str) -> int:
    """Word position of phrase ``needle`` in ``haystack`` (both word keys), or -1."""
    if not needle:
        return -1
    padded = f" {haystack} "
    at = padded.find(f" {needle} ")
    return -1 if at < 0 else padded[:at].count(" ")


@dataclass(frozen=True)
class Feature:
    """A canonical feature: its id, display name, unit dimension (``current``, ``length``,
    ``text``, ``boolean``, ``any`` …), the label phrases vendors print for it, the words
    installers use for it, and for a text feature the values a yes/no question may name
    (``push-in`` for the connection technology; all as word keys). ``value_pattern``: a
    regular expression a row's value must match to be of the feature (a standard's name
    for ``standards``: "Standard designation | M12 connector" is none). ``symbols``: the
    letter symbols standards give the feature (``In``, ``Ue``), as printed (case matters:
    ``In`` is no ``in``); a label that is only a symbol names the feature."""

    id: str
    name: str
    dimension: str
    labels: tuple[str, ...]
    words: tuple[str, ...]
    values: tuple[str, ...] = ()
    value_pattern: str = ""
    symbols: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    """A printed unit: canonical spelling, dimension, and the spellings that mean it."""

    symbol: str
    dimension: str
    aliases: tuple[str, ...]


class Vocabulary:
    """The loaded vocabulary (see the module docstring). Raises ValueError naming the file
    when the data file is not valid TOML or lacks a section."""

    def __init__(self, data: dict, fingerprint: str):
        try:
            self.fingerprint = fingerprint
            self.features: dict[str, Feature] = {
                fid: Feature(fid, spec["name"], spec["dimension"],
                             tuple(word_key(x) for x in spec.get("labels", ())),
                             tuple(word_key(x) for x in spec.get("words", ())),
                             tuple(word_key(x) for x in spec.get("values", ())),
                             spec.get("value_pattern", ""), tuple(spec.get("symbols", ())))
                for fid, spec in data["features"].items()}
            conductors = data["conductors"]
            self.conductor_order: tuple[str, ...] = tuple(conductors["order"])
            self.conductor_words: dict[str, tuple[str, ...]] = {
                c: tuple(word_key(w) for w in conductors[c].get("words", ())) for c in self.conductor_order}
            self.conductor_negated: dict[str, tuple[str, ...]] = {
                c: tuple(word_key(w) for w in conductors[c].get("negated", ())) for c in self.conductor_order}
            self.units: dict[str, Unit] = {
                symbol: Unit(symbol, spec["dimension"], tuple(spec.get("aliases", ())))
                for symbol, spec in data["units"].items()}
            kinds = data["kinds"]
            self.kinds: tuple[str, ...] = tuple(kinds["names"])
            self.accessory_kinds: frozenset[str] = frozenset(kinds.get("accessory_kinds", ()))
            self.kind_aliases: dict[str, tuple[str, ...]] = {
                word_key(k): tuple(v) for k, v in kinds.get("aliases", {}).items()}
            self.identity_labels: tuple[str, ...] = tuple(word_key(x) for x in data["identity"]["labels"])
            self.series_labels: tuple[str, ...] = tuple(word_key(x) for x in data["identity"]["series_labels"])
            self.vendors: dict[str, tuple[str, ...]] = {
                name: tuple(x.lower() for x in forms) for name, forms in data["vendors"].items()}
            self.ignored_domains: tuple[str, ...] = tuple(data.get("vendors_ignore", {}).get("domains", ()))
            self.furniture_starts: tuple[str, ...] = tuple(data["furniture"]["line_starts"])
            self.furniture_anywhere: tuple[str, ...] = tuple(data["furniture"]["anywhere"])
            tables = data["tables"]
            self.header_words: frozenset[str] = frozenset(word_key(x) for x in tables["header_words"])
            self.subrow_words: frozenset[str] = frozenset(word_key(x) for x in tables["subrow_words"])
            self.bullets: tuple[str, ...] = tuple(tables["bullets"])
            self.part_list_words: tuple[str, ...] = tuple(
                data.get("answers", {}).get("part_list_words", ()))
            self.universal_values: frozenset[str] = frozenset(
                word_key(x) for x in data.get("answers", {}).get("universal_values", ()))
            self.note_prefixes: tuple[str, ...] = tuple(word_key(x) for x in data["notes"]["prefixes"])
            self.section_words: frozenset[str] = frozenset(
                word_key(x) for x in data.get("sections", {}).get("words", ()))
            self.text_labels: tuple[str, ...] = tuple(word_key(x) for x in data.get("labels", {}).get("known", ()))
            self.synonym_groups: tuple[str, ...] = tuple(data["synonyms"]["groups"])
            approvals = data.get("approvals", {})
            self.approval_marks: tuple[str, ...] = tuple(approvals.get("marks", ()))
            self.approval_groups: dict[str, tuple[str, ...]] = {
                word_key(k): tuple(v) for k, v in approvals.get("groups", {}).items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{DATA_FILE}: vocabulary section or key missing or malformed ({exc!r})") from exc

    # ---------------------------------------------------------------- units

    @cached_property
    def unit_spellings(self) -> dict[str, str]:
        """Every spelling of a unit (lower case, as printed) → its canonical symbol."""
        out: dict[str, str] = {}
        for unit in self.units.values():
            out.setdefault(unit.symbol.lower(), unit.symbol)
            for alias in unit.aliases:
                out.setdefault(alias.lower(), unit.symbol)
        return out

    def unit(self, printed: str) -> str | None:
        """The canonical unit of a printed spelling (``"Nm"`` → ``"N·m"``, ``"Ibin"`` →
        ``"lb·in"``, ``"mm2"`` → ``"mm²"``), None when it is no unit. Case matters only
        where it must (``mΩ`` vs ``MΩ``, ``m`` vs ``M``)."""
        if printed in self.units:
            return printed
        return self.unit_spellings.get(printed.lower())

    def dimension(self, unit: str) -> str:
        """The dimension of a canonical unit (``"A"`` → ``"current"``), ``""`` when unknown."""
        found = self.units.get(unit)
        return found.dimension if found else ""

    # ---------------------------------------------------------------- features

    @cached_property
    def _label_index(self) -> dict[str, tuple[str, ...]]:
        """label phrase (word key) → the features it names, in file order."""
        index: dict[str, list[str]] = {}
        for f in self.features.values():
            for label in f.labels:
                index.setdefault(label, []).append(f.id)
        return {k: tuple(v) for k, v in index.items()}

    def is_note(self, label: str) -> bool:
        """Whether a row label annotates another row (``Note on …``, ``Legend …``)."""
        key = word_key(label)
        return any(key == p or key.startswith(p + " ") for p in self.note_prefixes)

    @lru_cache(maxsize=65536)
    def feature_of(self, label: str, dimension: str = "") -> str:
        """The canonical feature a row label names, ``""`` when none.

        ``dimension`` is the dimension of the row's value unit (``""`` for a text value):
        a feature whose dimension disagrees is skipped, so ``Conductor connection type
        screw`` is no cross section. The longest label phrase found in the label wins; at
        equal length the one found earliest. (Cached: a catalogue repeats its labels.)
        """
        key = word_key(label)
        if not key or self.is_note(label):
            return ""
        words = key.split()
        index = self._label_index
        for size in range(len(words), 0, -1):  # longest phrase first, then earliest
            for start in range(len(words) - size + 1):
                for fid in index.get(" ".join(words[start:start + size]), ()):
                    if self._fits(fid, dimension):
                        return fid
        return ""

    def feature_of_symbol(self, label: str, dimension: str = "") -> str:
        """The feature whose letter symbol a label is, as printed (``"In"`` with a current
        → ``rated_current``; an ordering table's column ``In [A]``), ``""`` when the label
        is no symbol or the value's ``dimension`` disagrees."""
        label = label.strip(" ()[]:")
        for feature in self.features.values():
            if label in feature.symbols and self._fits(feature.id, dimension):
                return feature.id
        return ""

    def _fits(self, feature: str, dimension: str) -> bool:
        want = self.features[feature].dimension
        if want == "any":
            return True
        if want == "area":
            return dimension in ("area", "awg", "kcmil")
        if want in ("text", "boolean"):
            return dimension in ("", "text", "boolean")
        if want == "count":
            return dimension == "count"
        return dimension == want

    def conductor_of(self, text: str) -> str:
        """The conductor class a label or question names (``solid``, ``stranded``,
        ``fine_stranded``, ``ferrule``, ``ferrule_collar``, ``ferrule_no_collar``), ``""``
        when none: "with ferrule … without plastic collar" → ``ferrule_no_collar``;
        "flexible without ferrule" → ``fine_stranded``."""
        key = word_key(text)
        if not key:
            return ""
        for klass in self.conductor_order:
            if any(_contains(key, w) >= 0 for w in self.conductor_negated[klass]):
                return klass
        # ferrule classes first; among the others the class the text names first
        # ("AWG, solid or stranded" → solid; "fine-stranded" is not "stranded")
        found = []
        for rank, klass in enumerate(self.conductor_order):
            spots = [at for w in self.conductor_words[klass] if (at := _contains(key, w)) >= 0]
            if spots:
                specific = 0 if klass in ("ferrule_collar", "ferrule_no_collar") else 1 if klass == "ferrule" else 2
                found.append((specific, min(spots), rank, klass))
        return min(found)[3] if found else ""

    # ---------------------------------------------------------------- products

    def kinds_in(self, text: str) -> list[tuple[int, str]]:
        """Product kinds named in a text as (word position, kind), in text order; at one
        position the longest kind."""
        # hyphenated words stay whole (a "plug-in socket" is a socket, not a plug) and
        # plurals count ("Power Connectors")
        def singular(phrase: str) -> str:
            key = word_key(phrase.replace("-", "\u2011"))
            return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                            for w in key.split())

        key = f" {singular(text)} "
        found: dict[int, str] = {}
        for kind in self.kinds:
            needle = f" {singular(kind)} "
            start = key.find(needle)
            while start >= 0:
                at = key[:start].count(" ")
                if at not in found or len(kind) > len(found[at]):
                    found[at] = kind
                start = key.find(needle, start + 1)
        return sorted(found.items())

    def vendor_in(self, text: str) -> str:
        """The known vendor whose name or domain a text contains (most mentions), ``""``."""
        lowered = text.lower()
        best, count = "", 0
        for name, forms in self.vendors.items():
            n = sum(len(re.findall(rf"(?<![\w-]){re.escape(form)}(?![\w-])", lowered)) for form in forms)
            if n > count:
                best, count = name, n
        return best

    # ---------------------------------------------------------------- answering

    def features_by_value(self, question: str) -> list[str]:
        """Text features whose values the question names (``is it push-in?`` →
        ``connection_technology``; ``a B curve breaker?`` → ``tripping_characteristic``)."""
        key = f" {word_key(question)} "
        return [f.id for f in self.features.values() if any(f" {v} " in key for v in f.values)]

    @cached_property
    def question_words(self) -> dict[str, tuple[str, ...]]:
        """feature id → the words and label phrases that name it in a question (labels of
        two words or more: a single label word like "conductor" or "housing" names no
        feature in a question by itself unless it is among the feature's words)."""
        return {f.id: tuple(dict.fromkeys(f.words + tuple(l for l in f.labels if " " in l)))
                for f in self.features.values()}


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary of the installed data file, loaded once per process.

    Raises ValueError naming the file when it is not valid TOML or lacks a section."""
    data = DATA_FILE.read_bytes()
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{DATA_FILE}: not a valid vocabulary file ({exc})") from exc
    return Vocabulary(parsed, hashlib.sha256(data).hexdigest()[:16])
