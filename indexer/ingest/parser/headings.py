"""Headings found by their words: any case, any spacing (even none), wrapped over lines.

Text layers of the older letters glue words (`notmedically`), break long
headings over two lines and print them in capitals or in title case, so a
heading is matched word by word with optional whitespace between the words.
"""
from __future__ import annotations

import re

from indexer.ingest.parser.text import join

Found = tuple[int, int, str]   # (first line, line after the heading, text after it on its last line)
MAX_WRAP = 3                   # a heading spans at most this many lines


def words(phrase: str) -> str:
    """A regex source for `phrase` with optional whitespace between its words."""
    return r"\s*".join(re.escape(w) for w in phrase.split())


def heading(phrase: str, colon: bool = False) -> re.Pattern:
    """A pattern for `phrase` at a line start (`colon`: an optional ':' after it)."""
    return re.compile(r"^\s*" + words(phrase) + (r"\s*:?\s*" if colon else r"\b\s*"), re.I)


def find(lines: list[str], rx: re.Pattern, start: int = 0, stop: int | None = None) -> Found | None:
    """The first heading matching `rx` at or after line `start`, one line or wrapped over a few."""
    stop = len(lines) if stop is None else stop
    for i in range(start, stop):
        if not lines[i]:
            continue
        # the heading's lines: this one and the next non-blank ones (HTML puts blank lines between)
        at = [i] + [j for j in range(i + 1, min(i + 2 * MAX_WRAP, len(lines))) if lines[j]][:MAX_WRAP - 1]
        for span in range(1, len(at) + 1):
            part = [lines[j] for j in at[:span]]
            text = " ".join(part)
            m = rx.match(text)
            # a wrapped match must reach into its last line, or it is a one-line match
            if m and (span == 1 or m.end() > len(" ".join(part[:-1]))):
                return i, at[span - 1] + 1, text[m.end():].strip()
    return None


def sections(lines: list[str], headings: list[tuple[str, re.Pattern]], start: int = 0) -> dict[str, list[str]]:
    """Each heading's text up to the next heading found (headings in the letter's order; any may be absent)."""
    found: list[tuple[str, Found]] = []
    at = start
    for key, rx in headings:
        hit = find(lines, rx, at)
        if hit:
            found.append((key, hit))
            at = hit[1]
    out: dict[str, list[str]] = {}
    for n, (key, (first, after, rest)) in enumerate(found):
        end = found[n + 1][1][0] if n + 1 < len(found) else len(lines)
        out[key] = ([rest] if rest else []) + lines[after:end]
    return out


def text_of(section: list[str] | None) -> str:
    """A section's lines as one string."""
    return join(section or [])
