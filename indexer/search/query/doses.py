"""Doses as typed in a query, searched in every way letters write them.

Letters write `Norco 10/325mg`, `10/325 mg` or `10 mg`; users type `10/325`,
`5 / 325 mg` or `10mg`. The index holds a dose's bare number beside it
(indexer.index.analysis: `10mg` is also `10`, `10/325mg` also `10325`), so a dose
typed without its unit finds it with one. A dose typed with a unit is searched
attached, spaced and bare, the bare number being the first strength of a combination (`Norco 10mg`
finds `Norco 10/325 mg`): `10mg` -> `(10mg OR "10 mg" OR 10)`, and a dose typed with spaces
is first written as one word (`5 / 325 mg` -> `5/325mg`). The query parser
(`parser._rewrite_compounds`) applies both outside quoted phrases.
"""
from __future__ import annotations

import re

from indexer.index.analysis import NUMBER, UNITS, compound_parts, is_compound, joined_form

# A dose written with spaces: '10 mg', '5 / 325 mg', '10/325 mg' (not inside another word).
_SPACED = re.compile(rf"(?<![\w./-]){NUMBER}(?:\s*/\s*{NUMBER})*(?:\s*{UNITS})?(?![\w./-])", re.IGNORECASE)
_ENDS_IN_UNIT = re.compile(rf"(?<=\d)({UNITS})$", re.IGNORECASE)


def join_spaced(text: str) -> str:
    """Doses written with spaces made one word ('5 / 325 mg' -> '5/325mg'); other text as it is."""
    return _SPACED.sub(lambda m: re.sub(r"\s+", "", m[0]), text)


def _phrase(words: list[str]) -> str:
    return words[0] if len(words) == 1 else '"' + " ".join(words) + '"'


def dose_query(word: str) -> str | None:
    """A dose with its unit as query syntax, attached and spaced:
    '10mg' -> '(10mg OR "10 mg" OR 10)', '10/325mg' -> '(10325mg OR "10 325mg" OR "10325 mg" OR "10 325 mg")';
    None for a word that does not end in a number and a unit. (A one-digit number is no word
    of the index: '5mg' is searched attached only.)"""
    low = word.lower()
    unit = _ENDS_IN_UNIT.search(low)
    if not unit:
        return None
    if is_compound(low):
        joined, parts = compound_parts(low)
        forms = [[joined]] + ([parts] if len(parts) == len(re.split(r"[-/]", low)) else [])
    else:
        forms = [[joined_form(low)]]
    # Spaced only where the number is a word: a one-digit '5 mg' is indexed as 'mg' alone.
    spaced = [form[:-1] + [form[-1][:-len(unit[1])], unit[1]] for form in forms
              if len(form[-1]) - len(unit[1]) >= 2]
    # A single strength may be the first of a combination ('Norco 10mg' is written 'Norco 10/325 mg',
    # whose first part is indexed as the bare '10'): the bare number too, where it is a word.
    first = [] if is_compound(low) else [[low[:-len(unit[1])]]]
    first = [f for f in first if len(f[0]) >= 2]
    return "(" + " OR ".join(_phrase(f) for f in forms + spaced + first) + ")"
