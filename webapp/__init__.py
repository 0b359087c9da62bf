"""The Flask web app: a thin layer of pages and a JSON API over `indexer`.

`create_app` builds an app holding one lazily created `indexer.search.searcher.Searcher`
in its extension slot; every request borrows it through `searcher()`.
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any

from flask import Flask, current_app

from indexer.settings import Settings

_SETTINGS_FIELDS = {f.name for f in dataclasses.fields(Settings)}


class SearcherSlot:
    """Creates the app's one Searcher on first use; retries while the index is missing."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._searcher: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        """The app's Searcher, created on first call (raises the index's domain errors)."""
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    # Imported here: the search core is only needed once a request comes.
                    from indexer.search.searcher import Searcher
                    self._searcher = Searcher(self.settings)
        return self._searcher


def searcher() -> Any:
    """The current app's Searcher."""
    return current_app.extensions["imr"].get()


def app_settings() -> Settings:
    """The current app's Settings."""
    return current_app.extensions["imr"].settings


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """A configured app; keyword overrides are Settings fields or Flask config keys."""
    from webapp import api, errors, exports, letters, search, security, views

    known = {k: v for k, v in overrides.items() if k in _SETTINGS_FIELDS}
    settings = (settings or Settings()).with_(**known)
    app = Flask(__name__)
    app.config.update(JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update({k: v for k, v in overrides.items() if k not in _SETTINGS_FIELDS})
    app.json.sort_keys = False
    app.extensions["imr"] = SearcherSlot(settings)
    for module in (search, letters, api, exports):
        app.register_blueprint(module.bp)
    views.register(app)
    errors.register(app)
    security.register(app)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 5000, threads: int = 4) -> None:
    """Serve the app with waitress (production WSGI server, debug off) until interrupted."""
    import waitress

    app = create_app(settings)
    waitress.serve(app, host=host, port=port, threads=threads, ident="imr-search")
