"""Letter references: what a whole rebuild keeps of each letter while the writers load the records.

A whole rebuild of the corpus cannot hold every record (~13 KB each, ~6 GB at
445,000 letters). Every parsed record is in the record cache, keyed by its
content hash, so the parent keeps a reference per letter (`indexer.record.Ref`):
what choosing one copy per letter and counting need (id, hash, source, item
count, ...), ~250 bytes with its outcome, its path and hash strings shared with
the listing's. Each index writer loads its own chunk's records back from the cache, one
at a time. A record the cache could not keep (a full or read-only cache) stays whole.
"""
from __future__ import annotations

import sys
from typing import Iterable, Iterator

from indexer.errors import IndexDamaged
from indexer.ingest import cache
from indexer.ingest.sources import Outcome
from indexer.record import Record, Ref, verdicts
from indexer.settings import Settings


def reference(record: Record, settings: Settings, content_hash: str | None = None,
              cached: bool = False) -> Record | Ref:
    """A reference to `record` when the cache holds it, else the record itself.

    `content_hash`: the listing's string of the record's hash, shared rather than copied;
    `cached`: it was just read from the cache under that hash (no need to look again).
    """
    digest = record.get("content_hash")
    held = cached and digest == content_hash
    if not digest or not (held or cache.holds(settings, digest)):
        return record
    letter_id, case_number = record.get("id"), record.get("case_number")
    form = record.get("format")
    return Ref(id=letter_id, case_number=letter_id if case_number == letter_id else case_number,
               content_hash=content_hash if content_hash == digest else digest,
               source=record.get("source"), partial=record.get("partial"),
               format=sys.intern(form) if isinstance(form, str) else form,
               decisions_unread=record.get("decisions_unread"), item_count=len(record.get("items") or []),
               verdicts=verdicts(record))


def is_reference(letter: Record | Ref) -> bool:
    """True for a reference (no items: a count of them)."""
    return isinstance(letter, Ref)


def with_source(letter: Record | Ref, source: str) -> Record | Ref:
    """The letter with `source` as its path: a record copied, a reference (one's own) set in place."""
    if isinstance(letter, Ref):
        letter.source = source
        return letter
    return dict(letter, source=source)


def slim(outcome: Outcome, settings: Settings) -> Outcome:
    """The outcome with a reference in place of its record."""
    if outcome.record is None:
        return outcome
    return Outcome(outcome.path, reference(outcome.record, settings), outcome.reason, outcome.parsed)


def load(letters: Iterable[Record | Ref], settings: Settings) -> Iterator[Record]:
    """The records of `letters` (records or references), in order, references read from the cache."""
    for letter in letters:
        if not is_reference(letter):
            yield letter
            continue
        entry = cache.lookup(settings, letter["content_hash"]) or {}
        record = entry.get("record")
        if record is None or record.get("id") != letter["id"]:
            raise IndexDamaged(f"the record of {letter['source']} ({letter['id']}) is no longer in the "
                               f"record cache {settings.record_cache}: nothing published; run the rebuild again")
        yield dict(record, source=letter["source"])
