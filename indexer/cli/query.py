"""`imr search QUERY`: search the index from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.cli import INDEX_OPTION, cli, fatal_errors
from indexer.settings import Settings

PER_PAGE_MAX = 100   # the API's bound too


def _hit_line(hit) -> str:
    mark = "  [synthetic]" if hit.synthetic else ""
    return (f"{hit.case_number or hit.letter_id}  #{hit.item_no}  {hit.decision or '-'}  "
            f"{hit.decision_date or ''}  {hit.item}{mark}")


def _header(result, everything: bool) -> list[str]:
    chips = ", ".join(f"{c.word} = {c.facet}" for c in result.query.chips)
    searched = result.query.text.strip() or chips or result.request.filters
    head = f"{result.total} items found" if searched else \
        f"nothing searched (empty query): all {result.total} items, newest first"
    if chips:
        head += f" (understood: {chips})"
    if not everything and result.total > len(result.hits):
        head += f"; page {result.request.page} of {result.pages} (--page N for more, --all for every hit)"
    also = [f"also searched: {e.word} -> {', '.join(e.also)}" for e in result.query.expansions]
    return [head] + [f"note: {m}" for m in result.query.messages] + also


def _plain(result) -> str:
    lines = _header(result, everything=False)
    for hit in result.hits:
        lines.append(_hit_line(hit))
        if hit.snippets:
            lines.append("    " + hit.snippets[0].text)
    return "\n".join(lines)


@cli.command("search")
@click.argument("query")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print total, hits and facet counts as JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, PER_PAGE_MAX),
              help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Which page of hits.")
@click.option("--all", "everything", is_flag=True,
              help="Every hit, one line each, streamed (no snippets; with --json, JSON lines).")
@fatal_errors
def search(query: str, index_dir: Path, as_json: bool, limit: int, page: int, everything: bool) -> None:
    """Search the index for QUERY (same syntax as the web search box; '' lists everything)."""
    from indexer.results import SearchRequest, plain
    from indexer.search.searcher import Searcher

    searcher = Searcher(Settings(index_dir=index_dir))
    request = SearchRequest(q=query, per_page=limit, page=page)
    result = searcher.search(request)
    if everything:
        if not as_json:
            click.echo(_header(result, everything=True)[0])
        for hit in searcher.iter_hits(request):
            click.echo(json.dumps(plain(hit), ensure_ascii=False) if as_json else _hit_line(hit))
        return
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json else _plain(result))
