"""The Flask web app: a thin layer of pages and a JSON API over `indexer`.

`create_app` builds an app holding its Settings and one lazily created
`indexer.search.searcher.Searcher` (webapp.state); every request borrows it.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any

from flask import Flask, Response, current_app

from indexer.settings import Settings
from webapp import (api, assets, downloads, errors, glance, letters, listing, nohits, search, security, stats, urlstate,
                    wording)
from webapp.state import KEY, AppState

_SETTINGS_FIELDS = {f.name for f in dataclasses.fields(Settings)}


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """A configured app; keyword overrides are Settings fields or Flask config keys."""
    known = {k: v for k, v in overrides.items() if k in _SETTINGS_FIELDS}
    settings = (settings or Settings()).with_(**known)
    app = Flask(__name__)
    app.config.update(JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update({k: v for k, v in overrides.items() if k not in _SETTINGS_FIELDS})
    app.json.sort_keys = False
    app.extensions[KEY] = AppState(settings)
    for module in (search, letters, api, downloads, stats):
        app.register_blueprint(module.bp)
    urlstate.register(app)
    listing.register(app)
    wording.register(app)
    nohits.register(app)
    glance.register(app)
    errors.register(app)
    security.register(app)
    assets.register(app)
    app.before_request(lambda: app.extensions[KEY].begin_request())
    app.after_request(_served_by)
    return app


def _served_by(response: Response) -> Response:
    """Say which worker process and snapshot answered (load tests and balancers check swaps by them):
    the snapshot the request read, not the one current by now."""
    response.headers["X-IMR-Worker"] = str(os.getpid())
    name = current_app.extensions[KEY].snapshot_name() if response.status_code < 500 else None
    if name:
        response.headers["X-IMR-Snapshot"] = name
    return response
