"""`imr search QUERY`: search the index from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.cli import INDEX_OPTION, cli, fatal_errors
from indexer.search.query.request import MAX_PER_PAGE
from indexer.search.show.export import FORMATS
from indexer.settings import Settings


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
    lines = [head]
    if result.query.corrected:
        completed = f" (words starting with '{result.query.completed}')" if result.query.completed else ""
        lines.append(f"showing results for {result.query.corrected}{completed}; to search instead for "
                     f"{result.query.corrected_from} as typed, put its words in double quotes")
    if result.query.relaxed:
        lines.append(f"no request names all of {result.query.relaxed_from}; showing requests with "
                     f"{result.query.relaxed} (without '{result.query.relaxed_without}')")
    if result.query.broadened:
        lines.append(f"no request names {result.query.broadened_from}; showing the broader "
                     f"{result.query.broadened} ({result.query.broadened_concept}); to search only for "
                     f"{result.query.broadened_from}, put its words in double quotes")
    if result.query.did_you_mean:
        lines.append(f"did you mean: {result.query.did_you_mean}")
    also = [f"also searched: {e.word} -> {', '.join(e.also)}" for e in result.query.expansions]
    return lines + [f"note: {m}" for m in result.query.messages] + also


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
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_PER_PAGE),
              help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Which page of hits.")
@click.option("--all", "everything", is_flag=True,
              help="Every hit, one line each, streamed (no snippets; with --json, as --format jsonl).")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)),
              help="Every hit as the web's export in this format, byte for byte (streamed).")
@click.option("--site-url", default="", metavar="URL",
              help="With --format: the site's address, for each row's letter_url (as the web's export).")
@fatal_errors
def search(query: str, index_dir: Path, as_json: bool, limit: int, page: int, everything: bool,
           fmt: str | None, site_url: str) -> None:
    """Search the index for QUERY (same syntax as the web search box; '' lists everything)."""
    from indexer.results import SearchRequest
    from indexer.search.searcher import Searcher
    from indexer.search.show.export import stream

    searcher = Searcher(Settings(index_dir=index_dir))
    request = SearchRequest(q=query, per_page=limit, page=page)
    if fmt or (everything and as_json):
        out = click.get_binary_stream("stdout")        # UTF-8 whatever the locale: the web's bytes
        for chunk in stream(fmt or "jsonl", searcher, request, site_url=site_url):
            out.write(chunk.encode("utf-8"))
        out.flush()
        return
    result = searcher.search(request)
    if everything:
        click.echo(_header(result, everything=True)[0])
        for hit in searcher.iter_hits(request):
            click.echo(_hit_line(hit))
        return
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json else _plain(result))
