"""A query whose only content is an amount: a schedule (`2x3`, `12 visits`, `bid`), a weight (`120 grams`)
or a dose (`dose 5 mg`), beside nothing but question words and the heads of an amount (`dose`,
`strength`, `visits`).

Beside a treatment an amount ranks (schedules.py, doses.py); asked alone it is the whole question, so the
items stating it are the answer: its marks (the schedule marks the index keeps of each request, a
weight in every spelling the letters use, a dose attached or spaced) are required, each amount typed.
"""
from __future__ import annotations

from whoosh.analysis import STOP_WORDS

from indexer.search.query import doses, numerals, schedules
from indexer.search.query.wordlists import QueryWords

# The heads of an amount's question (NCPDP SCRIPT's quantity and strength fields, a prescription's
# "dose"): they say what the number is, not what was requested.
HEADS = frozenset({"dose", "doses", "dosage", "dosages", "dosing", "strength", "strengths", "quantity", "qty",
                   "amount", "amounts", "size", "supply", "count", "frequency", "schedule", "of", "at"})
# The units a dose or a weight is typed with apart from its number (`120 grams`, `5 mg`).
UNIT_WORDS = frozenset({"g", "gm", "gms", "gram", "grams", "mg", "mgs", "mcg", "ml", "percent", "pct", "%"})


def _clause(word: str) -> tuple[str, str] | None:
    """(the syntax an amount is found by, the syntax it ranks by); None for a word that is no amount. A
    schedule is found by what it is (`2x3`: 2 a week for 3 weeks, 6 visits in all, the same as an original
    request), not by either part (any 2 a week), which only ranks."""
    if schedules.is_schedule(word):
        found = [(m, b) for m, b in schedules.token_marks(word) if b >= schedules.IMPLIED]
        marks = schedules.with_original(found)
        return "(" + " OR ".join(([word] if word.isalpha() else []) + [f"concept:'{m}'" for m, _ in marks]) + ")", \
            schedules.ranking(word) or ""
    weight = doses.weight_ranking(word) or doses.dose_query(word)
    return (weight, weight) if weight else None


def only_amount(text: str, words: QueryWords) -> tuple[str, str] | None:
    """(query syntax, the page's note) when the query's only content is amounts, else None."""
    asked = words.wrappers | words.generic | STOP_WORDS | HEADS
    for word in text.lower().split():     # most queries hold a word no amount is made of: no rewriting
        if word not in asked and word not in words.dosing and word not in UNIT_WORDS \
                and not any(c.isdigit() for c in word) and numerals.value(word) is None \
                and not schedules.is_schedule(word):
            return None
    clauses, typed = [], []
    for word in doses.join_spaced(doses.weights(schedules.written(text)[0])).split():
        clause = _clause(word)
        if clause is not None:
            clauses.append(clause)
            typed.append(word)
        elif word.lower() not in asked:
            return None
    if not clauses:
        return None
    required = " AND ".join(c[0] for c in clauses)
    return (f"(({required}) ANDMAYBE ({' OR '.join(c[1] for c in clauses)}))",
            "Only an amount asked (" + ", ".join(typed) + "): the items stating it, in any of its spellings")
