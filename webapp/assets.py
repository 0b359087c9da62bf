"""Delivery of the pages and their two static files: HTML, CSS and JS compressed (brotli or gzip,
by flask-compress), and style.css/app.js fingerprinted (`?v=<hash of the file>`) and cached for a year,
so a page view costs no revalidation of them. A changed file gets a new address."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress

YEAR = 365 * 24 * 3600
KEY = "imr_assets"
COMPRESSED = ["text/html", "text/css", "text/javascript", "application/javascript"]


def fingerprints(folder: Path) -> dict[str, str]:
    """File name -> the first 12 hex digits of its SHA-256 (the static folder is flat and small)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in sorted(folder.glob("*")) if p.is_file()}


def _versioned(app: Flask):
    def add_version(endpoint: str, values: dict) -> None:
        """url_for('static', filename=...) carries the file's fingerprint."""
        if endpoint == "static" and "filename" in values:
            version = app.extensions[KEY].get(values["filename"])
            if version:
                values.setdefault("v", version)
    return add_version


def _cached(app: Flask):
    def cache_static(response: Response) -> Response:
        """A fingerprinted static file is immutable for a year; read whole so that it is compressed
        like a page (a static response is a stream, which the compressor would leave to zstd/deflate)."""
        if request.endpoint != "static" or response.status_code != 200:
            return response
        name = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == app.extensions[KEY].get(name):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        if response.mimetype in COMPRESSED:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        return response
    return cache_static


def register(app: Flask) -> None:
    """Compress pages and static files, fingerprint and cache the static files."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)      # downloads stream as they are, never buffered
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.extensions[KEY] = fingerprints(Path(app.static_folder or ""))
    app.url_defaults(_versioned(app))
    Compress(app)
    app.after_request(_cached(app))       # after_request runs last-registered first: before compressing
