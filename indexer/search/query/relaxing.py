"""Best effort: a query whose words each name something, but no request all of them together.

`orthopedic pillow` finds nothing when no request says *orthopedic* and *pillow*; the requests
with *pillow* are the nearest answer there is. When a plain query (no quotes, operators,
parentheses, `field:` terms or prefixes) finds nothing even after its unknown words were mended,
the searcher (indexer.search.rescue) reads it again with fewer of its *units*, as a ranked
engine's "minimum should match" (coordination level) would: a unit is a run of words naming one
concept of the vocabulary (`total knee arthroplasty` is one, so it is never split) or else one
plain word. Each unit is first searched alone: a unit finding nothing at all (`x14d`, `combo`, a
clipped word with no correction) can only empty the answer, so it is always left out; a unit of
stop words only is no unit. Then the answer is the reading keeping the MOST of the other units
that finds something: with one left out, then two ..., never keeping only a side, a region or a
level (`left ankle MRI` is not answered by whatever a letter says of a left ankle). Which units are
left out, among readings leaving out as many: a plain word before a concept's name (the vocabulary
names what a request is about, a plain word qualifies it: `cyclobenzaprine 7.5` keeps the drug, not
the dose), the commonest (most found alone) before the rarest; of the readings tried, one matching
the requests' own words beats one found only by widening to the rationale or the letter, then the
fewest named units left out, then the fewest hits, then query order. A reading finding more than
MAX_SHARE of the corpus is no answer (a query about nothing the letters hold must not answer a
twentieth of them). At most MAX_READINGS readings are tried. The page, the API (`query.relaxed`,
`query.relaxed_without`: the words left out, joined by ", ") and `imr search` say so: *No request
names all of orthopedic pillow; showing requests with pillow (without 'orthopedic')*. `spell=0`
turns it off, like the other mending.

A match found only across the whole letter (the clinical summary too) that rests on a filler, a
plain common English word (`emg only`: some letter says EMG and *only* somewhere), is answered by
the best effort leaving the filler out where that finds requests in a narrower scope (`fillers`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING

from indexer.vocabulary.concepts import data_dir

if TYPE_CHECKING:
    from indexer.vocabulary import Vocabulary

MAX_UNITS = 8          # more units than this is a sentence, not a query to take apart
MAX_SHARE = 0.05       # a best-effort answer holds at most this fraction of the indexed items
MAX_READINGS = 12      # readings tried beyond each unit alone (the rescue runs each one)
FILLER_RANK = 1000     # a filler is among the commonest English words (common_words.txt is in frequency order)
# Kinds of concept that only place a request: a reading left with nothing else answers no question.
PLACING_KINDS = {"side", "region", "level"}
# The user's own syntax: phrases, field terms, prefixes, groups and boolean operators.
_SYNTAX = re.compile(r"[\"'()*:]|(?<!\w)[+-](?=\w)|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Unit:
    """A run of a query's words naming one concept, or one plain word."""

    text: str
    named: bool = False      # names a concept of the vocabulary
    placing: bool = False    # names only a side, a region or a level
    common: bool = False     # a plain word among the FILLER_RANK commonest English words (a filler)

    @property
    def qualifying(self) -> bool:
        """Whether the unit only qualifies what a request is: a place, or a plain word with a digit (a
        dose, a count, a schedule: `200mg`, `#60`, `x14d`)."""
        return self.placing or (not self.named and any(ch.isdigit() for ch in self.text))


@dataclass(frozen=True)
class Reading:
    """The query without some of its units: the text searched and the words left out."""

    text: str
    without: str
    named: int = 0           # how many of the units left out name a concept of the vocabulary
    placing: bool = False    # whether the units kept only qualify something (a place, a dose, a count)
    unheard: bool = False    # every unit left out is a plain word no letter holds (nothing of the query lost)


def units(text: str, vocab: "Vocabulary | None") -> list[tuple[int, int]]:
    """(start, end) of each unit of a plain query: a concept's words together, else a word."""
    spans = sorted(((s.start, s.end) for s in vocab.parse_query(text).spans), key=lambda s: s[0]) \
        if vocab is not None else []
    out: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        inside = next((s for s in spans if s[0] <= m.start() < s[1]), None)
        unit = (min(inside[0], m.start()), max(inside[1], m.end())) if inside else m.span()
        if out and unit[0] < out[-1][1]:            # the same concept's next word
            out[-1] = (out[-1][0], max(out[-1][1], unit[1]))
        else:
            out.append(unit)
    return out


