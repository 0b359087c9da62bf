"""Words of free text as the vocabulary matches them: tokens with their spans, and spinal levels."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# A token is a run of letters and digits; an apostrophe-s stays with its word ("de Quervain's").
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'s)?")
# A spinal level or range: C5, C5-6, L4-L5, L5-S1, T12-L1 (the letter may repeat after the dash).
# a level or a range: "L4-5", "L4-L5", "C5/6", and a range typed without its dash when the second
# vertebra is named ("L5S1", "L4L5")
_LEVEL = re.compile(r"(?<![A-Za-z0-9])([CTLScltls])([1-9]|1[0-2])"
                    r"(?:(?:\s?[-\u2013/]\s?|(?=[CTLScltls][0-9]))([CTLScltls])?([1-9]|1[0-2]))?"
                    r"(?![A-Za-z0-9])")
_LEVEL_REGION = {"c": "region:cervical", "t": "region:thoracic", "l": "region:lumbar", "s": "region:lumbar"}
_LEVEL_MAX = {"c": 8, "t": 12, "l": 5, "s": 2}
_SPINE = ([f"C{n}" for n in range(1, 9)] + [f"T{n}" for n in range(1, 13)] + [f"L{n}" for n in range(1, 6)]
          + ["S1", "S2"])


def bounded_vertebrae(name: str) -> list[str]:
    """The vertebrae a level range bounds and spans, in order ('L4-S1' -> L4, L5, S1); [] for one vertebra."""
    ends = name.upper().split("-")
    if len(ends) != 2 or not all(e in _SPINE for e in ends):
        return []
    a, b = sorted(_SPINE.index(e) for e in ends)
    return _SPINE[a:b + 1]


class Token(NamedTuple):
    """One word of a text: its normal form, the text as written, and where it stands (a tuple: cheap)."""

    norm: str
    raw: str
    start: int
    end: int


def normalise_word(word: str) -> str:
    """Lower case, possessive dropped, a plural folded to its singular ("knees" -> "knee").

    Only words of five letters or more lose a plural 's', so that TENS, ADLs and labs are left alone.
    """
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) >= 5 and word.isalpha():
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
            return word[:-1]
    return word


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`; punctuation, slashes and dashes separate words ("EMG/NCV", "5/325mg")."""
    return [Token(normalise_word(m.group()), m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text or "")]


def strict_word(raw: str) -> bool:
    """True for a word written in capitals (an abbreviation: PT, ORIF, SI): it must match as written."""
    letters = [c for c in (raw[:-2] if raw.endswith("'s") else raw) if c.isalpha()]   # "TCA's" is TCA
    return bool(letters) and all(c.isupper() for c in letters) and (len(raw) >= 2 or raw.isalpha())


def slug(name: str) -> str:
    """The id part of a concept named `name`: 'Methyl Salicylate' -> 'methyl-salicylate'."""
    return "-".join(t.lower() for t in re.findall(r"[A-Za-z0-9]+", name.replace("'s", "")))


@dataclass(frozen=True)
class Level:
    """A spinal level or range found in text, normalised ('L4-L5') with the regions it lies in."""

    name: str
    regions: tuple[str, ...]
    start: int
    end: int
    surface: str


def spinal_levels(text: str, strict: bool = True) -> list[Level]:
    """Spinal levels in `text`. strict (letters): capital letters only, and a lone thoracic level is
    skipped, since 'T1'/'T2' in a letter are mostly MRI sequences; a query accepts any case."""
    found = []
    for m in _LEVEL.finditer(text or ""):
        first, n1, second, n2 = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if strict and (not first.isupper() or (second and not second.isupper())):
            continue
        a = first.lower()
        b = (second or first).lower()
        if n1 > _LEVEL_MAX[a] or (n2 and int(n2) > _LEVEL_MAX[b]):
            continue
        if strict and a == "t" and not n2:
            continue
        name = f"{a.upper()}{n1}" + (f"-{b.upper()}{n2}" if n2 else "")
        regions = tuple(dict.fromkeys((_LEVEL_REGION[a], _LEVEL_REGION[b])))   # T12-L1: both
        found.append(Level(name, regions, m.start(), m.end(), m.group()))
    return found
