"""Work on a Dask cluster (`--scheduler`): extracting and parsing files, and writing index parts.

Workers see the sources, the record cache and the index through shared
storage mounted at the same paths, so they are given absolute ones. Each part
task (`indexer.index.parts.write_part`) loads its chunk's records from the
shared cache and writes one segment, its term store, letter rows and facet
arrays into the snapshot being built; this machine assembles, verifies and
publishes. A worker that dies has its task run again elsewhere (Dask does that,
up to `distributed.scheduler.allowed-failures` times); the count check after
assembly means a lost part can never make a silently short index.
"""
from __future__ import annotations

import contextlib
import secrets
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from indexer.errors import ImrError
from indexer.index import build, parts
from indexer.index.build import Runner
from indexer.index.parts import Tick
from indexer.index.values.documents import document_count
from indexer.ingest import refs
from indexer.ingest.sources import Outcome, Source
from indexer.record import Record
from indexer.settings import Settings


def shared(settings: Settings) -> Settings:
    """The settings as a worker must see them: absolute index and cache folders."""
    return settings.with_(index_dir=Path(settings.index_dir).resolve(), cache_dir=settings.record_cache.resolve())


@contextlib.contextmanager
def connect(settings: Settings) -> Iterator:
    """A client of the scheduler `settings.scheduler` (ImrError when it does not answer)."""
    from distributed import Client

    try:
        client = Client(settings.scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ImrError(f"cannot reach the Dask scheduler at {settings.scheduler} ({exc}): start it "
                       "(dask scheduler) or leave out --scheduler to work on this machine") from None
    with client:
        yield client


def extract(todo: list[Source], settings: Settings, tick: Callable[[], None], slim: bool) -> list[Outcome]:
    """An Outcome per source, parsed on the cluster; with `slim`, references come back, not records."""
    from distributed import as_completed

    from indexer.ingest.batch import parse_task

    paths = [str(s.path.resolve()) for s in todo]
    results: list[Outcome | None] = [None] * len(todo)
    with connect(settings) as client:
        futures = client.map(parse_task, paths, [s.content_hash for s in todo],
                             settings=shared(settings), slim=slim, pure=False)
        where = {future.key: n for n, future in enumerate(futures)}
        for future, outcome in as_completed(futures, with_results=True):
            results[where[future.key]] = outcome
            future.release()        # its result is here: the cluster may forget it
            tick()
    # Report the paths the user gave, not the resolved ones.
    return [Outcome(s.file, o.record and refs.with_source(o.record, s.file), o.reason, o.parsed)
            for s, o in zip(todo, results)]


def _write_parts(settings: Settings, snapshot: Path, chunks: list[list[Record]], load,
                 tick: Tick | None = None) -> list[str]:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    folder = str(Path(snapshot).resolve())
    run = secrets.token_hex(4)
    with connect(settings) as client:
        futures = [client.submit(parts.write_part, folder, k, chunk, load, pure=False, key=f"imr-part-{run}-{k}")
                   for k, chunk in enumerate(chunks)]
        documents = {f.key: sum(document_count(r) for r in chunk) for f, chunk in zip(futures, chunks)}
        names = {}
        try:
            for future in as_completed(futures):
                names[future.key] = future.result()    # a task's exception (or KilledWorker) is raised here
                if tick:                               # a part's progress is told when it is written
                    tick(documents[future.key])
            return [names[f.key] for f in futures]
        except KilledWorker as exc:
            raise ImrError(f"Dask workers died writing an index part ({exc}): nothing published; see the "
                           "workers' logs (a --memory-limit too small?) and run again") from None


def part_writers(letters: list[Record], settings: Settings) -> tuple[Runner, int]:
    """What `build.write_snapshot` needs to write its parts on the cluster: the runner, and how many
    chunks (one per worker thread, fewer for a small index; `build.part_count` adds more when a
    part would hold over `settings.part_docs` documents)."""
    with connect(settings) as client:
        threads = sum(client.nthreads().values()) or 1
    documents = sum(document_count(r) for r in letters)
    chunks = max(1, min(threads, documents // build.PARALLEL_MIN_DOCS))
    return partial(_write_parts, settings), chunks


def loader(settings: Settings):
    """The loader a worker runs: references read from the shared record cache."""
    return partial(refs.load, settings=shared(settings))