def query_units(text: str, vocab: "Vocabulary | None") -> list[Unit]:
    """The units of a plain query (none for one in the user's own syntax, of one unit, or of more
    than MAX_UNITS), each said named, placing or common."""
    if _SYNTAX.search(text):
        return []
    found = units(text, vocab)
    if not 2 <= len(found) <= MAX_UNITS:
        return []
    parsed = vocab.parse_query(text).spans if vocab is not None else ()
    common = frequent_words()
    out = []
    for start, end in found:
        inside = [s for s in parsed if start <= s.start < end]
        kinds = {vocab.concept(c).kind for s in inside for c in s.concepts}
        out.append(Unit(text[start:end], bool(inside), bool(inside) and kinds <= PLACING_KINDS,
                        not inside and text[start:end].lower() in common))
    return out


@lru_cache(maxsize=1)
def frequent_words() -> frozenset[str]:
    """The FILLER_RANK commonest English words (wordfreq's list, vocabulary data): a pure memo of
    constant data, read on first use."""
    lines = (data_dir() / "common_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset([w.strip() for w in lines if w.strip() and not w.startswith("#")][:FILLER_RANK])


def _reading(found: list[Unit], left: set[int], neutral: frozenset[int] = frozenset(),
             dead: frozenset[int] = frozenset()) -> Reading:
    """The query without the units `left`; `neutral` units (stop words) are kept but place nothing;
    `dead` units are plain words no letter holds."""
    kept = [u for i, u in enumerate(found) if i not in left and i not in neutral]
    return Reading(" ".join(u.text for i, u in enumerate(found) if i not in left),
                   ", ".join(found[i].text for i in sorted(left)), sum(found[i].named for i in left),
                   all(u.qualifying for u in kept) and not all(found[i].qualifying for i in left),
                   bool(left) and left <= dead)


def readings(text: str, vocab: "Vocabulary | None") -> list[Reading]:
    """The query read without each of its units in turn; none for a query in the user's own
    syntax, of one unit, or of more than MAX_UNITS."""
    found = query_units(text, vocab)
    return [_reading(found, {i}) for i in range(len(found))]


def levels(found: list[Unit], alone: list[int | None], leave: set[int] | None = None) -> list[list[Reading]]:
    """The readings to try, fewest units left out first, at most MAX_READINGS in all. `alone`: what each
    unit finds searched alone (None: it has no searchable word, a unit of stop words, always kept; 0: it
    finds nothing, always left out). `leave`: the only units that may be left out (all when None).
    Within a level, a plain word is left out before a concept's name, the commonest before the rarest;
    each level gets its cheapest readings (MAX_READINGS shared among the levels, two at least)."""
    dead = {i for i, n in enumerate(alone) if n == 0}
    if any(found[i].named for i in dead):
        return []        # a concept no letter holds: nothing is the answer (`Toradol injection`)
    neutral = frozenset(i for i, n in enumerate(alone) if n is None)
    live = [i for i, n in enumerate(alone) if n and (leave is None or i in leave)]
    live.sort(key=lambda i: (found[i].named, -(alone[i] or 0), i))
    kept_alive = [i for i, n in enumerate(alone) if n and i not in dead]
    out: list[list[Reading]] = []
    budget = MAX_READINGS
    first = 0 if dead else 1
    each = max(2, MAX_READINGS // max(1, len(live) - first))    # every level gets its cheapest readings
    for k in range(first, len(live) + 1):
        level = []
        for left in combinations(live, k):
            if len(left) >= len(kept_alive):
                continue            # something must be kept
            level.append((sum(found[i].named for i in left), -sum(alone[i] or 0 for i in left), left))
        level.sort()
        readings_ = [_reading(found, dead | set(left), neutral, frozenset(dead))
                     for *_, left in level[:min(each, budget)]]
        budget -= len(readings_)
        if readings_:
            out.append(readings_)
        if budget <= 0:
            break
    return out


def best(counts: list[tuple[Reading, int, int]], n_docs: int) -> Reading | None:
    """Of (reading, scope, hits) -- scope 0 when the requests' own words match, higher when the
    search widened to the rationale or the whole letter -- the reading matching in the narrowest
    scope, leaving out the fewest named units, with the fewest hits (the first in query order on a
    tie), among those finding something and at most MAX_SHARE of the `n_docs` indexed items (any number
    when all that was left out are words no letter holds: the rest is all the query asks); or None."""
    cap = MAX_SHARE * n_docs
    kept = [(scope, r.named, n, i, r) for i, (r, scope, n) in enumerate(counts)
            if 0 < n and (n <= cap or r.unheard) and not r.placing]
    return min(kept)[4] if kept else None
