"""Finding the vocabulary's forms in text: longest match first over tokens, abbreviations as written."""
from __future__ import annotations

from dataclasses import dataclass

from indexer.vocabulary.text import Token, spinal_levels, strict_word, tokenize


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


class Matcher:
    """Forms indexed by their normalised token sequence; built once per Vocabulary."""

    def __init__(self, forms: list[tuple[str, str]]) -> None:
        self.table: dict[tuple[str, ...], list[_Form]] = {}
        # Every proper prefix of a form: a window is only widened while it can still grow into one
        # (most words of a letter start no form, so scanning stays about one lookup a word).
        self.prefixes: set[tuple[str, ...]] = set()
        self.longest = 1
        for text, concept in forms:
            tokens = tokenize(text)
            if not tokens:
                continue
            key = tuple(t.norm for t in tokens)
            entry = _Form(concept, tuple(strict_word(t.raw) for t in tokens))
            bucket = self.table.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            self.longest = max(self.longest, len(key))
            self.prefixes.update(key[:n] for n in range(1, len(key)))

    def keys(self) -> list[tuple[str, ...]]:
        """Every normalised form (token tuples)."""
        return list(self.table)

    def concepts_of(self, form: str) -> list[str]:
        """The concepts a form names (any case)."""
        return [f.concept for f in self.table.get(tuple(t.norm for t in tokenize(form)), [])]

    def _fits(self, form: _Form, tokens: list[Token], strict: bool) -> bool:
        # In letters an abbreviation counts only in capitals: "PT" yes, "pt" (patient) no.
        return not strict or all(not s or strict_word(t.raw) for s, t in zip(form.strict, tokens))

    def scan(self, text: str, strict: bool = True) -> tuple[list[Match], list[Token]]:
        """Matches of `text`, longest first and not overlapping, and the tokens left unmatched."""
        tokens = tokenize(text)
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
            best = None
            key: tuple[str, ...] = ()
            for j in range(i, min(i + self.longest, len(tokens))):
                key += (tokens[j].norm,)
                window = tokens[i:j + 1]
                found = [f for f in self.table.get(key, ()) if self._fits(f, window, strict)]
                if found:
                    best = (j + 1, found)
                if key not in self.prefixes:
                    break
            if best is not None:
                stop, found = best
                start, end = tokens[i].start, tokens[stop - 1].end
                matches.extend(Match(f.concept, start, end, text[start:end]) for f in found)
                i = stop
                continue
            plain.append(tokens[i])
            i += 1
        return matches, plain
