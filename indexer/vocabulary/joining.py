"""Words that join a name in a query rather than add a required word (abbreviations.toml): a drug's
suffixes, salts and heads, `for` a condition its classes treat; a region's symptom and injury words; a
lab panel's heads (`coag panel`, `CBC test`)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from indexer.vocabulary.text import normalise_word, tokenize

if TYPE_CHECKING:
    from indexer.vocabulary.vocabulary import Vocabulary

# Kinds whose names take the words of a table of abbreviations.toml after them.
SUFFIXED = {"drug": "drug_suffixes", "product": "drug_suffixes", "region": "region_words",
            "part": "region_words", "level": "region_words", "panel": "lab_words"}
# What may stand between a name and a word joining it: a space or a hyphen ("Norco-ES").
_JOINING_GAP = re.compile(r"[ \t-]*")


class Joiner:
    """The word runs that join a name of each kind, as normal forms, longest first; one per Vocabulary."""

    def __init__(self, abbreviations: dict) -> None:
        self._treating: dict[tuple[str, ...], list[tuple[str, ...]]] = {}   # per drug span's ids
        self.runs: dict[str, list[tuple[str, ...]]] = {}
        for table in set(SUFFIXED.values()):
            runs = {tuple(t.norm for t in tokenize(w)) for ws in abbreviations.get(table, {}).values() for w in ws}
            self.runs[table] = sorted((r for r in runs if r), key=len, reverse=True)

    def __bool__(self) -> bool:
        return any(self.runs.values())

    def treating(self, vocab: "Vocabulary", ids: list[str]) -> list[tuple[str, ...]]:
        """'for <a condition its classes treat>' after a drug ("protonix for gi upset"), as word runs
        (remembered per drug: the vocabulary is this joiner's for its life)."""
        key = tuple(ids)
        if key not in self._treating:
            out = {("for", *(t.norm for t in tokenize(ind)))
                   for c in ids for cls in vocab.classes_of(c) for ind in vocab.concepts[cls].indications}
            self._treating[key] = sorted(out, key=len, reverse=True)
        return self._treating[key]

    def join(self, vocab: "Vocabulary", query: str,
             spans: dict[tuple[int, int], list[str]]) -> dict[tuple[int, int], list[str]]:
        """The spans with the words that join a name after it taken into it: `vicodin es`, `oxycodone
        hcl er` (a suffix read as another concept, `XR`, goes too), `low back pain`, `pelvic region`.
        Only words right after the name, each run whole."""
        kinds = {vocab.concept(c).kind for ids in spans.values() for c in ids}
        if not kinds & SUFFIXED.keys():
            return spans        # the common case: nothing a word could join
        tokens = tokenize(query)
        order = sorted(spans)
        out: dict[tuple[int, int], list[str]] = {}
        taken_until = -1
        for start, end in order:
            if start < taken_until:
                continue        # swallowed by the name before it
            ids = spans[(start, end)]
            tables = {SUFFIXED.get(vocab.concept(c).kind) for c in ids} - {None}
            if not all(vocab.concept(c).kind == "panel" for c in ids):
                tables.discard("lab_words")     # "PT test": the physical therapy too, so not joined
            runs = [r for t in sorted(tables) for r in self.runs.get(t, [])]
            if "drug_suffixes" in tables:
                runs += self.treating(vocab, ids)
            while runs:
                after = [t for t in tokens if t.start >= end]
                if not after or not _JOINING_GAP.fullmatch(query[end:after[0].start]):
                    break
                shorthand = vocab.matcher.words          # "follow-up appt": the shorthand's word
                norms = tuple(shorthand.get(n, n) for n in (normalise_word(t.raw) for t in after))
                run = next((r for r in runs if norms[:len(r)] == r), None)
                if run is None:
                    break
                new_end = after[len(run) - 1].end
                # a run read as a concept of its own must be that whole span ("XR" the x-ray)
                if any(s < new_end and e > new_end for s, e in order if s >= end):
                    break
                end = new_end
            out[(start, end)] = ids
            taken_until = end
        return out
