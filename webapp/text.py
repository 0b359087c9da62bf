"""Making untrusted letter text safe to show: escape first, then add only <mark>."""
from __future__ import annotations

import re

from markupsafe import Markup

from indexer.search.show.display import clean
from indexer.search.show.highlight import mark_query

_MARK_TAG = re.compile(r"(</?mark>)")
_BARE_AMP = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")


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
    """Escaped `text` with the query's words marked as the index stems them (indexer.search.show.highlight)."""
    return marked(mark_query(clean(text), q or ""))
