"""The JSON API: the same parameters as the page, answers as plain JSON."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from indexer.errors import LetterNotFound, QueryError
from indexer.results import plain
from indexer.search.query.request import parse_request
from indexer.search.units import describe_all
from webapp.state import searcher
from webapp.letters import find_letter

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_SIMILAR = 50


@bp.get("/search")
def search() -> Response:
    """SearchResult.to_dict() for the query in the URL, with what each facet's counts count."""
    return jsonify({**searcher().search(parse_request(request.args)).to_dict(), "facet_units": describe_all()})


@bp.get("/letters/<letter_id>")
def letter(letter_id: str) -> Response:
    """The letter record as stored."""
    return jsonify(find_letter(letter_id))


def similar_params() -> tuple[bool, int]:
    """(same_category, limit) from the URL, validated."""
    same = request.args.get("same_category", "1")
    if same not in ("0", "1", "true", "false"):
        raise QueryError("same_category", "must be 1 or 0")
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIMILAR:
        raise QueryError("limit", f"must be a whole number from 1 to {MAX_SIMILAR}")
    return same in ("1", "true"), int(raw)


@bp.get("/similar/<path:doc_id>")
def similar(doc_id: str) -> Response | tuple[Response, int]:
    """Items decided on similar grounds to one item ('<letter id>#<item number>')."""
    same_category, limit = similar_params()
    try:
        hits = searcher().similar(doc_id, same_category=same_category, limit=limit)
    except LetterNotFound:
        hits = None
    if hits is None:
        return jsonify({"error": f"no item {doc_id!r} in the index"}), 404
    return jsonify({"doc_id": doc_id, "same_category": same_category,
                    "similar": [plain(hit) for hit in hits]})
