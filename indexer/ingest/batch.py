"""Parsing every source file into its record: from the record cache, or extracted in parallel.

Misses are parsed on local processes (each file under limits; a crashing
worker costs its file alone) or on a Dask cluster (`indexer.pipeline.cluster`).
With `slim`, records come back as references (`indexer.ingest.refs`): what a
whole rebuild keeps in memory.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import repeat
from pathlib import Path
from typing import Callable

from indexer.errors import ExtractError
from indexer.ingest import cache, limits, refs
from indexer.ingest.sources import Outcome, Source, describe_os_error, file_hash
from indexer.settings import Settings

Progress = Callable[[int, int], None]   # (files done, files in all)
# Parses the cache's misses: (sources, settings, tick once a file, slim) -> an Outcome per source, in order.
Runner = Callable[[list[Source], Settings, Callable[[], None], bool], list[Outcome]]


def _same_bytes(path: str, content_hash: str) -> bool:
    try:
        return file_hash(Path(path)) == content_hash
    except OSError:
        return False


def parse_one(path: str, content_hash: str | None, settings: Settings) -> Outcome:
    """Extract and parse one file (runs in workers); with a content hash, cache the answer."""
    from indexer.ingest.parser import parse_file

    try:
        with limits.extraction_limits(settings):
            record = parse_file(Path(path), settings)
    except limits.CpuLimitExceeded:     # not cached: a larger limit may read it
        return Outcome(path, reason=limits.cpu_reason(settings), parsed=True)
    except MemoryError:
        return Outcome(path, reason=limits.memory_reason(settings), parsed=True)
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


def parse_task(path: str, content_hash: str | None, settings: Settings, slim: bool = False) -> Outcome:
    """parse_one where the work is done; with `slim`, a reference in place of the record
    (it is in the cache), so records never travel back to the parent."""
    outcome = parse_one(path, content_hash, settings)
    return refs.slim(outcome, settings) if slim else outcome


def _from_cache(source: Source, settings: Settings, slim: bool) -> Outcome | None:
    entry = cache.lookup(settings, source.content_hash)
    if entry is None:
        return None
    if "skipped" in entry:
        return Outcome(source.file, reason=entry["skipped"])
    record = dict(entry["record"], source=source.file)
    if slim:
        return Outcome(source.file, record=refs.reference(record, settings, source.content_hash, cached=True))
    return Outcome(source.file, record=record)


def _isolated(path: str, content_hash: str | None, settings: Settings, slim: bool) -> Outcome:
    """parse_task in a process of its own, so a crash (e.g. in the PDF library) costs one file."""
    before = limits.children_cpu()
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(parse_task, path, content_hash, settings, slim).result()
    except BrokenProcessPool:
        if settings.max_extract_seconds and limits.children_cpu() - before >= settings.max_extract_seconds:
            return Outcome(path, reason=limits.cpu_reason(settings), parsed=True)   # the watchdog's kill
        return Outcome(path, reason="extraction crashed the worker process (damaged file?)", parsed=True)


def run_local(todo: list[Source], settings: Settings, tick: Callable[[], None], slim: bool) -> list[Outcome]:
    paths = [s.file for s in todo]
    hashes = [s.content_hash for s in todo]
    results: list[Outcome] = []
    if settings.jobs <= 1 or len(todo) <= 1:
        for path, digest in zip(paths, hashes):
            results.append(parse_task(path, digest, settings, slim))
            tick()
        return results
    chunk = max(1, min(16, len(todo) // (settings.jobs * 4)))
    try:
        with ProcessPoolExecutor(max_workers=settings.jobs) as pool:
            for outcome in pool.map(parse_task, paths, hashes, repeat(settings), repeat(slim), chunksize=chunk):
                results.append(outcome)
                tick()
    except BrokenProcessPool:
        # A worker died: finish the files not yet answered one process each.
        for path, digest in zip(paths[len(results):], hashes[len(results):]):
            results.append(_isolated(path, digest, settings, slim))
            tick()
    return results


def extract_all(sources: list[Source], settings: Settings, progress: Progress | None = None,
                slim: bool = False, runner: Runner | None = None) -> list[Outcome]:
    """An Outcome per source, in order: cache hits here, misses by `runner` (local processes by
    default; the conductor passes a Dask cluster's); with `slim`, records as references
    (`indexer.ingest.refs`)."""
    total, done = len(sources), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[int, Source]] = []
    for n, source in enumerate(sources):
        hit = Outcome(source.file, reason=source.error) if source.error else \
            _from_cache(source, settings, slim)
        if hit is None:
            todo.append((n, source))
        else:
            outcomes[n] = hit
            tick()
    if todo:
        answered = (runner or run_local)([s for _, s in todo], settings, tick, slim)
        for (n, _), outcome in zip(todo, answered):
            outcomes[n] = outcome
    return [outcomes[n] for n in range(total)]
