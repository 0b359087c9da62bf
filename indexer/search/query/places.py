"""Places a plain query names, read before its words are (indexer.search.query.reading).

- a sided limb abbreviation (`LLE`, `RUE`, `BLEs`: query_words.toml [limbs] with the side letters of
  [sides]) is its side and its limb (`left lower extremity`), so the requests spelling the limb out
  rank first and the vocabulary reads the sided limb from its words;
- a comma after a word is a joiner of its own (`hand, wrist`), and a slash between two names of
  places (`neck/back`, not `hydrocodone/APAP`) is one too: two places joined or side by side are
  either one, the items naming both first (reading's groups, PLACE_KINDS).
"""
from __future__ import annotations

import re

from indexer.vocabulary import Vocabulary

# Kinds of concept that name a place: two of them joined (or side by side) are either one.
PLACE_KINDS = frozenset({"region", "part", "level"})
_COMMA = re.compile(r"(?<=[A-Za-z]),(?=\s|$)")
_SLASHED = re.compile(r"(?<![\w/.-])([A-Za-z]{3,})/([A-Za-z]{3,})(?![\w/.-])")
_SIDE_LETTERS = ("r", "l", "b")


def limb_pattern(sides: dict[str, str], limb_words: dict[str, str]) -> re.Pattern | None:
    """The pattern of a sided limb abbreviation: a side letter of `sides`, a limb of `limb_words`, an
    optional plural `s` (made once, with the word lists)."""
    letters = "".join(s for s in _SIDE_LETTERS if s in sides)
    if not limb_words or not letters:
        return None
    return re.compile(rf"(?<![\w/.-])([{letters}])({'|'.join(map(re.escape, limb_words))})(s?)(?![\w/.-])",
                      re.IGNORECASE)


def limbs(text: str, sides: dict[str, str], limb_words: dict[str, str],
          pattern: re.Pattern | None) -> tuple[str, list[str]]:
    """`LLE` -> `left lower extremity` (`pattern`: limb_pattern's); the messages saying so."""
    if pattern is None:
        return text, []
    said: list[str] = []

    def read(m: re.Match) -> str:
        words = f"{sides[m[1].lower()]} {limb_words[m[2].lower()]}" + ("s" if m[3] else "")
        words = words[:-2] + "ies" if words.endswith("ys") else words
        said.append(f"'{m[0]}' read as '{words}'")
        return words
    return pattern.sub(read, text), said


def _place(word: str, vocab: Vocabulary) -> bool:
    spans = vocab.parse_query(word).spans
    return len(spans) == 1 and spans[0].surface.lower() == word.lower() and \
        all(vocab.concept(c).kind in PLACE_KINDS for c in spans[0].concepts)


def separate(text: str, vocab: Vocabulary) -> str:
    """A comma after a word set apart as a joiner; `neck/back` as `neck or back` where both are names
    of places and the two together are no name of the vocabulary (`hand/wrist` is one)."""
    text = _COMMA.sub(" ,", text)

    def split(m: re.Match) -> str:
        whole = vocab.parse_query(m[0]).spans
        if len(whole) == 1 and whole[0].surface.lower() == m[0].lower():
            return m[0]
        return f"{m[1]} or {m[2]}" if _place(m[1], vocab) and _place(m[2], vocab) else m[0]
    return _SLASHED.sub(split, text) if "/" in text else text
