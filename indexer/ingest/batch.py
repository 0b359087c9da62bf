"""Parsing every source file into its record: from the record cache, or extracted in parallel.

Misses are parsed in local worker processes, never in this one (each file under
limits; a worker that crashes or aborts costs its file alone, `indexer.ingest.pool`)
or on a Dask cluster (`indexer.pipeline.cluster`).
With `slim`, records come back as references (`indexer.ingest.refs`): what a
whole rebuild keeps in memory.
"""
from __future__ import annotations

import signal
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from indexer.errors import ExtractError
from indexer.ingest import cache, limits, pool, refs
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
    except limits.CpuLimitExceeded:
        return _over_cpu(path, content_hash, settings)
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


def _over_cpu(path: str, content_hash: str | None, settings: Settings) -> Outcome:
    """A file over the CPU limit: remembered with the limit, so later runs under the same (or a
    lower) limit skip it at once; a larger limit reads it again."""
    reason = limits.cpu_reason(settings)
    if content_hash and _same_bytes(path, content_hash):
        cache.store(settings, content_hash, skipped=reason, cpu_limit=settings.max_extract_seconds)
    return Outcome(path, reason=reason, parsed=True)


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
        over = entry.get("cpu_limit")
        if over is not None and (not settings.max_extract_seconds or settings.max_extract_seconds > over):
            return None      # skipped under a lower CPU limit than this run's: try again
        return Outcome(source.file, reason=entry["skipped"])
    record = dict(entry["record"], source=source.file)
    if slim:
        return Outcome(source.file, record=refs.reference(record, settings, source.content_hash, cached=True))
    return Outcome(source.file, record=record)


def _died(settings: Settings, path: str, content_hash: str | None, code: int) -> Outcome:
    """The outcome of a file whose worker process died on it (exit code; negative: the signal)."""
    if code == limits.WATCHDOG_EXIT:
        return _over_cpu(path, content_hash, settings)
    if code == -signal.SIGABRT:
        reason = limits.abort_reason(settings)
    elif code == -signal.SIGKILL:
        reason = "the worker process was killed (SIGKILL: out of memory?): skipped"
    else:
        reason = "extraction crashed the worker process (damaged file?)"
    return Outcome(path, reason=reason, parsed=True)


def parse_each(sources: list[tuple[str, str | None]], settings: Settings, slim: bool = False,
               tick: Callable[[], None] | None = None) -> Iterator[Outcome]:
    """parse_task of every (path, content hash), in order, each in a worker process (settings.jobs
    of them) that may die alone: a crash, an abort or the watchdog's kill costs that file only."""
    answered: dict[int, Outcome] = {}
    following = 0
    work = partial(parse_task, settings=settings, slim=slim)
    for n, outcome in pool.run_each(sources, work, settings.jobs, partial(_died, settings)):
        answered[n] = outcome
        if tick:
            tick()
        while following in answered:
            yield answered.pop(following)
            following += 1


def run_local(todo: list[Source], settings: Settings, tick: Callable[[], None], slim: bool) -> list[Outcome]:
    """The cache's misses parsed by local worker processes (never in this process), in order."""
    return list(parse_each([(s.file, s.content_hash) for s in todo], settings, slim, tick))


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
