"""The ingest pipeline: list sources, extract+parse them in parallel (cached), build, verify, publish.

`rebuild` makes a whole new snapshot from the given sources; `add` makes one
from the current snapshot's letters plus new or changed ones. Either runs
under the index lock and publishes only a verified snapshot.
"""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator

from indexer import build, cache, snapshots
from indexer.errors import ExtractError, ImrError
from indexer.record import Record
from indexer.settings import Settings
from indexer.sources import Source, describe_os_error, file_hash, list_sources

Progress = Callable[[int, int], None]   # (files done, files in all)
FORMAT_RANK = {"pdf": 0, "html": 1, "txt": 2}


@dataclass
class Outcome:
    """What became of one source file: a record, or the reason it was skipped."""

    path: str
    record: Record | None = None
    reason: str | None = None
    parsed: bool = False          # False: the answer came from the cache


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

    @property
    def letters_per_second(self) -> float:
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every file became a letter, 3 when the index was built but some were skipped."""
        return 3 if self.skipped else 0   # the codes of indexer.cli (EXIT_SKIPPED, EXIT_OK)


def _same_bytes(path: str, content_hash: str) -> bool:
    try:
        return file_hash(Path(path)) == content_hash
    except OSError:
        return False


def parse_one(path: str, content_hash: str | None, settings: Settings) -> Outcome:
    """Extract and parse one file (runs in workers); with a content hash, cache the answer."""
    from indexer.parse import parse_file

    try:
        record = parse_file(Path(path), settings)
    except ExtractError as exc:
        # Only a verdict on the very bytes we hashed may be cached: not 'vanished'
        # or 'unreadable', which say nothing about the content.
        if content_hash and _same_bytes(path, content_hash):
            cache.store(settings, content_hash, skipped=exc.reason)
        return Outcome(path, reason=exc.reason, parsed=True)
    except OSError as exc:
        return Outcome(path, reason=describe_os_error(exc), parsed=True)
    except Exception as exc:      # a parser bug must not stop the rebuild
        return Outcome(path, reason=f"parser failed: {type(exc).__name__}: {exc}", parsed=True)
    if content_hash:
        cache.store(settings, record.get("content_hash") or content_hash, record=record)
    return Outcome(path, record=record, parsed=True)


def parse_paths(paths: Iterable[Path], settings: Settings) -> Iterator[Outcome]:
    """Parse files (or folders of them) one by one, bypassing the cache, for `imr parse`."""
    for source in list_sources(list(paths), settings.max_file_bytes):
        if source.error:
            yield Outcome(str(source.path), reason=source.error)
        else:
            yield parse_one(str(source.path), None, settings)


def _from_cache(source: Source, settings: Settings) -> Outcome | None:
    entry = cache.lookup(settings, source.content_hash)
    if entry is None:
        return None
    if "skipped" in entry:
        return Outcome(str(source.path), reason=entry["skipped"])
    record = dict(entry["record"], source=str(source.path))
    return Outcome(str(source.path), record=record)


def _run_local(todo: list[Source], settings: Settings, tick: Callable[[], None]) -> list[Outcome]:
    paths = [str(s.path) for s in todo]
    hashes = [s.content_hash for s in todo]
    if settings.jobs <= 1 or len(todo) <= 1:
        results = []
        for path, digest in zip(paths, hashes):
            results.append(parse_one(path, digest, settings))
            tick()
        return results
    chunk = max(1, min(16, len(todo) // (settings.jobs * 4)))
    results = []
    with ProcessPoolExecutor(max_workers=settings.jobs) as pool:
        for outcome in pool.map(parse_one, paths, hashes, repeat(settings), chunksize=chunk):
            results.append(outcome)
            tick()
    return results


def _run_dask(todo: list[Source], settings: Settings, tick: Callable[[], None]) -> list[Outcome]:
    from distributed import Client, as_completed

    # Workers see the same paths only through shared storage, so send absolute ones.
    shared = settings.with_(index_dir=Path(settings.index_dir).resolve(),
                            cache_dir=settings.record_cache.resolve())
    paths = [str(s.path.resolve()) for s in todo]
    with Client(settings.scheduler, timeout="30s") as client:
        futures = client.map(parse_one, paths, [s.content_hash for s in todo],
                             settings=shared, pure=False)
        for _ in as_completed(futures):
            tick()
        results = client.gather(futures)
    # Report the paths the user gave, not the resolved ones.
    return [Outcome(str(s.path), o.record and dict(o.record, source=str(s.path)), o.reason, o.parsed)
            for s, o in zip(todo, results)]


def extract_all(sources: list[Source], settings: Settings,
                progress: Progress | None = None) -> list[Outcome]:
    """An Outcome per source, in order: cache hits here, misses on local processes or Dask."""
    total, done = len(sources), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[int, Source]] = []
    for n, source in enumerate(sources):
        hit = Outcome(str(source.path), reason=source.error) if source.error else _from_cache(source, settings)
        if hit is None:
            todo.append((n, source))
        else:
            outcomes[n] = hit
            tick()
    if todo:
        run = _run_dask if settings.scheduler else _run_local
        for (n, _), outcome in zip(todo, run([s for _, s in todo], settings, tick)):
            outcomes[n] = outcome
    return [outcomes[n] for n in range(total)]


def _preference(record: Record) -> tuple:
    # Keep the fullest copy of a letter: complete over partial, PDF over HTML over text.
    return (bool(record.get("partial")), FORMAT_RANK.get(record.get("format"), 9), record.get("source") or "")


def select_letters(outcomes: list[Outcome]) -> tuple[list[Record], list[tuple[str, str]], int]:
    """Records with one copy per letter id, the skipped (path, reason) list, and the duplicate count."""
    skipped = [(o.path, o.reason or "no record") for o in outcomes if o.record is None]
    best: dict[str, Record] = {}
    for o in outcomes:
        if o.record is not None:
            rec = o.record
            if rec["id"] not in best or _preference(rec) < _preference(best[rec["id"]]):
                best[rec["id"]] = rec
    kept = {id(r) for r in best.values()}
    records, duplicates = [], 0
    for o in outcomes:
        if o.record is None:
            continue
        if id(o.record) in kept:
            records.append(o.record)
        else:
            duplicates += 1
            skipped.append((o.path, f"duplicate of {best[o.record['id']]['source']}"))
    return records, skipped, duplicates


def _publish_new(settings: Settings, records: list[Record]) -> tuple[str, int]:
    """Write, verify and publish a snapshot of `records`; the old one stays current on any failure."""
    building = snapshots.new_snapshot_dir(settings)
    try:
        documents = build.write_snapshot(building, records)
        final = snapshots.finish(building)
    except OSError as exc:
        snapshots.discard(building)
        raise ImrError(f"could not write the index in {building.parent}: {exc.strerror or exc}; "
                       "the current index is unchanged") from exc
    except BaseException:
        snapshots.discard(building)
        raise
    return snapshots.publish(settings, final), documents


def _report(records: list[Record], outcomes: list[Outcome], started: float) -> BuildReport:
    parsed = sum(o.parsed for o in outcomes)
    return BuildReport(letters=len(records), items=sum(len(r.get("items") or []) for r in records),
                       parsed=parsed, cached=len(outcomes) - parsed, seconds=time.monotonic() - started)


def _require_letters(records: list[Record], sources: list[Path]) -> None:
    if not records:
        names = " ".join(map(str, sources)) or "(none given)"
        raise ImrError(f"no letters found in {names}: nothing published; "
                       "give folders or files of .pdf/.txt/.html letters")


def rebuild(sources: list[Path], settings: Settings, progress: Progress | None = None) -> BuildReport:
    """Rebuild the whole index from `sources` and publish it (raises LockHeld, ImrError)."""
    started = time.monotonic()
    with snapshots.rebuild_lock(settings):
        snapshots.clean_building(settings)
        listing = list_sources(sources, settings.max_file_bytes)
        outcomes = extract_all(listing, settings, progress)
        records, skipped, duplicates = select_letters(outcomes)
        _require_letters(records, sources)
        name, documents = _publish_new(settings, records)
    report = _report(records, outcomes, started)
    report.skipped, report.duplicates, report.snapshot, report.documents = skipped, duplicates, name, documents
    return report


def _replaces(new: Record, old: Record) -> bool:
    """A changed file replaces its letter; another copy of it only if it is a better one."""
    if new.get("source") == old.get("source"):
        return True
    return _preference(new)[:2] <= _preference(old)[:2]


def _merge(base: list[Record], new: list[Record], skipped: list[tuple[str, str]]) -> tuple[dict, int]:
    """Letters by id after adding `new` to `base`, and how many were replaced.

    A letter is replaced when the same id comes back with other bytes, or when
    its file now holds other content (hash-based ids change with the bytes).
    """
    merged = {r["id"]: r for r in base}
    by_source = {r.get("source"): r["id"] for r in base}
    replaced = 0
    for rec in new:
        old = merged.get(rec["id"])
        if old is not None and not _replaces(rec, old):
            skipped.append((rec["source"], f"duplicate of {old.get('source')}"))
            continue
        stale = by_source.get(rec["source"]) if old is None else None
        if stale in merged:
            del merged[stale]
        replaced += old is not None or stale is not None
        merged[rec["id"]] = rec
    return merged, replaced


def _current_records(settings: Settings) -> list[Record]:
    try:
        return build.read_letter_store(snapshots.current(settings))
    except ImrError:
        return []     # nothing published yet: `add` builds the first snapshot


def add(sources: list[Path], settings: Settings, progress: Progress | None = None) -> BuildReport:
    """Add new letters and replace changed ones in a new snapshot; unchanged files are not parsed."""
    started = time.monotonic()
    with snapshots.rebuild_lock(settings):
        snapshots.clean_building(settings)
        base = _current_records(settings)
        known = {r.get("content_hash") for r in base}
        listing = list_sources(sources, settings.max_file_bytes)
        fresh = [s for s in listing if s.error or s.content_hash not in known]
        outcomes = extract_all(fresh, settings, progress)
        new, skipped, duplicates = select_letters(outcomes)
        merged, replaced = _merge(base, new, skipped)
        duplicates = sum(reason.startswith("duplicate of") for _, reason in skipped)
        records = list(merged.values())
        _require_letters(records, sources)
        name, documents = _publish_new(settings, records)
    report = _report(records, outcomes, started)
    report.skipped, report.duplicates, report.snapshot, report.documents = skipped, duplicates, name, documents
    report.added = len(records) - len(base)
    report.replaced = replaced
    report.unchanged = len(listing) - len(fresh)
    return report
