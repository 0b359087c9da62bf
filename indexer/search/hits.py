"""A document of a snapshot as a Hit: its stored fields, its highlighted passages, the letter's
other items; and the items most like one (*similar*)."""
from __future__ import annotations

import html

import numpy as np
from whoosh import query as wq

from indexer.errors import LetterNotFound
from indexer.fields import FACET_LIST
from indexer.results import Hit
from indexer.search import ranking
from indexer.search.show import highlight
from indexer.search.snapshot import Snapshot

SNIPPETS = 3        # passages shown per hit


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def similar_to(snap: Snapshot, doc_id: str, same_category: bool, limit: int) -> list[Hit]:
    """Other letters' items most like one item (key terms of its item and a window of its rationale)."""
    searcher = snap.searcher()
    docnum = searcher.document_number(doc_id=doc_id)
    if docnum is None:
        raise LetterNotFound(f"no item {doc_id!r} in the index")
    stored = snap.stored_fields(docnum)
    texts = [(f, (stored.get(f) or "")[:highlight.WINDOW], n) for f, n in ranking.SIMILAR_TERMS]
    terms = [wq.Term(f, word, boost=weight) for f, word, weight in snap.key_terms.of(searcher, docnum, texts)]
    if not terms:
        return []
    ev = ranking.evaluate(wq.Or(terms), searcher, snap.postings, snap.facets.decided)
    mask = ev.mask & _similar_candidates(snap, stored, same_category)
    best = ranking.rank(ev, searcher, snap.postings, mask, limit)
    return [light_hit(snap.stored_fields(doc), score) for doc, score in best]

def page_of(snap: Snapshot, page: list[tuple[int, float | None]], marker: highlight.Marker,
            max_other_items: int) -> list[Hit]:
    """The hits of a page of (doc, score): each document's stored fields read once, its letters'
    hit views in one lookup (Snapshot.hit_views), then each hit made (`hit_of`)."""
    stored = [snap.stored_fields(doc) for doc, _ in page]
    for fields in stored:
        if not fields.get("doc_id"):     # as light_hit says it, before the letters are looked up
            raise EOFError("a document's stored fields are empty")
    views = snap.hit_views([fields.get("letter_id", "") for fields in stored])
    return [hit_of(fields, score, marker, views, max_other_items) for fields, (_, score) in zip(stored, page)]


def hit_of(stored: dict, score: float | None, marker: highlight.Marker, views: dict,
           max_other_items: int) -> Hit:
    """A document's stored fields as a result: the marked item, passages from whichever field
    matched and (at most `max_other_items` of) the letter's other items; `views` holds its
    letter as hits show it (Snapshot.hit_view)."""
    hit = light_hit(stored, score)
    lid = hit.letter_id
    hit.original, summary, items = views[lid]
    hit.item_html = marker.mark(hit.item)
    guideline = items[hit.item_no - 1][2] if 0 < hit.item_no <= len(items) else ""
    # Passages from whichever field matched: the rationale, the guidelines, the summary.
    found = marker.snippets(stored.get("rationale") or "", "rationale", SNIPPETS)
    for name, text in (("guideline", guideline), ("summary", summary)):
        found += marker.snippets(text, name, SNIPPETS - len(found))
    hit.snippets = found or highlight.lead(stored.get("rationale") or summary, "rationale")
    # A letter of thousands of items must not make every hit on it thousands of lines long.
    others = [n for n in range(1, len(items) + 1) if n != hit.item_no]
    shown = others[:max_other_items]
    hit.other_items = [{"item_no": n, "item": items[n - 1][0], "decision": items[n - 1][1],
                        "doc_id": f"{lid}#{n}"} for n in shown]
    hit.other_more = len(others) - len(shown)
    return hit


def similar_categories(categories: list[str]) -> list[str]:
    """The categories 'similar' stays within: a drug class rather than all pharmaceuticals."""
    specific = {c.split(":")[0] for c in categories if ":" in c}
    return [c for c in categories if c not in specific]


def _similar_candidates(snap: Snapshot, stored: dict, same_category: bool) -> np.ndarray:
    """Docs 'similar' may return: other letters' items, of the same category by default."""
    data = snap.facets
    allowed = np.ones(data.n_docs, dtype=bool)
    categories = similar_categories(_split(stored.get("category")))
    if same_category and categories:
        allowed &= data.columns["category"].mask(categories, data.n_docs)
    same_letter = snap.searcher().docs_for_query(wq.Term("letter_id", stored.get("letter_id", "")))
    allowed[np.fromiter(same_letter, dtype=np.int64)] = False
    return allowed


def light_hit(stored: dict, score: float | None) -> Hit:
    """A hit from stored fields alone: no snippets, no other items."""
    if not stored.get("doc_id"):     # every document stores one: a truncated segment reads as {}
        raise EOFError("a document's stored fields are empty")
    item = stored.get("item") or ""
    # Every facet's values, as declared (each is a stored field of the item's document).
    facets = {f.name: _split(stored.get(f.name)) if f.multi else stored.get(f.name) for f in FACET_LIST}
    return Hit(
        doc_id=stored.get("doc_id", ""), letter_id=stored.get("letter_id", ""),
        item_no=int(stored.get("item_no") or 0), case_number=stored.get("case_number"),
        item=item, item_html=html.escape(item), decision=facets["decision"],
        decision_date=stored.get("decision_date"), specialties=facets["specialty"],
        states=facets["state"], categories=facets["category"],
        synthetic=bool(stored.get("synthetic")), other_items=[], snippets=[],
        score=float(score) if score is not None else None, facets=facets,
    )

