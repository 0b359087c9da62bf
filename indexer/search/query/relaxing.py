"""Best effort: a query whose words each name something, but no request all of them together.

`orthopedic pillow` finds nothing when no request says *orthopedic* and *pillow*; the requests
with *pillow* are the nearest answer there is. When a plain query (no quotes, operators,
parentheses, `field:` terms or prefixes) finds nothing even after its unknown words were mended,
though each of its units finds something alone (a word nothing matches is no word to leave out:
`zzzqx pillow` stays unanswered),
the searcher (indexer.search.searcher) reads it again without one of its *units* at a time: a
unit is a run of words naming one concept of the vocabulary (`total knee arthroplasty` is one, so it
is never split) or else one plain word. Of the readings that find something, one matching the
requests' own words beats one found only by widening to the rationale or the letter; then one
leaving out a plain word beats one leaving out a named concept (the vocabulary names what a
request is about, a plain word qualifies it: `cyclobenzaprine 7.5` keeps the drug, not the
dose); then the one with the fewest hits wins (it keeps the rarest words: leaving out the most common one is
what a ranked engine's "minimum should match" would do), ties broken by query order; a reading finding more
than MAX_SHARE of the corpus is no answer (a query about nothing the letters hold must not
answer a twentieth of them), and nor is one left with only a side and a region when the
query asked for something there (`left ankle MRI` is not answered by whatever a letter says
of a left ankle). The page, the API (`query.relaxed`, `query.relaxed_without`) and
`imr search` say so: *No request names all of orthopedic pillow; showing requests with pillow*.
`spell=0` turns it off, like the other mending.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.vocabulary import Vocabulary

MAX_UNITS = 6          # more words than this is a sentence, not a query to take apart
MAX_SHARE = 0.05       # a best-effort answer holds at most this fraction of the indexed items
# Kinds of concept that only place a request: a reading left with nothing else answers no question.
PLACING_KINDS = {"side", "region", "level"}
# The user's own syntax: phrases, field terms, prefixes, groups and boolean operators.
_SYNTAX = re.compile(r"[\"'()*:]|(?<!\w)[+-](?=\w)|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Reading:
    """The query without one of its units: the text searched and the words left out."""

    text: str
    without: str
    named: bool = False      # whether the words left out name a concept of the vocabulary
    placing: bool = False    # whether the words kept only place something (a side, region, level)


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


def readings(text: str, vocab: "Vocabulary | None") -> list[Reading]:
    """The query read without each of its units in turn; none for a query in the user's own
    syntax, of one unit, or of more than MAX_UNITS."""
    if _SYNTAX.search(text):
        return []
    found = units(text, vocab)
    if not 2 <= len(found) <= MAX_UNITS:
        return []
    parsed = vocab.parse_query(text).spans if vocab is not None else ()
    spans = [(s.start, s.end) for s in parsed]
    placing = {(s.start, s.end) for s in parsed
               if all(vocab.concept(c).kind in PLACING_KINDS for c in s.concepts)}

    def places(start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in placing)

    out = []
    for i, (start, end) in enumerate(found):
        rest = " ".join(text[s:e] for j, (s, e) in enumerate(found) if j != i)
        named = any(start <= s < end for s, _ in spans)
        kept = [u for j, u in enumerate(found) if j != i]
        out.append(Reading(rest, text[start:end], named,
                           all(places(*u) for u in kept) and not places(start, end)))
    return out


def best(counts: list[tuple[Reading, int, int]], n_docs: int) -> Reading | None:
    """Of (reading, scope, hits) -- scope 0 when the requests' own words match, higher when the
    search widened to the rationale or the whole letter -- the reading matching in the narrowest
    scope, leaving out a plain word rather than a concept, with the fewest hits (the first in
    query order on a tie), among those finding something and at most MAX_SHARE of the `n_docs`
    indexed items; or None."""
    cap = MAX_SHARE * n_docs
    kept = [(scope, r.named, n, i, r) for i, (r, scope, n) in enumerate(counts)
            if 0 < n <= cap and not r.placing]
    return min(kept)[4] if kept else None
