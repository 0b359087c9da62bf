"""Letter references: what a whole rebuild keeps of each letter while the writers load the records.

A whole rebuild of the corpus cannot hold every record (~13 KB each, ~6 GB at
445,000 letters). Every parsed record is in the record cache, keyed by its
content hash, so the parent keeps a reference per letter: what choosing one
copy per letter and counting need (id, hash, source, item count, ...). Each
index writer loads its own chunk's records back from the cache, one at a time.
A record the cache could not keep (a full or read-only cache) stays whole.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from indexer.errors import IndexDamaged
from indexer.ingest import cache
from indexer.ingest.sources import Outcome
from indexer.record import Record
from indexer.settings import Settings

# What `select_letters`, the report and the writers' chunks need of a letter.
KEPT = ("id", "case_number", "content_hash", "source", "partial", "format", "decisions_unread")


def reference(record: Record, settings: Settings) -> Record:
    """A reference to `record` when the cache holds it, else the record itself."""
    digest = record.get("content_hash")
    if not digest or not cache.entry_path(settings, digest).is_file():
        return record
    ref = {key: record.get(key) for key in KEPT}
    ref["item_count"] = len(record.get("items") or [])
    return ref


def is_reference(letter: Record) -> bool:
    """True for a reference (no items: a count of them)."""
    return "items" not in letter


def slim(outcome: Outcome, settings: Settings) -> Outcome:
    """The outcome with a reference in place of its record."""
    if outcome.record is None:
        return outcome
    return Outcome(outcome.path, reference(outcome.record, settings), outcome.reason, outcome.parsed)


def load(letters: Iterable[Record], settings: Settings) -> Iterator[Record]:
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
