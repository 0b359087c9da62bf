"""Numbers spelt out as a strength (indexer.search.query.reading): `baclofen twenty mg`,
`lidocaine four percent`, `gabapentin six hundred` are `20 mg`, `4 percent`, `600`.

A run of number words (`one` .. `nineteen`, the tens, `hundred`, `thousand`, as the dose rules read
digits) is its digits where a unit follows it (`mg`, `%`, `percent`, `pct` ...), or where it comes right
after a drug or a product and ends the query or comes before a dose; elsewhere it is itself (`three
times a day` is a schedule, shorthand.counts_dosing reads it; `one month supply`).
"""
from __future__ import annotations

import re

from indexer.index.analysis import ONES, TENS, UNITS
from indexer.vocabulary import Vocabulary

SCALES = {"hundred": 100, "thousand": 1000}
_WORD = "|".join(sorted([*ONES, *TENS, *SCALES], key=len, reverse=True))
# A run of number words: `six hundred`, `twenty-five`, `one hundred and fifty`.
RUN = re.compile(rf"(?<![\w/.-])(?:{_WORD})(?:(?:[\s-]+(?:and[\s-]+)?)(?:{_WORD}))*(?![\w/.-])", re.IGNORECASE)
# What may follow a strength: a unit (attached or spaced), a number, or nothing.
_AFTER_UNIT = re.compile(rf"\s*(?:{UNITS}|%|pct|percent|milligrams?|micrograms?|millilit(?:er|re)s?)(?![\w])",
                         re.IGNORECASE)
_AFTER_DOSE = re.compile(r"\s*(?:$|\d)")
DOSED_KINDS = frozenset({"drug", "product"})


def value(run: str) -> int | None:
    """The number a run of number words says (`six hundred` -> 600), None if it says none."""
    total = current = 0
    words = [w for w in re.split(r"[\s-]+", run.lower()) if w != "and"]
    for word in words:
        if word in ONES:
            current += ONES.index(word)
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total, current = total + (current or 1) * 1000, 0
        else:
            return None
    return total + current if words else None


# Units spelt out after a number, as the letters abbreviate them (the FDA's and ISMP's recommended
# abbreviations: mg, mcg, mL; ISMP's List of Error-Prone Abbreviations spells out only µg, for mcg).
SPELT_UNITS = {"milligram": "mg", "milligrams": "mg", "microgram": "mcg", "micrograms": "mcg",
               "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml"}
_SPELT_UNIT = re.compile(rf"(?<=\d)\s*({'|'.join(sorted(SPELT_UNITS, key=len, reverse=True))})(?![\w])",
                         re.IGNORECASE)


def units_abbreviated(text: str) -> str:
    """`5 milligrams` -> `5 mg`, `25 micrograms` -> `25 mcg`: a unit after a number as the letters write it."""
    return _SPELT_UNIT.sub(lambda m: " " + SPELT_UNITS[m[1].lower()], text)


def digits(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """Spelt-out strengths written in digits (module docstring), their units as the letters abbreviate
    them; the messages saying so."""
    runs = [m for m in RUN.finditer(text) if value(m[0]) is not None]
    if not runs:
        return text, []
    drug_ends: set[int] | None = None
    out, said, last = [], [], 0
    for m in runs:
        after = text[m.end():]
        dosed = bool(_AFTER_UNIT.match(after))
        if not dosed and _AFTER_DOSE.match(after):
            if drug_ends is None:     # the vocabulary is read only for a number word after something
                drug_ends = {s.end for s in vocab.parse_query(text).spans
                             if any(vocab.concept(c).kind in DOSED_KINDS for c in s.concepts)}
            dosed = text[:m.start()].rstrip() and len(text[:m.start()].rstrip()) in drug_ends
        if dosed:
            number = str(value(m[0]))
            out += [text[last:m.start()], number]
            said.append(f"'{m[0]}' read as '{number}'")
            last = m.end()
    return units_abbreviated("".join(out + [text[last:]])), said
