"""Characters dropped from letter text wherever it is shown to a person: pages, Atom, CSV."""
from __future__ import annotations

import re

# C0/C1 controls (but tab, newline and CR) and bidi marks, embeddings, overrides and
# isolates: they could hide or reorder the text around them.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                       "\ufeff\ufffe\uffff]")
# Lone surrogates come only from file names that are not UTF-8 (kept losslessly as
# surrogateescape); no page or file can be encoded with them, so they show as U+FFFD.
SURROGATE = re.compile("[\ud800-\udfff]")
# Either of them: one scan finds that most texts need neither substitution.
EITHER = re.compile(f"[{INVISIBLE.pattern[1:-1]}{SURROGATE.pattern[1:-1]}]")


def clean(text: object) -> str:
    """Text without control and bidi characters, undecodable bytes as U+FFFD ('' for None)."""
    text = "" if text is None else str(text)
    if EITHER.search(text) is None:
        return text
    return SURROGATE.sub("\ufffd", INVISIBLE.sub("", text))
