"""A statistics table (indexer.search.crosstab) as CSV: one row a cell, with letters and the interval."""
from __future__ import annotations

from indexer.search.crosstab import Table
from indexer.intervals import few
from indexer.search.show.export import csv_line


def table_csv(table: Table) -> str:
    """The cells as CSV (values escaped against spreadsheet formulas), then a totals row."""
    lines = [csv_line((*table.by, "items", "letters", "overturned", "overturn_rate", "ci95_low", "ci95_high",
                    "few_items"))]
    for c in table.cells:
        lines.append(csv_line((*c.values, c.items, c.letters, c.overturned, f"{c.rate:.4f}",
                            f"{c.low:.4f}", f"{c.high:.4f}", int(few(c.items)))))
    rate = f"{table.overturned / table.items:.4f}" if table.items else ""
    lines.append(csv_line(("(all, each item and letter once)", *[""] * (len(table.by) - 1), table.items,
                        table.letters, table.overturned, rate, "", "", "")))
    return "".join(lines)
