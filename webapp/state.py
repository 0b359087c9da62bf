"""What an app holds between requests: its Settings and its one Searcher (nothing else).

`create_app` puts an `AppState` in `app.extensions["imr"]`; views reach it
through `searcher()` and `app_settings()`. The Searcher is created on the
first request that needs it, so an app starts without an index and answers
503 until one is published.
"""
from __future__ import annotations

import threading

from flask import current_app

from indexer.search.searcher import Searcher
from indexer.settings import Settings

KEY = "imr"


class AppState:
    """An app's settings and its Searcher, created on first use (retried while the index is missing)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    def searcher(self) -> Searcher:
        """The app's Searcher, created on first call (raises the index's domain errors)."""
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    self._searcher = Searcher(self.settings)
        return self._searcher


def searcher() -> Searcher:
    """The current app's Searcher."""
    return current_app.extensions[KEY].searcher()


def app_settings() -> Settings:
    """The current app's Settings."""
    return current_app.extensions[KEY].settings
