"""The rebuild conductor: list sources, extract+parse them in parallel (cached), build, verify, publish.

`rebuild` makes a whole new snapshot from the given sources; `add` makes one
from the current snapshot's letters plus new or changed ones. Either runs
under the index lock and publishes only a verified snapshot.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from indexer.fetch import audit
from indexer.index import build, extend
from indexer.index.stores import letterstore, snapshots
from indexer.ingest import hashcache, refs
from indexer.pipeline import manifest
from indexer.ingest.batch import Progress, Runner, extract_all, parse_one
from indexer.index.values import concepts
from indexer.index.values.documents import document_count, item_count
from indexer.errors import ImrError
from indexer.record import Record
from indexer.settings import Settings
from indexer.vocabulary import MinedVocabulary, Vocabulary
from indexer.ingest.sources import Outcome, Source, list_sources, merge_letters, select_letters

__all__ = ["BuildReport", "Progress", "add", "extract_all", "parse_one", "parse_paths", "rebuild"]


@dataclass
class BuildReport:
    """The result of a rebuild or add, as the CLI summarises it."""

    letters: int = 0
    items: int = 0
    documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (path, reason)
    duplicates: int = 0           # also listed in `skipped` as 'duplicate of X'
    parsed: int = 0               # files extracted+parsed this time (cache misses)
    cached: int = 0               # files answered from the record cache
    added: int = 0                # `add` only: new letters
    replaced: int = 0             # `add` only: letters whose file changed
    unchanged: int = 0            # `add` only: letters already indexed with the same bytes
    seconds: float = 0.0
    snapshot: str = ""
    kept: bool = False            # nothing changed: the current snapshot was kept
    unread: list[str] = field(default_factory=list)   # letters with 0 items that state decisions (a parser bug)
    disagreements: list[tuple[str, str]] = field(default_factory=list)   # (path, parse vs the DWC's row)

    @property
    def letters_per_second(self) -> float:
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every file became a letter, 3 when the index was built but some were skipped."""
        return 3 if self.skipped else 0   # the codes of indexer.cli (EXIT_SKIPPED, EXIT_OK)


def _runner(settings: Settings) -> Runner | None:
    """The Dask cluster's extraction when a scheduler is set, else None (local processes)."""
    if not settings.scheduler:
        return None
    from indexer.pipeline import cluster    # Dask is imported only when a cluster is used
    return cluster.extract


def parse_paths(paths: Iterable[Path], settings: Settings) -> Iterator[Outcome]:
    """Parse files (or folders of them) one by one, bypassing the cache, for `imr parse`."""
    for source in list_sources(list(paths), settings.max_file_bytes):
        if source.error:
            yield Outcome(str(source.path), reason=source.error)
        else:
            yield parse_one(str(source.path), None, settings)


def _write_new(building: Path, letters: list[Record], settings: Settings,
               indexing: Progress | None = None) -> int:
    """build.write_snapshot of `letters` (records or references): on the cluster with a scheduler,
    else one forked writer per job; each writer loads its own chunk's records."""
    if settings.scheduler:
        from indexer.pipeline import cluster

        run, chunks = cluster.part_writers(letters, settings)
        return build.write_snapshot(building, letters, load=cluster.loader(settings), run=run, chunks=chunks,
                                    part_docs=settings.part_docs, progress=indexing)
    return build.write_snapshot(building, letters, settings.jobs, load=partial(refs.load, settings=settings),
                                part_docs=settings.part_docs, progress=indexing)


def _mined(settings: Settings, letters: list[Record], base: Path | None = None,
           new: list[Record] | None = None) -> MinedVocabulary:
    """What the letters teach the vocabulary: all of `letters` (records or references, read one at
    a time), or, extending `base`, what it had learnt plus what `new` teaches."""
    vocab = Vocabulary.load()
    if base is not None and new is not None:
        return concepts.merged(concepts.read_mined(base), concepts.mine_letters(new, vocab))
    return concepts.mine_letters(refs.load(letters, settings), vocab)


