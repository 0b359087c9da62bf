"""An Atom feed of a search's hits, newest decisions first (xml.etree: all text escaped)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.parse import quote

from indexer.results import Hit, SearchResult
from indexer.search.show.display import clean

ATOM = "http://www.w3.org/2005/Atom"


def _updated(hit: Hit) -> str:
    day = hit.decision_date or "1970-01-01"
    return f"{day}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = _xml_safe(text)
    return el


def _xml_safe(text: str) -> str:
    # The pages' stripping (controls, bidi): XML 1.0 cannot carry most controls even escaped,
    # and a feed reader would show bidi overrides as they are.
    return clean(text)


def _entry(feed: ET.Element, hit: Hit, site_url: str) -> None:
    entry = _sub(feed, "entry")
    link = f"{site_url.rstrip('/')}/letters/{quote(hit.letter_id, safe='')}"
    _sub(entry, "id", f"{link}#{hit.item_no}")
    title = f"{hit.case_number or hit.letter_id}: {hit.item} — {hit.decision or 'no decision'}"
    _sub(entry, "title", title, type="text")
    _sub(entry, "updated", _updated(hit))
    _sub(entry, "link", href=link, rel="alternate")
    for category in hit.categories:
        _sub(entry, "category", term=_xml_safe(category))
    summary = " … ".join(s.text for s in hit.snippets) or hit.item
    _sub(entry, "summary", summary, type="text")


def atom_feed(result: SearchResult, self_url: str, site_url: str) -> str:
    """Atom XML for a search result's hits, newest decision first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    query = result.query.text or result.request.q
    _sub(feed, "title", f"IMR decisions: {query}" if query else "IMR decisions", type="text")
    _sub(feed, "id", self_url)
    _sub(feed, "link", href=self_url, rel="self")
    _sub(feed, "link", href=site_url, rel="alternate")
    hits = sorted(result.hits, key=lambda h: h.decision_date or "", reverse=True)
    newest = _updated(hits[0]) if hits else datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    _sub(feed, "updated", newest)
    author = _sub(feed, "author")
    _sub(author, "name", "IMR Search")
    for hit in hits:
        _entry(feed, hit, site_url)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")
