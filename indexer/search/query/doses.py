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


# A decimal typed without its leading zero ('.025'): letters write '0.025%'.
_LEADING_DECIMAL = re.compile(r"(?<![\w.])\.(\d+)(?![\w.])")
# A dose typed after a drug, as the reading's units split it: a number with its unit attached
# ('750mg', '5%'), or a number then a unit word ('750 mg', '5 pct', '5 percent').
_DOSE_UNIT = rf"(?:{UNITS}|%|pct|percent)"
_ATTACHED = re.compile(rf"{NUMBER}(?:/{NUMBER})*{_DOSE_UNIT}", re.IGNORECASE)
_NUMBERS = re.compile(rf"{NUMBER}(?:/{NUMBER})*")
_UNIT_WORD = re.compile(_DOSE_UNIT, re.IGNORECASE)


def leading_decimal(text: str) -> str:
    """'.025' -> '0.025' (a strength typed without its zero)."""
    return _LEADING_DECIMAL.sub(r"0.\1", text) if "." in text else text


def dose_words(words: list[str], i: int) -> int:
    """How many of `words` from index i make a dose with its unit or a combination's strengths
    ('750mg', '5/325': 1; '750 mg': 2; else 0)."""
    if i < len(words) and _ATTACHED.fullmatch(words[i]):
        return 1
    if i + 1 < len(words) and _NUMBERS.fullmatch(words[i]) and _UNIT_WORD.fullmatch(words[i + 1]):
        return 2
    return 1 if i < len(words) and "/" in words[i] and _NUMBERS.fullmatch(words[i]) else 0


def anded(syntax: str) -> str:
    """Juxtaposed top-level groups of an expansion joined by an explicit AND (`(Norco ...) (10mg ...)`:
    the tree scopes._expanded_tree builds without the parser)."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(syntax):
        quoted = quoted != (ch == '"')
        depth += (ch == "(") - (ch == ")") if not quoted else 0
        if ch == " " and depth == 0 and not quoted:
            parts.append(syntax[start:i])
            start = i + 1
    parts = [p for p in parts + [syntax[start:]] if p]
    return " AND ".join(parts) if all(p.startswith("(") for p in parts) else syntax


def attach(units: list, kinds: frozenset[str]) -> None:
    """A dose typed after a drug or product (`chlorzoxazone 750 mg`, `lidocaine 5 pct`, `Norco 5/325`)
    made one unit with it (of the `kinds` of concept dosed), expanded together (concepts.expand reads
    the drug at that dose)."""
    i = 0
    while i < len(units) - 1:
        n = dose_words([u.text for u in units], i + 1) if units[i].kinds & kinds else 0
        if n and units[i].role == "required":
            units[i].text = " ".join(u.text for u in units[i:i + n + 1])
            units[i].dosed = True
            del units[i + 1:i + n + 1]
        i += 1
