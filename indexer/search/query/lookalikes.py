"""Digits typed for the letters they look like, in the name of a drug, a product or a procedure:
`norc0` is `norco`, `lyr1ca` is `lyrica`, `0xycodone` is `oxycodone`.

The pairs are those Unicode's confusables data (UTS #39, *Unicode Security Mechanisms*, confusables.txt)
lists for a digit and a Latin letter: 0 for o, 1 for l or i, 5 for s, 8 for b, 3 for e (a mirrored E
on keypads and in leetspeak), 4 for a. A word is read so only where it has three letters or more, is no
dose, level or schedule (`L5`, `5mg`, `x6`, `q4h` keep their digits), and the word with its letters
back is one of the vocabulary's names (or begins one, as a name prefix would).
"""
from __future__ import annotations

import itertools
import re

from indexer.vocabulary import Vocabulary

LETTERS = {"0": "o", "1": "li", "5": "s", "8": "b", "3": "e", "4": "a"}
MIN_LETTERS = 3
MAX_DIGITS = 3          # digits read back in one word (each may stand for two letters)
# A word of letters and digits with a digit among its letters (not a dose, a level or a count).
_MIXED = re.compile(r"(?<![\w/.#-])(?=[a-z0-9]*[a-z][a-z0-9]*[a-z])(?=[a-z]*\d)[a-z0-9]+(?![\w/.%-])", re.IGNORECASE)
_LETTER_BESIDE_DIGIT = re.compile(r"[a-z]\d|\d[a-z]", re.IGNORECASE)
_KEEP = re.compile(r"[a-z]{1,2}\d+[a-z]?\d*|\d+[a-z]{1,3}|x\d+.*|q\d+.*", re.IGNORECASE)


def read(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """The text with each name typed with lookalike digits spelt with its letters; the messages."""
    said: list[str] = []

    def letters(m: re.Match) -> str:
        word = m[0]
        digits = [c for c in word if c.isdigit()]
        if _KEEP.fullmatch(word) or sum(c.isalpha() for c in word) < MIN_LETTERS \
                or len(digits) > MAX_DIGITS or not all(c in LETTERS for c in digits):
            return word
        for choice in itertools.product(*(LETTERS[c] for c in digits)):
            it = iter(choice)
            spelt = "".join(next(it) if c.isdigit() else c for c in word.lower())
            spans = vocab.parse_query(spelt).spans
            if (len(spans) == 1 and spans[0].surface.lower() == spelt) or vocab.completions(spelt, limit=1):
                said.append(f"'{word}' read as '{spelt}'")
                return spelt
        return word
    return _MIXED.sub(letters, text) if _LETTER_BESIDE_DIGIT.search(text) else text, said
