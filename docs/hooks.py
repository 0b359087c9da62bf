"""MkDocs hooks: the CLI's commands registered for mkdocs-click, the Python API page from one table.

`docs/python-api.md` holds the marker `<!-- public-api -->`; it is replaced by one mkdocstrings
block per name of `indexer.PUBLIC`, grouped by the table's comments, so the page always lists
exactly what `from indexer import ...` offers (tests/test_docs.py checks the same table).
"""
from __future__ import annotations

import re
from pathlib import Path

MARKER = "<!-- public-api -->"
ROOT = Path(__file__).resolve().parents[1]


def on_config(config):
    from indexer.cli import _register

    _register()      # the commands register on import (indexer.cli.main does the same)
    return config


def public_api_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group title, [(name, module)])] in the order of `indexer.PUBLIC`, titled by its comments."""
    source = (ROOT / "indexer" / "__init__.py").read_text()
    table = source[source.index("PUBLIC: dict[str, str] = {"):]
    table = table[: table.index("\n}")]
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for line in table.splitlines()[1:]:
        comment = re.match(r"\s*#\s*(.+)", line)
        entry = re.match(r'\s*"(\w+)":\s*"([\w.]+)"', line)
        if comment:
            groups.append((comment[1].strip().capitalize(), []))
        elif entry:
            if not groups:
                groups.append(("Public names", []))
            groups[-1][1].append((entry[1], entry[2]))
    return groups


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    blocks = []
    for title, names in public_api_groups():
        blocks.append(f"## {title}\n")
        for name, module in names:
            blocks.append(f"::: {module}.{name}\n")
    return markdown.replace(MARKER, "\n".join(blocks))
