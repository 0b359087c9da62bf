"""Forgiving input: a query that finds nothing, read again with its unknown words mended.

When a search finds nothing (indexer.search.searcher), each word of its text that is
not in the index is looked up among the snapshot's surface words
(indexer.search.query.spelling):

- a confident correction replaces it (`cyclobenzaprin` -> `cyclobenzaprine`);
- two neighbouring words the letters write as one are joined (`infra red` -> `infrared`),
  and an unknown word the letters write as two is split (`homehealth` -> `home health`);
- a word, when no confident correction merely finishes it, is searched as a prefix if some
  word of the letters starts with it (`physical thera` -> `physical thera*`, `cyclob 7.5`;
  three letters for the last word, four for any other; bounded like every prefix by
  parser.bound_prefixes);
- else a word of five letters or more that begins a word of the vocabulary's names is
  finished from them (`hydroco` -> `hydrocodone`, which concept expansion widens to Norco);
  a prefix searched so is searched with the name it finishes too, and a prefix typed alone with
  every name it finishes, where several those of drugs, products and procedures, MAX_PREFIX_NAMES
  at most (`hydro` -> `hydro*`, hydrocodone, hydromorphone, hydroxyzine ...: their items, not a
  letter's *hydrotherapy*);
- a correction that is not confident is only offered ('Did you mean'), spelt as the
  letters spell it, never as a stem.

Words inside a quoted phrase are searched as typed.
The searcher runs the mended text instead, and says so (QueryInfo.corrected, corrected_from,
completed); `spell=0` in the URL searches the text as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from indexer.fields import TEXT_FIELDS
from indexer.index.analysis import words
from indexer.search.query import numerals
from indexer.search.query.spelling import Lexicon, distance

# A plain word of a query: not part of a field term, a prefix, a compound or a dotted word.
WORD = re.compile(r"(?<![\w:'*/.-])[A-Za-z]{3,40}(?![\w:*/.'-])")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "TO"}
QUOTED = re.compile(r'"[^"]*"')      # a phrase is searched as typed: its words are never mended
# More unknown words than this is no typing slip (and each costs a scan of the surface words).
MAX_UNKNOWN = 4
MIN_PREFIX_LAST = 3      # letters of the shortest last word searched as a prefix
MIN_PREFIX = 4           # ... and of any other word (`physio thera`: both)
MIN_NAME_PREFIX = 5      # letters of the shortest word finished from the vocabulary's names
MIN_PART = 3             # letters of the shorter word a run-together word is split into
MAX_PREFIX_NAMES = 6     # drug or procedure names a prefix that finds nothing may stand for (more: none)
NAMED_KINDS = frozenset({"drug", "product", "procedure"})
# word -> the documents its analysis finds in the index, None when it gives no term (a stop word)
Frequency = Callable[[str], "int | None"]


@dataclass
class Mending:
    """What forgiving a query's words gives: a text to search instead and/or a correction to offer."""

    text: str | None = None              # the understood text mended (None: nothing to search instead)
    q: str | None = None                 # the query as typed, mended the same way
    completed: str | None = None         # a last word searched as a prefix
    corrections: dict[str, str] = field(default_factory=dict)   # typed word -> surface word searched
    offer: str | None = None             # the query with its best guesses ('Did you mean')


def _plain_words(text: str) -> list[re.Match]:
    """The plain words of a query outside its quoted phrases, in order."""
    quoted = [m.span() for m in QUOTED.finditer(text)]
    return [m for m in WORD.finditer(text) if m[0] not in OPERATORS
            and not any(start < m.start() < end for start, end in quoted)]


def worth_mending(text: str, frequency: Frequency, joinable: bool = False) -> bool:
    """Whether `text` has an unknown word (one whose analysis is in no text field of the index),
    and at most MAX_UNKNOWN of them; with `joinable`, two plain words that may be one do too."""
    words = _plain_words(text)
    unknown = sum(1 for m in words if frequency(m[0]) == 0)
    if unknown > MAX_UNKNOWN:
        return False
    return unknown > 0 or (joinable and any(text[a.end():b.start()] == " " for a, b in zip(words, words[1:])))


def _replace(text: str, changes: dict[str, str]) -> str:
    """`text` with each plain word named in `changes` replaced (matched ignoring case)."""
    low = {k.lower(): v for k, v in changes.items()}
    out, last = [], 0
    for m in _plain_words(text):
        out += [text[last:m.start()], low.get(m[0].lower(), m[0])]
        last = m.end()
    return "".join(out) + text[last:]


def _join(text: str, lexicon: Lexicon, indexed: Callable[[str], bool], named: Lexicon | None = None) -> str:
    """`text` with each pair of neighbouring plain words joined where the letters write them as one
    word (`infra red` -> `infrared`, `home health` -> `homehealth`): the joined word a surface word
    of the letters and indexed, or a word of the vocabulary's names (`named`: `dihydro codeine` ->
    `dihydrocodeine`, a name the letters may hold only in a product's concept tags)."""
    words = _plain_words(text)
    out, last, skip = [], 0, False
    for a, b in zip(words, words[1:] + [None]):
        if skip or b is None or text[a.end():b.start()] != " ":
            skip = False
            continue
        joined = (a[0] + b[0]).lower()
        if (lexicon.counts.get(joined) and indexed(joined)) or (named is not None and named.counts.get(joined)):
            out += [text[last:a.start()], joined]
            last, skip = b.end(), True
    return "".join(out) + text[last:]


