"""`imr stats --by DIMENSION "QUERY"`: a cross-tab of a search printed as a table or JSON."""
from __future__ import annotations

import json

import click

from indexer.errors import QueryError
from indexer.fields import filter_param
from indexer.search.crosstab import Table
from indexer.intervals import FEW_ITEMS, few, percent
from indexer.search.units import label, level
from indexer.settings import Settings


def parse_filters(pairs: list[str]) -> dict[str, list[str]]:
    """FACET=VALUE pairs as the web app's f.FACET parameters (validated like them)."""
    from indexer.search.query.request import parse_request

    args: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not value.strip():
            raise QueryError("--filter", f"{pair!r} is not FACET=VALUE (e.g. -f category='Physical therapy')")
        args.setdefault(filter_param(name.strip()), []).append(value.strip())
    return parse_request(args).filters


def table_lines(table: Table) -> list[str]:
    """The table as aligned text: one line a cell, a header and the totals."""
    heads = [label(b) for b in table.by]
    widths = [max([len(h)] + [len(c.values[d]) for c in table.cells]) for d, h in enumerate(heads)]
    lines = [f"{table.items} items from {table.letters} letters match; "
             f"{percent(table.overturned / table.items if table.items else None)} of the items overturned"]
    lines += [f"note: {n}" for n in table.notes]
    for b, multi in zip(table.by, table.multi):
        if multi:
            lines.append(f"note: one {level(b)} can count under several values of {label(b)}: "
                         "the rows do not add up to the totals")
    lines.append("  ".join(h.ljust(w) for h, w in zip(heads, widths))
                 + "   items  letters  overturned   rate  95% interval")
    for c in table.cells:
        interval = f"{percent(c.low)}–{percent(c.high)}"
        flag = "  (few)" if few(c.items) else ""
        lines.append("  ".join(v.ljust(w) for v, w in zip(c.values, widths))
                     + f"  {c.items:6d}  {c.letters:7d}  {c.overturned:10d}  {percent(c.rate):>5}  "
                     f"{interval:<12}{flag}")
    if any(few(c.items) for c in table.cells):
        lines.append(f"(few): fewer than {FEW_ITEMS} items; the rate says little on its own")
    return lines


def print_table(settings: Settings, query: str, by: list[str], filters: list[str], as_json: bool) -> None:
    """Run the search and print its cross-tab (QueryError when `by` or a filter is wrong)."""
    from indexer.results import SearchRequest
    from indexer.search.searcher import Searcher

    if not by:
        raise QueryError("--by", "give a dimension to count by, e.g. --by year (twice for a second one)")
    request = SearchRequest(q=query, filters=parse_filters(filters))
    with Searcher(settings) as searcher:
        table = searcher.crosstab(request, by)
    if as_json:
        click.echo(json.dumps(table.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo("\n".join(table_lines(table)))
