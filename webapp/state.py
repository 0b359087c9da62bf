"""What an app holds between requests: its Settings and its one Searcher (nothing else).

`create_app` puts an `AppState` in `app.extensions["imr"]`; views reach it
through `searcher()` and `app_settings()`. The Searcher is created on the
first request that needs it, so an app starts without an index and answers
503 until one is published. It belongs to the process that created it: after a
fork (worker processes, webapp.serving.workers) the child creates its own, so no open
file, SQLite connection or lock is shared between processes; what the parent preloaded
(a snapshot's read-only tables, `preload`, nothing open) the child's Searcher keeps.
"""
from __future__ import annotations

import os
import threading

from flask import current_app

from indexer.errors import ImrError
from indexer.search.searcher import Searcher
from indexer.search.snapshot import Preloaded
from indexer.settings import Settings

KEY = "imr"


class AppState:
    """An app's settings and its Searcher, created on first use (retried while the index is missing)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._searcher: Searcher | None = None
        self._preloaded: Preloaded | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def searcher(self) -> Searcher:
        """The app's Searcher, created on first call (raises the index's domain errors)."""
        if self._pid != os.getpid():      # a forked child: what the parent opened is not ours to use
            self._searcher, self._pid, self._lock = None, os.getpid(), threading.Lock()
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    self._searcher = Searcher(self.settings, preloaded=self._preloaded)
        return self._searcher

    def preload(self) -> bool:
        """Read the current snapshot's read-only tables before worker processes are forked
        (webapp.serving.workers), so that the Searcher each creates keeps them and they share
        their pages; nothing stays open here. False when there is no readable index yet."""
        try:
            self._preloaded = self.searcher().preload()
        except ImrError:
            return False
        finally:
            self._searcher = None
        return True

    def settle(self) -> bool:
        """Ready this process's Searcher before its first request (Searcher.settle: the snapshot's
        tables read, the collector's heap frozen); False when there is no readable index yet."""
        try:
            self.searcher().settle()
        except ImrError:
            return False
        return True

    def snapshot_name(self) -> str | None:
        """The snapshot that answered this thread's request, or the one this process answers with
        now when the request read none (None before its first search or when unreadable)."""
        if self._searcher is None or self._pid != os.getpid():
            return None
        try:
            return self._searcher.answered() or self._searcher.snapshot_name
        except ImrError:
            return None

    def begin_request(self) -> None:
        """A request starts on this thread: the snapshot the last one read did not answer it."""
        if self._searcher is not None and self._pid == os.getpid():
            self._searcher.forget_answered()

    def close(self) -> None:
        """Close the Searcher's open files (at shutdown; a later request opens them again)."""
        if self._searcher is not None and self._pid == os.getpid():
            self._searcher.close()


def searcher() -> Searcher:
    """The current app's Searcher."""
    return current_app.extensions[KEY].searcher()


def app_settings() -> Settings:
    """The current app's Settings."""
    return current_app.extensions[KEY].settings
