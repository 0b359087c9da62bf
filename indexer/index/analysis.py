"""Text analysis that keeps this field's words: one implementation for index, query and highlight time.

Words are found by a regex, lowercased, stop words and one-letter words
dropped, Porter-stemmed (as Whoosh's StemmingAnalyzer does), with one rule
of this field's own: a word joined by hyphens or slashes (`x-ray`, `L5-S1`,
`EMG/NCV`, `10/325mg`, `Post-op`, `H-wave`) is a *compound*, indexed both
whole and by its parts:

    L5-S1   ->  l5 (position p), s1 (p+1) and the joined l5s1 (p+1)
    x-ray   ->  ray (p) and xrai (p)       ('x' is one letter: not a part)
    EMG/NCV ->  emg, ncv, emgncv
    L4-5    ->  l4 and l4l5 (a spinal level pair is joined in full: L4-5 = L4-L5)

so `L5-S1`, `L5S1` and `"L5 S1"` find the same letters, and `EMG` finds
`EMG/NCV`. A dose, a number with its unit (`10mg`, `325mg`, the joined `10325mg`
of `10/325mg`), is also indexed as its bare number at the same position and span
(`10`, `325`, `10325`), so `Norco 10/325` finds `Norco 10/325mg`; the query parser
writes a typed dose both ways, `10mg` = `(10mg OR "10 mg")`
(indexer.search.query.doses). In a phrase of a query (mode 'query') a compound stands for its
parts (`"L5-S1 fusion"` = `"L5 S1 fusion"`), or for its joined form when a
part is a single letter (`"x-ray of the knee"`); the positions make either
run on into the next word. A compound typed as a plain word is rewritten by
the query parser (indexer.search.query.parser) into `(joined OR "parts")`.

`tokens` and `positions` are the one implementation; `DomainAnalyzer` wraps
them for Whoosh (the schema's analyzer, used by the query parser and for
key terms), `postings` gives exactly what Whoosh's writer would make of
them, without its per-token objects (indexer.index.writing), and
`indexer.index.wordtable` the same positions for many texts at once, by table.
"""
from __future__ import annotations

import pickle
import re
from functools import lru_cache
from typing import Any, Iterator

from whoosh.analysis import STOP_WORDS, Composable, Token
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

Posting = tuple[bytes, int, float, bytes]   # (term, frequency, weight, encoded positions)

# Whoosh's word pattern ([\w*]+(\.?[\w*]+)*), with hyphen- and slash-joined runs kept together.
WORD = re.compile(r"[\w*]+(?:\.?[\w*]+)*(?:[-/][\w*]+(?:\.?[\w*]+)*)*", re.UNICODE)
SEPARATOR = re.compile(r"[-/]")
PART = re.compile(r"[^-/]+")          # a part of a compound, between separators
# (start, end, stem, position) of one indexed word
Word = tuple[int, int, str, int]
# Units a dose is written with, right after its number ('10mg') or after a space ('10 mg').
UNITS = r"(?:mcg|meq|mg|ml|gm|g|iu)"
NUMBER = r"\d+(?:\.\d+)?"
# Number words, as letters and queries spell counts and strengths (`twelve sessions`, `twenty mg`).
ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
# A dose as one word: numbers, each maybe with its unit ('10mg', '10325mg', '7.5mg325mg').
_DOSE = re.compile(rf"{NUMBER}(?:{UNITS}{NUMBER})*{UNITS}?")
_UNIT_AFTER_NUMBER = re.compile(rf"(?<=\d){UNITS}")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """Porter stem of a word: a pure memo of a pure function (bounded; it cannot go stale and holds no
    snapshot's state, so it is not the snapshot's to own: builds in worker processes use it too)."""
    return stem(word)


def _kept(word: str) -> bool:
    return len(word) >= 2 and word not in STOP_WORDS


def is_compound(word: str) -> bool:
    """A word joined by hyphens or slashes (as WORD finds it)."""
    return bool(SEPARATOR.search(word))


# A spinal level pair, written 'L4-5', 'L4-L5', 'C5-6', 'L5-S1': one joined form for every spelling.
_LEVELS = re.compile(r"([ctls])(\d{1,2})-([ctls]?)(\d{1,2})")


