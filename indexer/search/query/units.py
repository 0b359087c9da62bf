"""What the query-reading rules see of a unit of a query (reading.py's `_Unit`), declared once."""
from __future__ import annotations

from typing import Protocol


class Unit(Protocol):
    """A word or a concept's name as reading.py's units offer it to the rule modules."""

    text: str
    concepts: tuple[str, ...]
    kinds: frozenset[str]
    role: str

    @property
    def low(self) -> str: ...


class TypedUnit(Unit, Protocol):
    """A unit with what was typed for it and whether it names a whole family (purposes.py)."""

    typed: str
    family: bool
