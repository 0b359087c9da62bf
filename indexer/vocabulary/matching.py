"""Finding the vocabulary's forms in text: longest match first over tokens, abbreviations as written."""
from __future__ import annotations

from dataclasses import dataclass

from indexer.vocabulary.text import Token, normalise_word, spinal_levels, strict_word, tokenize


@dataclass(frozen=True)
class Match:
    """A concept named in a text: its id, the character span, the words as written, and, for an
    implied concept, the concept actually named (via)."""

    concept: str
    start: int
    end: int
    surface: str
    via: str | None = None


@dataclass(frozen=True)
class _Form:
    concept: str
    strict: tuple[bool, ...]     # per token: written in capitals in the data, so matched as written
    query: bool = False          # a colloquial name read in queries only, never in a letter


class Matcher:
    """Forms indexed by their normalised token sequence; built once per Vocabulary."""

    def __init__(self, forms: list[tuple[str, str]], query_forms: list[tuple[str, str]] = (),
                 words: dict[str, str] | None = None) -> None:
        # one-word shorthand read as the word it stands for ("appt" -> "appointment"), normal forms both
        self.words = {normalise_word(k): normalise_word(v) for k, v in (words or {}).items()}
        self.table: dict[tuple[str, ...], list[_Form]] = {}
        self.prefixes: set[tuple[str, ...]] = set()    # every leading part of a form: scanning stops early
        self.longest = 1
        for text, concept, query in [*((t, c, False) for t, c in forms), *((t, c, True) for t, c in query_forms)]:
            tokens = tokenize(text)
            if not tokens:
                continue
            key = self._norms(tokens)
            entry = _Form(concept, tuple(strict_word(t.raw) for t in tokens), query)
            bucket = self.table.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            self.longest = max(self.longest, len(key))
            self.prefixes.update(key[:n] for n in range(1, len(key) + 1))

    def _norms(self, tokens: list[Token]) -> tuple[str, ...]:
        if not self.words:
            return tuple(t.norm for t in tokens)
        return tuple(self.words.get(t.norm, t.norm) for t in tokens)

    def keys(self) -> list[tuple[str, ...]]:
        """Every normalised form (token tuples)."""
        return list(self.table)

    def concepts_of(self, form: str) -> list[str]:
        """The concepts a form names (any case)."""
        return [f.concept for f in self.table.get(self._norms(tokenize(form)), [])]

    def _fits(self, form: _Form, tokens: list[Token], strict: bool) -> bool:
        # In letters an abbreviation counts only in capitals: "PT" yes, "pt" (patient) no; a query-only
        # name not at all.
        return not strict or (not form.query and all(not s or strict_word(t.raw) for s, t in zip(form.strict, tokens)))

    def scan(self, text: str, strict: bool = True) -> tuple[list[Match], list[Token]]:
        """Matches of `text`, longest first and not overlapping, and the tokens left unmatched."""
        tokens = tokenize(text)
        norms = self._norms(tokens)
        matches: list[Match] = []
        plain: list[Token] = []
        levels = {lv.start: lv for lv in spinal_levels(text, strict)}
        i = 0
        while i < len(tokens):
            level = levels.get(tokens[i].start)
            if level is not None:
                matches.append(Match(f"level:{level.name}", level.start, level.end, level.surface))
                while i < len(tokens) and tokens[i].start < level.end:
                    i += 1
                continue
            reach = i
            while reach < len(tokens) and tuple(norms[i:reach + 1]) in self.prefixes:
                reach += 1
            for size in range(reach - i, 0, -1):
                window = tokens[i:i + size]
                found = [f for f in self.table.get(tuple(norms[i:i + size]), ()) if self._fits(f, window, strict)]
                if found:
                    start, end = window[0].start, window[-1].end
                    # "NSAID" and "NSAIDs" share a normal form: one match per concept
                    named = dict.fromkeys(f.concept for f in found)
                    matches.extend(Match(c, start, end, text[start:end]) for c in named)
                    i += size
                    break
            else:
                plain.append(tokens[i])
                i += 1
        return matches, plain
