"""The letter page (/letters/<id>) and the download of its original file.

The id in the URL is only ever a key into the letter store, never a path: the
file served is the record's own `source`, and only when its bytes still hash
to the record's `content_hash`.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request

from indexer.errors import LetterNotFound
from webapp.citation import FORMS, citations
from webapp.state import app_settings, searcher

bp = Blueprint("letters", __name__)

LETTER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
SIMILAR_LIMIT = 5
# What the browser is told the original is. An HTML letter is untrusted markup: it is shown as
# its text, never as text/html; anything else is a download.
CONTENT_TYPES = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8", "html": "text/plain; charset=utf-8"}


def find_letter(letter_id: str) -> dict:
    """The record of an indexed letter, or 404."""
    if not LETTER_ID.fullmatch(letter_id):
        abort(404, "No such letter.")
    try:
        record = searcher().letter(letter_id)
    except LetterNotFound:
        record = None
    if not record:
        abort(404, f"No letter with the case number {letter_id} is in this index. The number may be mistyped, "
                   "or the letter not indexed yet: search its treatment or its words instead.")
    return record


@bp.get("/letters/<letter_id>")
def letter_page(letter_id: str) -> str:
    """The whole letter, structured, with query words marked and similar decisions."""
    record = find_letter(letter_id)
    wide = request.args.get("similar") == "all"
    similar = {}
    for number, _item in enumerate(record.get("items") or [], start=1):
        doc_id = f"{record['id']}#{number}"
        try:
            similar[number] = searcher().similar(doc_id, same_category=not wide, limit=SIMILAR_LIMIT)
        except LetterNotFound:
            similar[number] = []
    return render_template("letter.html", letter=record, q=request.args.get("q", ""),
                           similar=similar, wide=wide, citations=citations, cite_forms=FORMS)


def inside(path: Path, root: Path) -> bool:
    """True when `path` is `root` or below it (both already resolved)."""
    return path == root or root in path.parents


def original_bytes(record: dict) -> bytes:
    """The indexed source file's bytes, or 404 when it moved, changed or escapes its folder."""
    source = record.get("source")
    if not source or "\x00" in str(source):
        abort(404, "The original file is not available.")
    given = Path(os.path.abspath(source))
    real = given.resolve()
    # A symlinked letter may point anywhere: serve it only if it stays in its own folder.
    if not inside(real, given.parent.resolve()) or not real.is_file():
        abort(404, "The original file is not available.")
    if real.stat().st_size > app_settings().max_file_bytes:
        abort(404, "The original file is not available.")
    data = real.read_bytes()
    if record.get("content_hash") != hashlib.sha256(data).hexdigest():
        abort(404, "The original file has changed since it was indexed.")
    return data


@bp.get("/letters/<letter_id>/original")
def original(letter_id: str) -> Response:
    """The letter's original file as it was indexed: shown in the browser (a PDF in its viewer),
    or saved with `download=1`."""
    record = find_letter(letter_id)
    download = request.args.get("download", "") in ("1", "true")
    data = original_bytes(record)
    fmt = record.get("format")
    name = f"{record['id']}.{fmt if fmt in CONTENT_TYPES else 'bin'}"
    content_type = CONTENT_TYPES.get(fmt, "application/octet-stream")
    how = "attachment" if download or fmt not in CONTENT_TYPES else "inline"
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'{how}; filename="{name}"'
    response.headers["Cache-Control"] = "private, max-age=3600"
    if how == "inline":
        # Shown in a tab of its own: nothing in it may load, run or be framed. Chromium does not
        # start its PDF viewer in a sandboxed document (nor under object-src 'none'), so a PDF
        # gets the rest of the policy.
        response.headers["Content-Security-Policy"] = (
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'" if fmt == "pdf"
            else "default-src 'none'; sandbox; frame-ancestors 'none'")
    return response