def _publish_new(settings: Settings, records: list[Record],
                 write: Callable[[Path], int] | None = None,
                 report: dict | None = None, indexing: Progress | None = None,
                 mined: MinedVocabulary | None = None) -> tuple[str, int]:
    """Write, verify and publish a snapshot of `records`; the old one stays current on any failure."""
    building = snapshots.new_snapshot_dir(settings)
    try:
        if mined is not None:
            concepts.write_mined(building, mined)     # before any writer reads the vocabulary
        documents = write(building) if write else _write_new(building, records, settings, indexing)
        manifest.write(building, report)
        final = snapshots.finish(building)
    except OSError as exc:
        snapshots.discard(building)
        raise ImrError(f"could not write the index in {building.parent}: {exc.strerror or exc}; "
                       "the current index is unchanged: free some disk space (or choose a writable "
                       "--index) and run again") from exc
    except BaseException:
        snapshots.discard(building)
        raise
    return snapshots.publish(settings, final), documents


def _report(records: list[Record], outcomes: list[Outcome], started: float, listed: list[Source]) -> BuildReport:
    parsed = sum(o.parsed for o in outcomes)
    # Files refused while listing (unreadable, too large ...) were neither parsed nor cached.
    refused = sum(1 for s in listed if s.error)
    return BuildReport(letters=len(records), items=sum(map(item_count, records)), parsed=parsed,
                       cached=len(outcomes) - parsed - refused, seconds=time.monotonic() - started,
                       unread=[r["source"] for r in records if r.get("decisions_unread")])


def _require_letters(records: list[Record], sources: list[Path]) -> None:
    if not records:
        missing = [str(p) for p in sources if not Path(p).exists()]
        if missing:
            raise ImrError(f"{', '.join(missing)}: does not exist; no letters found, nothing published: "
                           "check the path")
        names = " ".join(map(str, sources)) or "(none given)"
        raise ImrError(f"no letters found in {names}: nothing published; "
                       "give folders or files of .pdf/.txt/.html letters")


def _kept(settings: Settings, print_: str, listing: list[Source], started: float) -> BuildReport | None:
    """The current snapshot's report when it was built from exactly these files, else None."""
    found = manifest.unchanged(settings, print_)
    if found is None:
        return None
    snapshot, m = found
    return BuildReport(letters=m["letters"], items=m["items"], documents=m["documents"],
                       skipped=[tuple(s) for s in m["skipped"]], duplicates=m["duplicates"],
                       parsed=0, cached=len(listing), seconds=time.monotonic() - started,
                       snapshot=snapshot.name, kept=True, unread=m.get("unread", []))


def rebuild(sources: list[Path], settings: Settings, progress: Progress | None = None,
            force: bool = False, indexing: Progress | None = None) -> BuildReport:
    """Rebuild the whole index from `sources` and publish it (raises LockHeld, ImrError).

    When nothing changed since the current snapshot was built (same files, same
    bytes, same parser, engine and schema, and the snapshot's files intact) it is
    kept as it is: no re-extraction and no re-indexing. force=True builds anyway.
    `progress(files done, files)` is told of extraction, `indexing(documents, documents
    in all)` of the documents analysed into the index.
    """
    started = time.monotonic()
    with snapshots.rebuild_lock(settings):
        snapshots.clean_building(settings)
        listing = _listing(sources, settings)
        fingerprint = manifest.fingerprint(listing, settings)
        kept = None if force else _kept(settings, fingerprint, listing, started)
        if kept:
            return kept
        # References, not records: each index writer loads its own chunk's records from the cache.
        outcomes = extract_all(listing, settings, progress, slim=True, runner=_runner(settings))
        records, skipped, duplicates = select_letters(outcomes)
        _require_letters(records, sources)
        if not manifest.repeatable(listing, skipped, settings):
            fingerprint = None    # a transient failure (vanished, unreadable): build afresh next time
        built = {"fingerprint": fingerprint, "letters": len(records), "skipped": skipped,
                 "duplicates": duplicates, "items": sum(map(item_count, records)),
                 "documents": sum(document_count(r) for r in records),
                 "unread": [r["source"] for r in records if r.get("decisions_unread")]}
        name, documents = _publish_new(settings, records, report=built, indexing=indexing,
                                       mined=_mined(settings, records))
    report = _report(records, outcomes, started, listing)
    report.skipped, report.duplicates, report.snapshot, report.documents = skipped, duplicates, name, documents
    report.disagreements = audit.disagreements(records, partial(refs.load, settings=settings))
    return report


