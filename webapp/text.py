"""Making untrusted letter text safe to show: escape first, then add only <mark>."""
from __future__ import annotations

import re

from markupsafe import Markup

from indexer.search.show.display import clean
from indexer.search.show.highlight import mark_query

_MARK_TAG = re.compile(r"(</?mark>)")
# A hit's title is the treatment as requested: the request's boilerplate around it is left to the letter page.
_LEAD = re.compile(r"^\s*(?:(?:retrospective|prospective|concurrent)\s+)?request(?:ed)?\s+for\s+(?:an?\s+|the\s+)?",
                   re.IGNORECASE)
_TAIL = re.compile(r",?\s+(?:is|are|was|were)\s+(?:not\s+)?(?:medically\s+necessary|certified|approved|"
                   r"non-certified|denied|modified)\b.*$", re.IGNORECASE | re.DOTALL)
_TOKEN = re.compile(r"</?mark>|&[#\w]+;|.", re.DOTALL)
TITLE_CHARS = 90
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


def short_title(html: str | None, limit: int = TITLE_CHARS) -> Markup:
    """A hit's title from its escaped, <mark>ed item: the treatment as requested, cut at a word
    boundary after at most `limit` visible characters (with '…'); the whole text is on the letter page."""
    text = _TAIL.sub("", _LEAD.sub("", clean(html))) or clean(html)
    tokens, seen, cut = _TOKEN.findall(text), 0, None
    for n, token in enumerate(tokens):
        if token in ("<mark>", "</mark>"):
            continue
        if seen == limit:
            cut = n
            break
        seen += 1
    if cut is None:
        return marked(text)
    head = tokens[:cut]
    spaces = [n for n, t in enumerate(head) if t.isspace()]
    if spaces and spaces[-1] > cut // 2:
        head = head[:spaces[-1]]
    short = "".join(head).rstrip(" ,;:-/(")
    return marked(short + "…")
