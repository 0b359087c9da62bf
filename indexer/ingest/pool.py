"""A pool of forked worker processes, one file at a time each, where a dying worker costs its file alone.

concurrent.futures' pool breaks whole when one worker dies (a PDF library's
abort under the memory limit, the CPU watchdog's kill, a segfault): every
later file then fails or needs a process of its own. Here the dead worker's
file gets a one-line reason, a fresh worker takes its place and the others go
on. Workers are forked (they see the parent's code as it is, patches too), die
with their parent (`indexer.orphans`) and never run in the parent, so nothing
a file does can end the run.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterator, TypeVar

from indexer import orphans

T = TypeVar("T")
Task = tuple[str, "str | None"]       # (path, content hash)
STOP_SECONDS = 5.0                    # how long a finished worker may take to exit before it is killed


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    task: tuple[int, Task] | None = None


def _serve(conn: Connection, work: Callable[[str, str | None], T], parent: int) -> None:
    """A worker's loop: answer each (path, hash) with work(path, hash) until told to stop."""
    orphans.die_with_parent(parent)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(work(*task))


def _start(work: Callable[[str, str | None], T]) -> _Worker:
    ctx = mp.get_context("fork")
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(theirs, work, os.getpid()), daemon=True,
                          name="imr-parse")
    process.start()
    theirs.close()
    return _Worker(process, ours)


def _stop(worker: _Worker) -> None:
    try:
        worker.conn.send(None)
    except OSError:
        pass
    worker.process.join(STOP_SECONDS)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.conn.close()


def run_each(tasks: list[Task], work: Callable[[str, str | None], T], jobs: int,
             dead: Callable[[str, str | None, int], T]) -> Iterator[tuple[int, T]]:
    """(position, work(*task)) for every task as workers answer; a task whose worker died is
    answered dead(path, content hash, exit code) (negative: the signal) and a fresh worker goes on."""
    pending = deque(enumerate(tasks))
    workers: list[_Worker] = []

    def give(worker: _Worker) -> bool:
        worker.task = pending.popleft() if pending else None
        if worker.task is None:
            return True
        try:
            worker.conn.send(worker.task[1])
            return True
        except OSError:          # died between tasks: its end of the pipe is gone
            return False

    try:
        for _ in range(max(1, min(jobs, len(tasks)))):
            workers.append(_start(work))
        for worker in list(workers):
            give(worker)
        while any(w.task is not None for w in workers):
            busy = [w for w in workers if w.task is not None]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for slot, worker in enumerate(workers):
                if worker.task is None or not (worker.conn in ready or worker.process.sentinel in ready):
                    continue
                n, (path, digest) = worker.task
                try:
                    answer = worker.conn.recv() if worker.conn.poll() else None
                except (EOFError, OSError):
                    answer = None
                if answer is not None:
                    worker.task = None
                    yield n, answer
                    if worker.process.is_alive():
                        if give(worker):
                            continue
                        pending.appendleft(worker.task)    # never reached it: a fresh worker takes it
                else:
                    worker.process.join()
                    yield n, dead(path, digest, worker.process.exitcode or 0)
                worker.conn.close()
                worker.process.join()
                workers[slot] = _start(work)
                give(workers[slot])
    finally:
        for worker in workers:
            _stop(worker)
