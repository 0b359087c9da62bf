"""`imr search QUERY`: search the index from the command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer.cli import EXIT_FATAL, cli
from indexer.errors import ImrError
from indexer.settings import Settings


def _plain(result) -> str:
    lines = [f"{result.total} items found" + (f" (understood: {', '.join(c.word + ' = ' + c.facet for c in result.query.chips)})"
                                               if result.query.chips else "")]
    lines += [f"note: {m}" for m in result.query.messages]
    for hit in result.hits:
        lines.append(f"{hit.case_number or hit.letter_id}  #{hit.item_no}  {hit.decision or '-'}  "
                     f"{hit.decision_date or ''}  {hit.item}")
        if hit.snippets:
            lines.append("    " + hit.snippets[0].text)
    return "\n".join(lines)


@cli.command("search")
@click.argument("query")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("index"), show_default=True, envvar="IMR_INDEX",
              help="Index directory (env IMR_INDEX).")
@click.option("--json", "as_json", is_flag=True, help="Print total, hits and facet counts as JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many hits to print.")
def search(query: str, index_dir: Path, as_json: bool, limit: int) -> None:
    """Search the index for QUERY (same syntax as the web search box)."""
    from indexer.results import SearchRequest
    from indexer.search.searcher import search_index

    try:
        result = search_index(Settings(index_dir=index_dir), SearchRequest(q=query, per_page=limit))
    except ImrError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FATAL)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if as_json else _plain(result))
