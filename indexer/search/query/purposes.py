"""What a request is for, as a plain query says it (indexer.search.query.reading).

- beside a drug head (`medication`, `meds`), a condition is what the drug is against: the class
  named `anti-<condition>` (`medication for anxiety` = anti-anxiety, the anxiolytics);
- the words after a purpose word (`for`, `due to`, `to treat`: query_words.toml [purpose]) that name
  no concept are an indication, a diagnosis or a symptom: requests seldom state it (*Pantoprazole
  20mg #30* for GI upset), so they rank the answers and are not required (`protonix for gi upset`,
  `valium for anxiety`); a region or another concept named there stays required (`MRI for low back
  pain` = MRI AND the lumbar region, *pain* ranks; `PT for the c-spine`). Only when something before
  the purpose word names a concept: `for <words>` alone is what is asked.
"""
from __future__ import annotations

from typing import Protocol

from indexer.vocabulary import Vocabulary


class Unit(Protocol):
    """What reading.py's units offer here."""

    text: str
    concepts: tuple[str, ...]
    kinds: frozenset[str]
    role: str
    typed: str

    @property
    def low(self) -> str: ...


def against(units: list, vocab: Vocabulary, drug_heads: frozenset[str], prefixes: tuple[str, ...],
            make) -> list[str]:
    """Beside a drug head, a condition read as the class against it (`medication for anxiety` ->
    anti-anxiety, the anxiolytics; `make(name, concepts, typed)` makes the unit); the messages."""
    if not any(u.low in drug_heads for u in units):
        return []
    said = []
    for i, u in enumerate(units):
        if u.role != "required" or u.concepts or not u.low.isalpha():
            continue
        for prefix in prefixes:
            name = prefix + u.low
            spans = vocab.parse_query(name).spans
            if len(spans) == 1 and spans[0].surface == name and \
                    all(vocab.concept(c).kind == "class" for c in spans[0].concepts):
                units[i] = make(name, spans[0].concepts, u.text)
                said.append(f"'{u.text}' beside a medication read as '{name}'")
                break
    return said


def mark_purpose(units: list[Unit], purpose: tuple[str, ...]) -> list[str]:
    """The plain words after a purpose word made ranking ('generic') where a concept comes before it;
    the words so read."""
    ranked: list[str] = []
    for i in range(1, len(units)):
        for trigger in purpose:
            n = len(trigger.split())
            if " ".join(u.low for u in units[i:i + n]) != trigger or units[i].concepts:
                continue
            if not any(u.concepts and u.role in ("required", "generic", "strength") for u in units[:i]):
                continue
            for u in units[i + n:]:
                if u.role == "required" and not u.concepts and not u.typed:
                    u.role = "generic"
                    ranked.append(u.text)
    return ranked