def _listing(sources: list[Path], settings: Settings) -> list[Source]:
    """list_sources, with file hashes remembered beside the record cache (read anew on settings.rehash)."""
    hashes = hashcache.HashCache(settings.record_cache / hashcache.FILE, trust=not settings.rehash)
    try:
        listing = list_sources(sources, settings.max_file_bytes, hashes)
        hashes.save()
    finally:
        hashes.close()
    return listing


def _current(settings: Settings, as_refs: bool) -> tuple[Path | None, list[Record]]:
    """The current snapshot (None when there is none or its schema is old) and its letters:
    with `as_refs`, only references to them when the snapshot can be extended."""
    try:
        snapshot = snapshots.current(settings)
    except ImrError:
        return None, []    # nothing published yet: `add` builds the first snapshot
    try:
        snapshots.check_schema(snapshot, settings)
    except ImrError:
        return None, letterstore.read_all(snapshot)     # an older schema: rebuild from its records
    return snapshot, letterstore.read_refs(snapshot) if as_refs else letterstore.read_all(snapshot)


def _incremental(base: Path | None, records: list[Record], before: list[Record],
                 indexing: Progress | None = None) -> Callable[[Path], int] | None:
    """The writer of an `add`: extend the base snapshot when there is a usable one."""
    if base is None:
        return None
    kept = {id(r) for r in records}
    removed = {r["id"] for r in before if id(r) not in kept}
    old = {id(r) for r in before}
    new = [r for r in records if id(r) not in old]
    return lambda building: extend.extend_snapshot(building, base, records, removed, new, indexing)


def add(sources: list[Path], settings: Settings, progress: Progress | None = None,
        incremental: bool = True, indexing: Progress | None = None) -> BuildReport:
    """Add new letters and replace changed ones in a new snapshot; unchanged files are not parsed.

    incremental: extend the current index (only new letters are analysed);
    False rebuilds the snapshot from all records (slower, same result).
    `progress` and `indexing` as for `rebuild` (an extended index: the new letters' documents).
    """
    started = time.monotonic()
    with snapshots.rebuild_lock(settings):
        snapshots.clean_building(settings)
        base, before = _current(settings, as_refs=incremental)
        known = {r.get("content_hash") for r in before}
        listing = _listing(sources, settings)
        fresh = [s for s in listing if s.error or s.content_hash not in known]
        outcomes = extract_all(fresh, settings, progress, runner=_runner(settings))
        new, skipped, duplicates = select_letters(outcomes)
        merged, replaced = merge_letters(before, new, skipped)
        duplicates = sum(reason.startswith("duplicate of") for _, reason in skipped)
        records = list(merged.values())
        _require_letters(records, sources)
        kept = base is not None and replaced == 0 and len(records) == len(before)
        if kept:
            # Nothing new: keep serving the current snapshot rather than copy it.
            name, documents = base.name, sum(document_count(r) for r in records)
        else:
            write = _incremental(base, records, before, indexing) if incremental else None
            mined = _mined(settings, records, base, new) if write else _mined(settings, records)
            name, documents = _publish_new(settings, records, write, indexing=indexing, mined=mined)
    report = _report(records, outcomes, started, fresh)
    report.skipped, report.duplicates, report.snapshot, report.documents = skipped, duplicates, name, documents
    report.kept = kept
    report.added = len(records) - len(before)
    report.replaced = replaced
    report.unchanged = len(listing) - len(fresh)
    report.disagreements = audit.disagreements(new)
    return report
