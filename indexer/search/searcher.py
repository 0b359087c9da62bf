"""The search core: query + filters over the CURRENT snapshot -> SearchResult.

Matching documents are collected once into a numpy mask and ranked with
numpy BM25F (indexer.search.ranking over the snapshot's PostingCache); facet counts
come from facetdata bincounts (no Whoosh groupedby) and stored fields are read
only for the page of hits shown. A Searcher follows the CURRENT pointer: it looks
at it at most every `recheck` seconds and opens the new snapshot when it
changed; searches already running finish on the snapshot they started with.
A read error inside the snapshot's files while answering (a segment damaged
under the running server) is IndexDamaged, a 503: the snapshot is dropped with
its open files and opened afresh by the next request.
"""
from __future__ import annotations

import gc
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from indexer.index.stores import snapshots
from indexer.search.show import highlight, terms
from indexer.search import hits, ranking
from indexer.search import rescue
from indexer.search.matching import SCOPE_NAMES, Match, run
from indexer.errors import ImrError, IndexDamaged, LetterNotFound
from indexer.search.crosstab import Table, crosstab
from indexer.search.lettercount import count_letters
from indexer.search.facets import count_facets, facet_values, filter_masks, hits_mask
from indexer.search.snapshot import READ_ERRORS, Preloaded, Snapshot
from indexer.results import Hit, SearchRequest, SearchResult
from indexer.settings import Settings
from indexer.fields import FIELD_FACETS
from indexer.search.query.understand import understand



# Why the same words give other counts as a filter: said wherever a table counts a text search.
ROUTE_NOTE = ("Counting items whose {what} match '{text}'. A facet filter (e.g. a treatment category) counts "
              "the items given that value instead, which can differ.")


