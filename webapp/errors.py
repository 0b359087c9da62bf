"""Domain errors translated at the web edge: plain pages for people, JSON for the API.

Never a traceback: anything unexpected is logged and answered with a plain 500.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import ImrError, IndexDamaged, IndexMissing, QueryError, SchemaMismatch

FIX = {
    IndexMissing: "No index has been built yet. Build one with `imr index SOURCE --index DIR`, then reload.",
    SchemaMismatch: "The index was built by another version. Rebuild it with `imr index SOURCE --index DIR`.",
    IndexDamaged: "The index is damaged. Run `imr check` to see what is wrong, then rebuild it with "
                  "`imr index SOURCE --index DIR`.",
}


def wants_json() -> bool:
    """True for API requests, which get JSON errors."""
    return request.path.startswith("/api/")


def plain(status: int, title: str, message: str, parameter: str | None = None, **page: object) -> Response:
    """An error answer in the request's kind: JSON for the API, a plain page otherwise."""
    if wants_json():
        body = {"error": message.replace("`", "")}
        if parameter is not None:
            body["parameter"] = parameter
        response = jsonify(body)
    else:
        # `command` spans in a message are shown as code, not as literal backticks.
        parts = message.split("`") if message.count("`") % 2 == 0 else [message.replace("`", "")]
        response = Response(render_template("error.html", title=title, parts=parts, **page), mimetype="text/html")
    response.status_code = status
    return response


def index_unavailable(error: ImrError) -> Response:
    """503 for a missing, outdated or damaged index, saying what to run."""
    fix = next(text for kind, text in FIX.items() if isinstance(error, kind))
    return plain(503, "Search index unavailable", fix)


def bad_query(error: QueryError) -> Response:
    """400 naming the parameter."""
    return plain(400, "Bad search parameter", f"{error.param}: {error.message}", error.param)


def http_error(error: HTTPException) -> Response:
    """Werkzeug's 404/405/... as plain pages or JSON."""
    if error.code and error.code < 400:
        return error  # redirects raised as exceptions pass through untouched
    missing = (request.view_args or {}).get("letter_id") if request.blueprint == "letters" else None
    if error.code == 404 and missing and not wants_json():
        # An unknown case number: say which, and keep the search box (the number is escaped by the template).
        return plain(404, "No such letter", error.description or "", missing=missing)
    return plain(error.code or 500, error.name, error.description or error.name)


def unexpected(error: Exception) -> Response:
    """Anything else: logged, answered without details."""
    current_app.logger.exception("unexpected error on %s", request.path)
    return plain(500, "Something went wrong", "The server could not answer this request. It has been logged.")


def register(app: Flask) -> None:
    """Install the translations on `app`."""
    for kind in (IndexMissing, SchemaMismatch, IndexDamaged):
        app.register_error_handler(kind, index_unavailable)
    app.register_error_handler(QueryError, bad_query)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)
