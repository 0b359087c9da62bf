"""Making untrusted letter text safe to show: escape first, then add only <mark>."""
from __future__ import annotations

import re

from markupsafe import Markup

from indexer.search.highlight import mark_query

# C0/C1 controls (but tab and newline) and bidi embeddings/overrides/isolates:
# they could hide or reorder text around them, so they are dropped for display.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]")
_MARK_TAG = re.compile(r"(</?mark>)")
_BARE_AMP = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")


def clean(text: object) -> str:
    """Text without control and bidi-override characters ('' for None)."""
    return _INVISIBLE.sub("", "" if text is None else str(text))


def marked(html: str | None) -> Markup:
    """Already escaped text with <mark>s, re-checked so that <mark> is the only markup."""
    parts = _MARK_TAG.split(clean(html))
    out, depth = [], 0
    for part in parts:
        if part == "<mark>":
            depth += 1
            out.append(part)
        elif part == "</mark>":
            if depth:
                depth -= 1
                out.append(part)
        else:
            safe = _BARE_AMP.sub("&amp;", part).replace("<", "&lt;").replace(">", "&gt;")
            out.append(safe.replace('"', "&#34;"))
    out.extend("</mark>" for _ in range(depth))
    return Markup("".join(out))


def highlight(text: object, q: str) -> Markup:
    """Escaped `text` with the query's words marked as the index stems them (indexer.search.highlight)."""
    return marked(mark_query(clean(text), q or ""))
