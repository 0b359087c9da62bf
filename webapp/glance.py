"""The corpus at a glance on the home page, and the sidebar's year histogram, drawn from the counts
the search already made (the empty query's facets and newest hits): no second count.

Both are SVG with presentation attributes only (the CSP forbids inline style), escaped text,
and each bar or row a link into search.
"""
from __future__ import annotations

from flask import Flask, url_for
from markupsafe import Markup, escape

from indexer.results import FacetValue, SearchResult
from indexer.search.crosstab import Cell, Table
from indexer.search.query.request import UNDATED
from indexer.search.show.chart import chart_svg
from webapp.urlstate import toggle_filter

TOP_CATEGORIES = 8
RECENT = 5
BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 26, 4, 48
COUNT_LABELS_UP_TO = 8      # bars with their count printed above (a bar of 1 and one of 4 look alike)


def _cell(value: FacetValue) -> Cell:
    low, high = value.interval or (None, None)
    return Cell((str(value.value),), value.count, value.overturned,
                value.letters if value.letters is not None else 0, low, high)


def year_table(result: SearchResult) -> Table:
    """The decision-year facet of a result as a one-dimension statistics table (undated last)."""
    values = sorted(result.facets.get("year", []), key=lambda v: (v.value == UNDATED, str(v.value)))
    cells = [_cell(v) for v in values if v.count]
    overturned = sum(c.overturned for c in cells)
    return Table(["year"], [[c.values[0] for c in cells]], cells, items=result.total,
                 letters=sum(c.letters for c in cells), overturned=overturned, multi=[False])


def glance(result: SearchResult) -> dict:
    """What the home page shows of the whole corpus: totals, the year chart and its table, the most
    requested treatment categories with their rates, the newest decisions."""
    table = year_table(result)
    categories = sorted(result.facets.get("category", []), key=lambda v: -v.count)[:TOP_CATEGORIES]
    return {"table": table, "svg": Markup(chart_svg(table, "Requests by decision year, and the share overturned")),
            "categories": categories, "recent": result.hits[:RECENT],
            "outcomes": result.facets.get("outcome", [])}


def year_bars(histogram: list[tuple[FacetValue, int]]) -> Markup:
    """The sidebar's decision-year histogram: bars of a fixed width (one year is one bar, not a box)
    whose heights are the counts' true proportions, each a link that toggles its year."""
    values = [v for v, _ in histogram]
    if not values:
        return Markup("")
    most = max(v.count for v in values) or 1
    width = len(values) * (BAR_WIDTH + BAR_GAP)
    label_every = max(1, -(-len(values) // 6))
    top = 12 if len(values) <= COUNT_LABELS_UP_TO else 0
    out = [f'<svg class="year-bars" viewBox="0 0 {width} {top + BAR_HEIGHT + 16}" width="{width}" '
           f'height="{top + BAR_HEIGHT + 16}" role="group" aria-label="Decisions per year">']
    for n, v in enumerate(values):
        height = max(1.0, BAR_HEIGHT * v.count / most)     # true proportions; a count of 1 stays visible
        x = n * (BAR_WIDTH + BAR_GAP)
        if top:
            out.append(f'<text x="{x + BAR_WIDTH / 2}" y="{top + BAR_HEIGHT - height - 2:.1f}" text-anchor="middle" '
                       f'font-size="10" fill="#1d232b" aria-hidden="true">{v.count}</text>')
        colour = "#1f5fbf" if v.selected else "#7a9fd6"
        name = f"{v.value}: {v.count} request{'' if v.count == 1 else 's'}"
        out.append(f'<a href="{escape(toggle_filter("year", str(v.value)))}" aria-label="{escape(name)}">'
                   f'<title>{escape(name)}</title>'
                   f'<rect x="{x}" y="{top + BAR_HEIGHT - height:.1f}" width="{BAR_WIDTH}" height="{height:.1f}" '
                   f'fill="{colour}"/></a>')
        if n % label_every == 0 or n == len(values) - 1:
            out.append(f'<text x="{x + BAR_WIDTH / 2}" y="{top + BAR_HEIGHT + 12}" text-anchor="middle" '
                       f'font-size="10" fill="#56606b" aria-hidden="true">{escape(str(v.value))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def register(app: Flask) -> None:
    """Make the glance and the histogram callable from the search templates."""
    app.jinja_env.globals.update(corpus_glance=glance, year_bars=year_bars,
                                 stats_url=lambda **kw: url_for("stats.stats_page", **kw))
