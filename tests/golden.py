"""Helpers for the golden spec-table tests: read the shipped corpus once, look rows up."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from assistant.index import indexing
from assistant.records import SpecRow, SpecTable

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@cache
def shipped_tables() -> dict[str, SpecTable]:
    """The spec tables of the shipped datasheets, by item number (no index, no model)."""
    ingested, skipped = indexing.ingest(CORPUS)
    assert not skipped, skipped
    return {i.table.product.item: i.table for i in ingested}


def row(table: SpecTable, attribute: str, qualifier: str = "") -> SpecRow:
    """The one row with this attribute and qualifier (fails when none or several)."""
    found = [r for r in table.rows if r.attribute == attribute and r.qualifier == qualifier]
    assert len(found) == 1, f"{attribute!r} {qualifier!r}: {[r.label for r in found]}"
    return found[0]


def numbers(r: SpecRow) -> tuple:
    """(low, high, unit, marker, alt_low, alt_high, alt_unit) of a row, for comparisons."""
    q, a = r.quantity, r.alternate
    return (q.low, q.high, q.unit, q.marker) + ((a.low, a.high, a.unit) if a else (None, None, None))
