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
from webapp.state import app_settings, searcher

bp = Blueprint("letters", __name__)

LETTER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
SIMILAR_LIMIT = 5
MIMETYPES = {"pdf": "application/pdf", "txt": "text/plain"}   # anything else: a plain download


def find_letter(letter_id: str) -> dict:
    """The record of an indexed letter, or 404."""
    if not LETTER_ID.fullmatch(letter_id):
        abort(404, "No such letter.")
    try:
        record = searcher().letter(letter_id)
    except LetterNotFound:
        record = None
    if not record:
        abort(404, "No such letter.")
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
                           similar=similar, wide=wide)


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
    """Download of the letter's original file as it was indexed."""
    record = find_letter(letter_id)
    data = original_bytes(record)
    fmt = record.get("format")
    name = f"{record['id']}.{fmt if fmt in ('pdf', 'txt', 'html') else 'bin'}"
    # An HTML letter is never served as text/html: it is untrusted markup.
    response = Response(data, mimetype=MIMETYPES.get(fmt, "application/octet-stream"))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
