"""The statistics table drawn as a standalone SVG: volumes and overturn rates with their 95% interval.

Drawn here rather than by a charting library: the page keeps its strict CSP (no script builds
the chart, no inline style: presentation attributes only), the same file is the download, and
the drawing has no dependency to keep. Over time (the first dimension a date period) it is two
panels sharing the time axis, items as bars (one series) or lines (one per value of the second
dimension), rates as lines with the interval as a band or whiskers; across categories one row per
cell, items as a bar and the rate as a dot with its interval. Colours are the Okabe-Ito palette
(distinct under the common colour blindnesses) with a dash pattern per series for print; a rate
from fewer than FEW_ITEMS items is drawn hollow. The table under the chart is its text alternative.
Every value from a letter is escaped.
"""
from __future__ import annotations

from html import escape

from indexer.search.crosstab import Cell, Table
from indexer.intervals import FEW_ITEMS, few, percent
from indexer.search.units import TIME_DIMENSIONS, label

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "4 4", "1 3")
OTHER = "#767676"
WIDTH, LEFT = 760, 56
MAX_SERIES = len(COLOURS)
MAX_ROWS = 40
TIME = {*TIME_DIMENSIONS, "year"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _series(table: Table) -> list[str]:
    """The second dimension's values drawn as series (the largest MAX_SERIES); [''] for one dimension."""
    if len(table.by) < 2:
        return [""]
    return table.values[1][:MAX_SERIES]


def _ticks(top: float) -> list[float]:
    """Round ticks (steps of 1, 2 or 5 times a power of ten) from 0 to at least `top`, at most six."""
    step = 1.0
    while top / step > 5:
        for factor in (2, 5, 10):
            if top / (step * factor) <= 5 or factor == 10:
                step *= factor
                break
    return [i * step for i in range(int(-(-top // step)) + 1)]


def _head(title: str, note: str, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
            f'height="{height}" role="img" aria-labelledby="chart-title chart-desc" '
            'font-family="system-ui, sans-serif" font-size="12">',
            f'<title id="chart-title">{_e(title)}</title>',
            f'<desc id="chart-desc">{_e(note)} The table below the chart gives every number.</desc>',
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            f'<text x="8" y="18" font-size="14" font-weight="bold" fill="#111">{_e(title)}</text>']


def _legend(series: list[str], y: int) -> tuple[list[str], int]:
    """The series' key, wrapped onto as many rows as it needs; and how many extra rows it took."""
    out, x, extra = [], LEFT, 0
    for i, name in enumerate(series):
        if not name:
            continue
        short = name if len(name) <= 26 else name[:25] + "…"
        width = 36 + 7 * len(short)
        if x + width > WIDTH - 10 and x > LEFT:
            x, extra = LEFT, extra + 1
        row_y = y + 16 * extra
        colour, dash = (COLOURS[i], DASHES[i]) if i < len(COLOURS) else (OTHER, "")
        out.append(f'<line x1="{x}" y1="{row_y - 4}" x2="{x + 22}" y2="{row_y - 4}" stroke="{colour}" '
                   f'stroke-width="3" stroke-dasharray="{dash}"/>')
        out.append(f'<text x="{x + 26}" y="{row_y}" fill="#111">{_e(short)}</text>')
        x += width
    return out, extra


def _few_note(y: float) -> str:
    """The key of the hollow dot, bottom right."""
    return (f'<circle cx="{WIDTH - 178}" cy="{y - 4}" r="4" fill="#ffffff" stroke="#111" stroke-width="2"/>'
            f'<text x="{WIDTH - 170}" y="{y}" fill="#333">a rate from &lt; {FEW_ITEMS} requests</text>')


def _time_chart(table: Table, title: str, note: str) -> str:
    periods = [v for v in table.values[0] if v[:1].isdigit()]
    series = _series(table)
    grid = {(c.values[0], c.values[1] if len(c.values) > 1 else ""): c for c in table.cells}
    top_items = max([grid[k].items for k in grid if k[0] in periods and k[1] in series] or [1])
    legend, extra = _legend(series, 40)
    shift = 16 * extra
    height, panel = 466 + shift, 150
    out = _head(title, note, height) + legend
    step = (WIDTH - LEFT - 20) / max(1, len(periods))
    x_of = {p: LEFT + step * (i + 0.5) for i, p in enumerate(periods)}
    panels = (("Requests", 76 + shift, top_items, "{:g}"), ("Overturned (95% CI)", 266 + shift, 1.0, "pct"))
    for name, y0, top, fmt in panels:
        ticks = _ticks(top) if fmt != "pct" else [0, 0.25, 0.5, 0.75, 1.0]
        top = max(ticks[-1], 1e-9)
        out.append(f'<text x="{LEFT}" y="{y0 - 10}" fill="#111" font-weight="bold">{_e(name)}</text>')
        for t in ticks:
            y = y0 + panel - panel * t / top
            text = f"{round(100 * t)}%" if fmt == "pct" else fmt.format(t)
            out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 20}" y2="{y:.1f}" stroke="#dddddd"/>'
                       f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{text}</text>')
        for i, s in enumerate(series):
            cells = [(p, grid.get((p, s))) for p in periods]
            if fmt == "pct":
                out += _rate_line(cells, x_of, y0, panel, i, band=len(series) == 1)
            elif len(series) == 1:
                out += [_bar(x_of[p] - step * 0.4, y0 + panel - panel * c.items / top, step * 0.8,
                             panel * c.items / top, c, p) for p, c in cells if c]
            else:
                out += _volume_line(cells, x_of, y0, panel, top, i)
    every = max(1, -(-len(periods) * 60 // (WIDTH - LEFT - 20)))     # a label needs ~60 px
    for n, p in enumerate(periods):
        if n % every == 0:
            out.append(f'<text x="{x_of[p]:.1f}" y="{266 + shift + panel + 16}" text-anchor="middle" fill="#333">'
                       f'{_e(p)}</text>')
    out.append(f'<text x="{LEFT}" y="{height - 12}" fill="#555">{_e(label(table.by[0]))}</text>')
    out.append(_few_note(height - 12))
    if len(table.by) > 1 and len(table.values[1]) > MAX_SERIES:
        out.append(f'<text x="{WIDTH // 2}" y="{height - 12}" text-anchor="middle" fill="#555">The {MAX_SERIES} '
                   f'largest of {len(table.values[1])} values drawn: the table has them all.</text>')
    return "\n".join(out + ["</svg>"])


def _bar(x: float, y: float, w: float, h: float, cell: Cell, name: str) -> str:
    return (f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{max(w, 1):.1f}" height="{max(h, 0.5):.1f}" '
            f'fill="{COLOURS[0]}"><title>{_e(name)}: {cell.items} requests, {cell.letters} letters</title></rect>')


def _volume_line(cells, x_of, y0, panel, top, i) -> list[str]:
    points = [(x_of[p], y0 + panel - panel * (c.items if c else 0) / top) for p, c in cells]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return [f'<polyline class="mark" points="{path}" fill="none" stroke="{COLOURS[i]}" stroke-width="2" '
            f'stroke-dasharray="{DASHES[i]}"/>']


def _rate_line(cells, x_of, y0, panel, i, band: bool) -> list[str]:
    """The rate over time: a line through the periods with items, the interval as a band (one
    series) or whiskers, each point hollow when its rate rests on few items."""
    def y(v: float) -> float:
        return y0 + panel - panel * v

    known = [(p, c) for p, c in cells if c and c.items]
    out = []
    if band and known:
        upper = " ".join(f"{x_of[p]:.1f},{y(c.high):.1f}" for p, c in known)
        lower = " ".join(f"{x_of[p]:.1f},{y(c.low):.1f}" for p, c in reversed(known))
        out.append(f'<polygon points="{upper} {lower}" fill="{COLOURS[i]}" fill-opacity="0.18"/>')
    if len(known) > 1:
        line = " ".join(f"{x_of[p]:.1f},{y(c.rate):.1f}" for p, c in known)
        out.append(f'<polyline points="{line}" fill="none" stroke="{COLOURS[i]}" stroke-width="2" '
                   f'stroke-dasharray="{DASHES[i]}"/>')
    for p, c in known:
        x = x_of[p]
        if not band:
            out.append(f'<line x1="{x:.1f}" y1="{y(c.low):.1f}" x2="{x:.1f}" y2="{y(c.high):.1f}" '
                       f'stroke="{COLOURS[i]}"/>')
        out.append(_dot(x, y(c.rate), c, p, COLOURS[i]))
    return out


def _dot(x: float, y: float, c: Cell, name: str, colour: str) -> str:
    fill = "#ffffff" if few(c.items) else colour
    return (f'<circle class="rate" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2"><title>{_e(name)}: {percent(c.rate)} overturned, 95% CI '
            f'{percent(c.low)}–{percent(c.high)} ({c.overturned} of {c.items} requests)</title></circle>')


def _rows_chart(table: Table, title: str, note: str) -> str:
    """One row per cell: its label, a bar of its items and its rate with the interval."""
    series = _series(table)
    cells = table.cells[:MAX_ROWS]
    others = len(table.by) > 1 and len(table.values[1]) > len(series)
    legend, extra = _legend(series + (["other values (grey)"] if others else []), 40)
    row, top = 22, 64 + 16 * extra
    height = top + row * len(cells) + 48
    out = _head(title, note, height) + legend
    label_w, bar_x, bar_w = 250, 258, 200
    rate_x, rate_w = 500, WIDTH - 520
    most = max([c.items for c in cells] or [1])
    out.append(f'<text x="{bar_x}" y="{top - 6}" fill="#111" font-weight="bold">Requests</text>'
               f'<text x="{rate_x}" y="{top - 6}" fill="#111" font-weight="bold">Overturned (95% CI)</text>')
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        x = rate_x + rate_w * t
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(cells)}" stroke="#dddddd"/>'
                   f'<text x="{x:.1f}" y="{top + row * len(cells) + 14}" text-anchor="middle" '
                   f'fill="#333">{round(100 * t)}%</text>')
    for n, c in enumerate(cells):
        y = top + row * n
        name = " · ".join(c.values)
        colour = COLOURS[series.index(c.values[1])] if len(c.values) > 1 and c.values[1] in series else \
            (COLOURS[0] if len(c.values) == 1 else OTHER)
        w = bar_w * c.items / most
        short = name if len(name) <= 36 else name[:35] + "…"      # ~6.5 px a character: fits the 250 px
        out.append(f'<text x="{label_w}" y="{y + 15}" text-anchor="end" fill="#111">{_e(short)}</text>')
        out.append(f'<rect class="mark" x="{bar_x}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}" '
                   f'fill="{colour}"><title>{_e(name)}: {c.items} requests, {c.letters} letters</title></rect>'
                   f'<text x="{bar_x + w + 4:.1f}" y="{y + 15}" fill="#333">{c.items}</text>')
        if c.items:
            out.append(f'<line x1="{rate_x + rate_w * c.low:.1f}" y1="{y + row / 2}" '
                       f'x2="{rate_x + rate_w * c.high:.1f}" y2="{y + row / 2}" stroke="{colour}" stroke-width="2"/>')
            out.append(_dot(rate_x + rate_w * c.rate, y + row / 2, c, name, colour))
    out.append(_few_note(height - 8))
    if len(table.cells) > MAX_ROWS:
        out.append(f'<text x="8" y="{height - 8}" fill="#555">The first {MAX_ROWS} of {len(table.cells)} rows: '
                   'the table has them all.</text>')
    return "\n".join(out + ["</svg>"])


def chart_svg(table: Table, title: str) -> str:
    """The table as a standalone SVG document (lines over time, rows across categories)."""
    note = (f"{table.items} requests from {table.letters} letters; rates are of requests (decisions) "
            f"overturned, with their 95% Wilson interval.")
    if table.by[0] in TIME and any(v[:1].isdigit() for v in table.values[0]):
        return _time_chart(table, title, note)
    return _rows_chart(table, title, note)
