"""Places a plain query names, read before its words are (indexer.search.query.reading).

- a sided limb abbreviation (`LLE`, `RUE`, `BLEs`: query_words.toml [limbs] with the side letters of
  [sides]) is its side and its limb (`left lower extremity`), so the requests spelling the limb out
  rank first and the vocabulary reads the sided limb from its words;
- a comma after a word is a joiner of its own (`hand, wrist`), and a slash between two names of
  places (`neck/back`, not `hydrocodone/APAP`) is one too: two places joined or side by side are
  either one, the items naming both first (reading's groups, PLACE_KINDS);
- `bilateral` ranks, it does not filter (`both_sides`), and two regions around one treatment are either
  one (`around`).
"""
from __future__ import annotations

import re

from typing import Any, Callable

from indexer.search.query import concepts
from indexer.vocabulary import Vocabulary

# Kinds of concept that name a place: two of them joined (or side by side) are either one.
PLACE_KINDS = frozenset({"region", "part", "level"})
BOTH_BOOST = 10          # how much a bilateral item weighs over one side's (as reading.WITH_BOOST)
TREATED_KINDS = frozenset({"drug", "product", "class", "procedure", "family", "panel"})    # what a request asks for
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


def both_sides(units: list, vocab: Vocabulary, make: Callable[[str, tuple[str, ...], frozenset[str], str], Any],
               said: list[str]) -> list:
    """`bilateral` (`both`, `b/l`, `BUE`) beside a place or a treatment ranks, it does not filter: a
    bilateral study or treatment is both sides' (a bilateral EMG is the left's and the right's, CPT codes
    it per limb), so the requests for one side answer a bilateral question too, the bilateral ones first;
    a sided limb's name (`bilateral upper extremities`) is read as its limb, ranked by the side. One side
    named (`left`) still leaves the other out. Returns the units (new ones by `make(text, concepts, kinds,
    role)`); `said` gets the message."""
    bilateral = "side:bilateral"
    if not any(bilateral in u.concepts or any(bilateral in vocab.implied(c) for c in u.concepts) for u in units):
        return units
    others = [u for u in units if u.role == "required" and u.concepts and bilateral not in u.concepts]
    out: list = []
    read: list[str] = []
    for u in units:
        if u.role != "required" or len(u.concepts) != 1:
            out.append(u)
        elif u.concepts == (bilateral,) and others:
            u.role = "both"
            out.append(u)
            read.append(u.text)
        elif u.kinds == frozenset({"region"}) and bilateral in vocab.implied(u.concepts[0]):
            implied = [c for c in vocab.implied(u.concepts[0]) if vocab.concept(c).kind == "region"]
            limb = [c for c in implied if not any(c in vocab.implied(d) for d in implied if d != c)]
            if len(limb) != 1:
                out.append(u)
                continue
            name = vocab.concept(limb[0]).forms[0]
            out += [make(name, (limb[0],), frozenset({"region"}), "required"),
                    make("bilateral", (bilateral,), frozenset({"side"}), "both")]
            read.append(u.text)
        else:
            out.append(u)
    if read:
        said.append("Both sides first, then either side's: " + ", ".join(read))
    return out


def both_ranking(units: list, vocab: Vocabulary) -> list[str]:
    """The ranking of the bilateral items (`both_sides`), above a concept's many forms."""
    return [f"({concepts.expand(u.text, vocab)[0]})^{BOTH_BOOST}" for u in units if u.role == "both"]


def around(groups: list[list], units: list) -> list[list]:
    """Two body regions on either side of one treatment (`wrist MRI left hand`, `knee x-ray shoulder`) are
    either place, both first, as if joined: a request names the places it covers, and people say the
    place twice as they think of it (the joined-places rule, `[joiners]`, with the treatment between)."""
    alone = [g for g in groups if len(g) == 1 and g[0].kinds == frozenset({"region"}) and g[0].role == "required"]
    treated = [g for g in groups if any(u.kinds & TREATED_KINDS for u in g)]
    if len(alone) != 2 or len(treated) != 1 or set(alone[0][0].concepts) == set(alone[1][0].concepts):
        return groups
    first, second = (units.index(g[0]) for g in alone)
    between = units.index(treated[0][0])
    if not first < between < second:
        return groups
    return [g + alone[1] if g is alone[0] else g for g in groups if g is not alone[1]]
