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

from indexer.fields import CONCEPT_FIELD
from indexer.index.analysis import NUMBER, UNITS, compound_parts, is_compound, joined_form
from indexer.vocabulary import Vocabulary
from indexer.vocabulary.marks import dose_ids

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
_SINGLE = re.compile(r"\d|\d*\.\d+")      # a strength no word of the index holds alone
STRENGTH_BOOST = 12     # the drug at the strength typed, over its words' BM25
WEIGHT_BOOST = 12       # the weight typed beside a treatment (`120 grams cream`), over its words' BM25, as a strength


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


def after_names(units: list, vocab: Vocabulary) -> None:
    """A bare strength after a word read as the start of drug names (`cyclobenzap 5`: shorthand.name_prefix)
    ranks as one after the drug does (one digit or a decimal: no word of the index alone)."""
    for prev, u in zip(units, units[1:]):
        if prev.names and not u.concepts and u.role == "required" and _SINGLE.fullmatch(u.text) and \
                _drugs(prev, vocab):
            u.role = "strength"


def _drugs(unit, vocab: Vocabulary) -> list[str]:
    """The drugs and products a unit names, or the names it begins name."""
    ids = list(unit.concepts) or [c for n in unit.names for c in vocab.parse_query(n).concept_ids()]
    return [c for c in ids if c in vocab.concepts and vocab.concept(c).kind in ("drug", "product")]


def strength_ranking(units: list, i: int, vocab: Vocabulary) -> str:
    """How a single bare strength (unit i) ranks: with a unit attached or spaced, as a percentage, as
    the bare number where it is a word (`7.5`), and as the strength the index marks on the requests of
    the drug before it (`norco 5`: `strength:hydrocodone:5mg`, Norco 5/325mg; marks.py)."""
    number = units[i].text
    alternatives = [f"{number}mg", f'"{number} mg"', f"{number}%"] + ([number] if len(number) > 1 else [])
    drugs = _drugs(units[i - 1], vocab) if i else []
    for unit in ("mg", "%"):
        alternatives += [f"({CONCEPT_FIELD}:'{ids[0]}')^{STRENGTH_BOOST}" for c in drugs
                         for ids in [dose_ids(vocab, c, number, unit)] if ids]
    return "(" + " OR ".join(dict.fromkeys(alternatives)) + ")"


# A weight, as a compounded cream's is written (`120grams`, `120 grams`, `120 gm`, `120g`, `240gms`): the
# letters write it in one word or two, so it is typed as one word and ranks in all of them.
_WEIGHT = re.compile(r"(?<![\w./-])(\d{2,4})\s*(?:grams?|gms?|g)(?![\w/])", re.IGNORECASE)
WEIGHT = re.compile(r"(\d{2,4})grams", re.IGNORECASE)


def weights(text: str) -> str:
    """`120 grams`, `120 gm`, `120g` -> `120grams` (one word: weight_ranking reads it)."""
    return _WEIGHT.sub(lambda m: f"{m[1]}grams", text) if "g" in text.lower() else text


def weight_ranking(word: str) -> str | None:
    """How a weight ranks: in every spelling the letters use; None for a word that is no weight."""
    m = WEIGHT.fullmatch(word)
    if m is None:
        return None
    n = m[1]
    return f'({n}grams OR {n}gram OR "{n} grams" OR {n}gm OR "{n} gm" OR {n}gms OR {n}g)'