def _split(word: str, lexicon: Lexicon, indexed: Callable[[str], bool]) -> str | None:
    """Two surface words of the letters that `word` is written together (`homehealth` -> `home
    health`), the pair whose rarer word is the most used; None when there are none."""
    low, best = word.lower(), None
    for i in range(MIN_PART, len(low) - MIN_PART + 1):
        x, y = low[:i], low[i:]
        n = min(lexicon.counts.get(x, 0), lexicon.counts.get(y, 0))
        if n and (best is None or n > best[0]) and indexed(x) and indexed(y):
            best = (n, f"{x} {y}")
    return best[1] if best else None


def mend(text: str, q: str, lexicon: Lexicon, frequency: Frequency,
         expands: Callable[[str], bool], names: Callable[[str], list[str]] | None = None,
         named: Lexicon | None = None, known: Callable[[str], bool] | None = None) -> Mending:
    """Mend the unknown words of the understood `text` (and of `q`, the query as typed);
    `expands(prefix)`: whether a prefix matches some indexed term; `names(prefix)`: the words of
    the vocabulary's names that finish a prefix; `named`: those words as a lexicon, a word's
    correction when no word of the letters is near it (`Flexaril` -> `flexeril`); `known(word)`: whether
    a word is one of the vocabulary's names, spelt right though no letter holds it (`pool` of *pool
    therapy*): never corrected (the letters' words, their summaries' too, hold many near ones)."""
    def indexed(word: str) -> bool:
        return bool(frequency(word))

    joined_text, joined_q = _join(text, lexicon, indexed, named), _join(q, lexicon, indexed, named)
    words = _plain_words(joined_text)
    last = words[-1] if words and not joined_text[words[-1].end():].strip() else None
    searched: dict[str, str] = {}
    offered: dict[str, str] = {}
    completed = []
    for m in words:
        word = m[0]
        if frequency(word) != 0 or numerals.value(word) is not None:
            continue     # in the index, or no indexed word at all (a stop word), or a number spelt out
        # a name spelt right is not corrected (it may still be finished as a prefix)
        choice = None if known is not None and known(word.lower()) else lexicon.choose(word, indexed)
        if choice is None and named is not None and (known is None or not known(word.lower())):
            # no word of the letters near it: a name they do not spell (a brand the vocabulary knows)
            choice = named.choose(word, lambda w: True) or choice
        if choice:
            offered[word] = choice.word
        low = word.lower()
        confident = choice is not None and choice.confident
        finishes = confident and choice.word.startswith(low)
        shortest = MIN_PREFIX_LAST if m is last else MIN_PREFIX
        split = None if finishes else _split(word, lexicon, indexed)
        # a word of a name's length one edit from a confident correction is that word mistyped (`norko`:
        # norco), not the start of a longer name (norkotral); a shorter one may be either (`lumb`)
        typo = confident and len(low) >= MIN_NAME_PREFIX and distance(low, choice.word, 2) <= 1
        finished = [] if finishes or split or typo or len(low) < min(shortest, MIN_NAME_PREFIX) or names is None \
            else names(low)
        if not finishes and len(low) >= shortest and lexicon.extends(low) and expands(low):
            # the letters' words starting so, and the vocabulary's names (widened to their concepts:
            # `hydro` is hydrocodone's, hydromorphone's ... items, not a letter's 'hydrotherapy')
            # (several names only for a prefix typed alone: beside other words they narrow it already)
            names_of = finished if len(finished) == 1 or len(words) == 1 else []
            searched[word] = "(" + " OR ".join([low + "*", *names_of]) + ")" if names_of else low + "*"
            completed.append(low)
        elif split:
            searched[word] = split
        elif finished and len(low) >= MIN_NAME_PREFIX:
            searched[word] = finished[0] if len(finished) == 1 else "(" + " OR ".join(finished) + ")"
        elif confident:
            searched[word] = choice.word
    mending = Mending(offer=_replace(q, offered) if offered else None)
    if searched or joined_text != text:
        mending.text, mending.q = _replace(joined_text, searched), _replace(joined_q, searched)
        mending.completed = ", ".join(completed) or None
        mending.corrections = {k: v for k, v in searched.items() if "*" not in v}
    return mending


def term_frequency(reader, word: str) -> int | None:
    """The documents of any text field holding the word's analysis (None when it gives no term)."""
    stems = [stem for _, _, stem, _ in words(word, "query")]
    if not stems:
        return None
    return sum(reader.doc_frequency(f, stem) for stem in stems for f in TEXT_FIELDS)


def prefix_found(reader, prefix: str) -> bool:
    """Whether some indexed term of a text field starts with `prefix`."""
    return any(next(iter(reader.expand_prefix(f, prefix)), None) is not None for f in TEXT_FIELDS)


def prefix_names(vocab, prefix: str) -> list[str]:
    """The words of the vocabulary's names that finish `prefix` (Vocabulary.completions); where it
    finishes several, those naming a drug, a product or a procedure, at most MAX_PREFIX_NAMES (more: the
    prefix names nothing in particular, and none is given)."""
    names = vocab.completions(prefix, limit=4 * MAX_PREFIX_NAMES)
    if len(names) <= 1:
        return names
    named = [n for n in names if any(vocab.concept(c).kind in NAMED_KINDS for c in vocab.parse_query(n).concept_ids())]
    return named if len(named) <= MAX_PREFIX_NAMES else []


def names_lexicon(vocab) -> Lexicon:
    """The words of the vocabulary's names (alphabetic, MIN_NAME_PREFIX letters or more) as a lexicon,
    counted by the names using them (the snapshot keeps it: Snapshot.names_lexicon)."""
    return Lexicon({w: n for w, n in vocab.words().items() if len(w) >= MIN_NAME_PREFIX and w.isalpha()})
