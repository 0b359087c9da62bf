"""A statistics table (indexer.search.crosstab) as CSV: one row a cell, with letters and the interval."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from indexer.search.crosstab import Table
from indexer.intervals import few
from indexer.search.show.export import safe_cell


def _line(cells: Iterable[object]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([safe_cell(c) for c in cells])
    return buf.getvalue()


def table_csv(table: Table) -> str:
    """The cells as CSV (values escaped against spreadsheet formulas), then a totals row."""
    lines = [_line((*table.by, "items", "letters", "overturned", "overturn_rate", "ci95_low", "ci95_high",
                    "few_items"))]
    for c in table.cells:
        lines.append(_line((*c.values, c.items, c.letters, c.overturned, f"{c.rate:.4f}",
                            f"{c.low:.4f}", f"{c.high:.4f}", int(few(c.items)))))
    rate = f"{table.overturned / table.items:.4f}" if table.items else ""
    lines.append(_line(("(all, each item and letter once)", *[""] * (len(table.by) - 1), table.items,
                        table.letters, table.overturned, rate, "", "", "")))
    return "".join(lines)
