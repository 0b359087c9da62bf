"""IMR Search as a library: letters in, a searchable index out.

Everything a script needs is importable from here::

    from indexer import Settings, Searcher, SearchRequest, add, rebuild, ImrError

Flow: file -> text (extract) -> letter record (parse) -> index documents ->
Whoosh snapshot (build) -> query (search). The names below are imported
lazily, on first use, so that `import indexer` (and `imr --help`) stays fast;
`PUBLIC` is the one table of what is public and where it lives.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

# {public name: the module that defines it}. The docs (docs/python-api.md) are generated from this
# table, and tests/test_docs.py imports every name in it.
PUBLIC: dict[str, str] = {
    # configuration
    "Settings": "indexer.settings",
    # building the index
    "rebuild": "indexer.pipeline.conductor",
    "add": "indexer.pipeline.conductor",
    "parse_paths": "indexer.pipeline.conductor",
    "BuildReport": "indexer.pipeline.conductor",
    # searching
    "Searcher": "indexer.search.searcher",
    "parse_request": "indexer.search.query.request",
    "SearchRequest": "indexer.results",
    "SearchResult": "indexer.results",
    "Hit": "indexer.results",
    "FacetValue": "indexer.results",
    "QueryInfo": "indexer.results",
    "FACETS": "indexer.fields",
    # exports
    "stream_csv": "indexer.search.show.export",
    "stream_json": "indexer.search.show.export",
    # operating the index
    "index_stats": "indexer.index.stats",
    "list_snapshots": "indexer.index.stores.snapshots",
    "rollback": "indexer.index.stores.snapshots",
    "check_report": "indexer.index.check",
    "CheckReport": "indexer.index.check",
    # synthetic letters
    "generate": "indexer.synth",
    # errors
    "ImrError": "indexer.errors",
    "ExtractError": "indexer.errors",
    "IndexMissing": "indexer.errors",
    "IndexDamaged": "indexer.errors",
    "SchemaMismatch": "indexer.errors",
    "LockHeld": "indexer.errors",
    "QueryError": "indexer.errors",
    "LetterNotFound": "indexer.errors",
    "SiteUnreachable": "indexer.errors",
    "SiteChanged": "indexer.errors",
    "FetchManifestDamaged": "indexer.errors",
}

__all__ = sorted(PUBLIC) + ["__version__"]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name == "__version__":
        return _version()
    module = PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value          # later look-ups skip this function
    return value


def _version() -> str:
    """The installed package's version (pyproject.toml), as `imr --version` prints it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imr-search")
    except PackageNotFoundError:     # a source tree that was never installed
        return "0.0.0+unknown"


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(PUBLIC))
