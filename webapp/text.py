"""Making untrusted letter text safe to show: escape first, then add only <mark>."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

# C0/C1 controls (but tab and newline) and bidi embeddings/overrides/isolates:
# they could hide or reorder text around them, so they are dropped for display.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]")
_MARK_TAG = re.compile(r"(</?mark>)")
_BARE_AMP = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")
_QUERY_WORD = re.compile(r"[^\W_]{2,}")
_SYNTAX_WORDS = {"and", "or", "not", "to"}


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


def query_terms(q: str) -> list[str]:
    """The plain words of a query (field names, operators and syntax dropped)."""
    words = []
    for token in re.split(r"\s+", q or ""):
        token = token.split(":", 1)[1] if ":" in token else token
        words += [w.lower() for w in _QUERY_WORD.findall(token)]
    return [w for w in dict.fromkeys(words) if w not in _SYNTAX_WORDS and not w.isdigit()]


def highlight(text: object, q: str) -> Markup:
    """Escaped `text` with words starting like a query term wrapped in <mark>."""
    text = clean(text)
    terms = query_terms(q)
    if not terms:
        return escape(text)
    # A few English endings stand in for the index's stemming: 'trainer' marks
    # 'trainers', 'injections' marks 'injection', without marking 'training'.
    stems = [re.sub(r"(?:ing|ed|es|s)$", "", t) if len(t) > 4 else t for t in terms]
    pattern = re.compile(r"\b(?:%s)(?:s|es|ed|ing|'s)?\b" % "|".join(map(re.escape, stems)), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup("<mark>%s</mark>") % m.group(0))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