def joined_form(word: str) -> str:
    """A compound without its separators, lowercased; a spinal level pair spelt in full
    ('L4-5' and 'L4-L5' -> 'l4l5')."""
    low = word.lower()
    level = _LEVELS.fullmatch(low)
    if level:
        return f"{level[1]}{level[2]}{level[3] or level[1]}{level[4]}"
    return SEPARATOR.sub("", low)


def bare_dose(word: str) -> str | None:
    """A dose word without its units ('10mg' -> '10', '10325mg' -> '10325'); None for any other
    word, and for a bare number of one digit (no word, as '5' is none)."""
    if not _DOSE.fullmatch(word):
        return None
    bare = _UNIT_AFTER_NUMBER.sub("", word)
    return bare if bare != word and _kept(bare) else None


def compound_parts(word: str) -> tuple[str, list[str]]:
    """(joined, kept parts) of a compound, lowercased: 'L5-S1' -> ('l5s1', ['l5', 's1'])."""
    low = word.lower()
    return joined_form(low), [p for p in SEPARATOR.split(low) if _kept(p)]


def words(text: str, mode: str = "index") -> Iterator[Word]:
    """Every indexed word of a text with its character span and position.

    mode 'index' (and highlighting): a compound gives its parts and its joined
    form; mode 'query' (a phrase typed in a query): its parts when every part
    is a word of two letters or more, else its joined form.
    """
    pos = -1
    for m in WORD.finditer(text):
        word = m.group().lower()
        index = mode != "query"     # the bare number of a dose is indexed, not queried
        if not is_compound(word):
            if _kept(word):
                pos += 1
                yield m.start(), m.end(), _stem(word), pos
                bare = index and word[0].isdigit() and bare_dose(word)
                if bare:
                    yield m.start(), m.end(), bare, pos
            continue
        pieces = list(PART.finditer(word))
        whole = all(_kept(piece.group()) for piece in pieces)
        joined = joined_form(word)
        if mode == "query" and (not whole or _LEVELS.fullmatch(word)):
            # 'x-ray', 'T-spine': the parts alone lose a letter; the joined form is exact
            # (and a level pair's joined form is the same however it is spelt).
            if _kept(joined):
                pos += 1
                yield m.start(), m.end(), _stem(joined), pos
            continue
        kept_part = False
        for piece in pieces:
            if _kept(piece.group()):
                pos += 1
                kept_part = True
                start, end = m.start() + piece.start(), m.start() + piece.end()
                yield start, end, _stem(piece.group()), pos
                bare = index and piece.group()[0].isdigit() and bare_dose(piece.group())
                if bare:
                    yield start, end, bare, pos
        if index and _kept(joined):
            # The joined form shares the last part's position, so a phrase runs on after it.
            pos += 0 if kept_part else 1
            yield m.start(), m.end(), _stem(joined), pos
            bare = joined[0].isdigit() and bare_dose(joined)
            if bare:
                yield m.start(), m.end(), bare, pos


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, stem) of each indexed word, in text order (compound parts before the whole)."""
    for start, end, word, _ in words(text):
        yield start, end, word


def positions(text: str) -> dict[str, list[int]]:
    """Each stem's positions, in the order the stems first occur."""
    out: dict[str, list[int]] = {}
    for _, _, word, pos in words(text):
        out.setdefault(word, []).append(pos)
    return out


def _encode(poslist: list[int]) -> bytes:
    """Whoosh's Positions.encode: the count, then the pickled position deltas."""
    deltas, base = [], 0
    for p in poslist:
        deltas.append(p - base)
        base = p
    return pack_uint(len(deltas)) + pickle.dumps(deltas, 2)


def postings(text: str, field_boost: float = 1.0) -> list[Posting]:
    """What `TEXT(analyzer=DomainAnalyzer()).index(text)` yields, in the same order."""
    return [(word.encode("utf-8"), len(poslist), float(len(poslist)) * field_boost, _encode(poslist))
            for word, poslist in positions(text).items()]


class DomainAnalyzer(Composable):
    """The schema's text analyzer: `words` as Whoosh Token objects."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DomainAnalyzer)

    def __hash__(self) -> int:
        return hash(DomainAnalyzer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for the whole value as one token (e.g. a single-quoted term).
            token.original = token.text = value.lower()
            token.boost, token.stopped = 1.0, False
            token.pos, token.startchar, token.endchar = start_pos, start_char, start_char + len(value)
            yield token
            return
        for start, end, word, pos in words(value, "query" if mode == "query" else "index"):
            token.text = word
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token