class Searcher:
    """Searches the published snapshot of an index directory."""

    def __init__(self, settings: Settings, recheck: float = 0.5, preloaded: Preloaded | None = None):
        self.settings = settings
        self.recheck = recheck
        self._preloaded = preloaded     # tables a parent process read (Snapshot.open keeps them)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._answering = threading.local()     # the snapshot each thread last answered with
        self._settled = False                   # settle() froze the collector's heap

    def current(self) -> Snapshot:
        """The snapshot to answer with, reopened when CURRENT names another one."""
        snap = self._snapshot
        if snap is None or time.monotonic() - self._checked >= self.recheck:
            with self._lock:
                self._checked = time.monotonic()
                name = snapshots.current_name(self.settings)
                if self._snapshot is None or name != self._snapshot.name:
                    path = snapshots.current(self.settings)
                    snapshots.check_schema(path, self.settings)
                    replaced = self._snapshot is not None
                    self._snapshot = Snapshot.open(path, self._preloaded,
                                                   self.settings.highlight_cache_chars,
                                                   self.settings.letter_store_cache_kib)
                    if self._snapshot.path != getattr(self._preloaded, "path", None):
                        self._preloaded = None      # a newer snapshot: the parent's tables are of no more use
                    if replaced and self._settled:
                        # What the replaced snapshot froze goes back to the collector (its cycles
                        # would never be freed); what is still alive is frozen again.
                        gc.unfreeze()
                        gc.collect()
                        gc.freeze()
                snap = self._snapshot
        self._answering.name = snap.name
        return snap

    def answered(self) -> str | None:
        """The snapshot this thread last answered with (what a response says answered it: the
        current one may have changed since); None after `forget_answered` until a search."""
        return getattr(self._answering, "name", None)

    def forget_answered(self) -> None:
        """Start a new request on this thread: nothing answered it yet."""
        self._answering.name = None

    def close(self) -> None:
        """Close the open snapshot's files (a later search opens the current one again)."""
        with self._lock:
            snap, self._snapshot = self._snapshot, None
        if snap is not None:
            snap.close()

    def preload(self) -> Preloaded:
        """The current snapshot's read-only tables (Snapshot.preload), read by a server's master
        before it forks its workers; the snapshot is closed again (the master searches nothing)."""
        try:
            return self.current().preload()
        finally:
            self.close()

    def settle(self) -> None:
        """Ready this process to answer: open the current snapshot, read the tables a search reads on
        first use (Snapshot.preload's, the letter ordinals), then move every object made so far into
        the collector's permanent generation (gc.freeze). A warm process tracks some 60,000 long-lived
        objects (modules, the vocabulary, the tables); without this a full collection walks them all
        inside some request (tens of ms). Called once by the process that owns the Searcher (`imr
        serve`'s single process, the bench); when a newer snapshot replaces this one, the frozen
        objects are handed back to the collector and what lives is frozen again (`current`).
        Raises the index's domain errors when there is no readable snapshot."""
        snap = self.current()
        with self._reading(snap):
            snap.preload()
            snap.letter_ordinals()
        gc.collect()
        gc.freeze()
        self._settled = True

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _reading(self, snap: Snapshot) -> Iterator[None]:
        """Turn a read error in `snap`'s files into IndexDamaged (a 503), dropping the snapshot."""
        try:
            yield
        except ImrError:
            raise
        except Exception as exc:
            if not (snap.broken or isinstance(exc, READ_ERRORS)):
                raise
            with self._lock:
                if self._snapshot is snap:
                    self._snapshot = None     # the next request opens the snapshot afresh
            snap.close()
            raise IndexDamaged(f"{snap.path}: reading the index failed ({type(exc).__name__}: {exc}): "
                               "run `imr check`, then `imr rollback` or `imr index --force`") from exc

    @property
    def snapshot_name(self) -> str:
        """Name of the snapshot answering now."""
        return self.current().name

    def match(self, request: SearchRequest, snap: Snapshot | None = None) -> Match:
        """Understand and run the query: the mask of matching documents.

        The scope (which text fields count) is the request's, else the request
        itself ('item'), widened to the decision and then the whole letter when
        the words match nothing there (facet filters never widen it). When
        words understood as filters leave nothing while the words searched as
        text would find something, the literal reading answers, and says so.
        When nothing matches still, unknown words are mended (`_forgiven`).
        Every reading is in `info`.
        """
        snap = snap or self.current()
        data = snap.facets
        known = {f: data.values(f) for f in FIELD_FACETS if f in data.columns}
        decisions = snap.decision_words()
        meaning = searched = understand(request.q, known, literal=request.literal, decisions=decisions,
                                        vocab=snap.vocabulary)
        found = run(snap, request, meaning)
        kept = None if found.mask.any() or request.literal else rescue.year_kept(snap, meaning, found)
        if kept:        # a typed year stays a filter: nothing that year, and the years that hold it
            found.info.messages.insert(0, kept)
        elif not found.mask.any() and meaning.from_words and not request.literal:
            searched = understand(request.q, known, literal=True, decisions=decisions,
                                  vocab=snap.vocabulary)
            literal = run(snap, request, searched)
            if literal.mask.any():
                words = ", ".join(f"'{c.word}'" for c in meaning.chips if ":" not in c.word)
                literal.info.messages.insert(0, f"No decisions match with {words} as a filter: "
                                                "showing the words searched as text instead")
                found = literal
            else:
                searched = meaning
        if not found.mask.any() and found.info.text and not request.literal:
            # a bare specialty no request names (`rheumatology`): the letters it reviewed
            found = rescue.specialty_chosen(snap, request, meaning, found, known)
        if not found.mask.any() and found.info.text and not found.info.open_case:
            found = rescue.forgiven(snap, request, searched, found, known)
        # Best effort only where the words themselves find nothing: where the filters empty the page,
        # the no-hits box's single changes (a filter dropped) are the better answer.
        if (not found.mask.any() and not found.words_found and found.info.text
                and not found.info.open_case and request.spell):
            found = rescue.broadened(snap, request, searched, found)
            if not found.mask.any():
                found = rescue.relaxed(snap, request, searched, found)
            if not found.mask.any():    # a broader concept without a detail no item of it states
                found = rescue.broadened(snap, request, searched, found, relax=True)
        elif found.info.scope == "letter" and not request.scope and request.spell and found.mask.any() \
                and found.info.corrected is None:
            # found across whole letters only: a plain common word may be all that matched there
            found = rescue.relaxed(snap, request, searched, found, fillers=True)
        found.info.suggestions = rescue.offers(snap, request, meaning, known, found.filters)
        return found

    def _ordered(self, snap: Snapshot, request: SearchRequest, m: Match,
                 limit: int | None) -> list[tuple[int, float | None]]:
        """(docnum, score) of the hits in display order, the first `limit` of them."""
        if request.sort == "relevance" and m.evaluation is not None:
            # BM25F over the matching docs only (within a tier, Whoosh's exhaustive ranking).
            return ranking.rank(m.evaluation, snap.searcher(), snap.postings, m.mask, limit, tiered=True)
        docs = np.flatnonzero(m.mask)
        keys = snap.facets.decided[docs]
        # Undated documents come last in either order.
        keys = np.where(keys > 0, keys, 99999999) if request.sort == "oldest" else keys
        order = np.lexsort((docs, keys)) if request.sort == "oldest" else np.lexsort((docs, -keys))
        return [(int(d), None) for d in docs[order][:limit]]

    def search(self, request: SearchRequest) -> SearchResult:
        """One page of hits, exact total and facet counts for a request."""
        snap = self.current()
        with self._reading(snap):
            m = self.match(request, snap)
            start = (request.page - 1) * request.per_page
            page = self._ordered(snap, request, m, start + request.per_page)[start:]
            marker = highlight.Marker(terms.terms_of(m.query, snap.vocabulary), snap.seen)
            shown = hits.page_of(snap, page, marker, self.settings.max_other_items)
            # Letters are counted over the masks the items were (each made once).
            masks, counted = (m.masks if m.masks is not None else filter_masks(snap.facets, m.filters)), {}
            facets = count_facets(snap.facets, m.base, m.filters, masks=masks, scoped=counted)
            count_letters(snap.facets, letters_of(snap), facets, m.base, masks, counted)
        return SearchResult(request, int(m.mask.sum()), shown, facets, m.info, snap.name)

    def marker(self, q: str) -> highlight.Marker:
        """A highlighter of a typed query's words, remembering texts in the current snapshot."""
        return highlight.Marker(terms.query_terms(q), self.current().seen)

    def facet_table(self, request: SearchRequest, facet: str) -> list:
        """Every value of one facet with counts (other facets' selections applied)."""
        snap = self.current()
        with self._reading(snap):
            m = self.match(request, snap)
            others = {f: v for f, v in m.filters.items() if f != facet}
            mask = hits_mask(m.base, filter_masks(snap.facets, others))
            values = facet_values(snap.facets, facet, mask, m.filters.get(facet, []))
            count_letters(snap.facets, letters_of(snap), {facet: values}, mask, {})
            return values

    def crosstab(self, request: SearchRequest, by: list[str]) -> Table:
        """The matching items counted by one or two dimensions, with letters and overturn intervals."""
        snap = self.current()
        with self._reading(snap):
            m = self.match(request, snap)
            table = crosstab(snap.facets, letters_of(snap), m.mask, by)
        table.notes = m.info.messages + ([ROUTE_NOTE.format(what=SCOPE_NAMES[m.info.scope], text=m.info.text.strip())]
                                         if m.info.text.strip() else [])
        return table

    def iter_hits(self, request: SearchRequest) -> Iterator[Hit]:
        """Every hit of a request in display order, read one at a time (no snippets)."""
        snap = self.current()
        with self._reading(snap):
            m = self.match(request, snap)
            order = self._ordered(snap, request, m, None)
            if snap.hits is not None:       # the hit store: mapped, read by any thread
                for doc, score in order:
                    yield hits.light_hit(snap.hits.get(doc), score)
                return
            with snap.index.searcher() as searcher:
                for doc, score in order:
                    yield hits.light_hit(searcher.stored_fields(doc), score)

    def letter(self, letter_id: str) -> dict:
        """The whole record of a letter; raises LetterNotFound."""
        snap = self.current()
        with self._reading(snap):
            record = snap.record(letter_id)
        if record is None:
            raise LetterNotFound(f"no letter {letter_id!r} in the index")
        return record

    def export_records(self, letter_ids: list[str]) -> dict[str, dict]:
        """Of several letters, by id, the outcome and items an export row cites (missing ones left out)."""
        snap = self.current()
        with self._reading(snap):
            return snap.export_records(letter_ids)

    def similar(self, doc_id: str, same_category: bool = True, limit: int = 10) -> list[Hit]:
        """Other letters' items most like one item (key terms of its item and rationale),
        by default only of its treatment category (its drug class, for a drug)."""
        snap = self.current()
        with self._reading(snap):
            return hits.similar_to(snap, doc_id, same_category, limit)


def letters_of(snap: Snapshot) -> np.ndarray:
    """Per doc, its letter's ordinal (documents of a letter are consecutive; the snapshot's, made once)."""
    return snap.letter_ordinals()
