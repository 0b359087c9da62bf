"""The files of a snapshot directory, named once.

A snapshot is an immutable directory under INDEX_DIR/snapshots/: Whoosh's own
files (`*.seg`, `*.toc`), one term store per segment (`<segment>.hot`,
indexer.index.termstore), the letter store, the facet arrays, the schema
version and the manifest.
"""
from __future__ import annotations

from pathlib import Path

from indexer.fields import SCHEMA_VERSION

LETTER_STORE = "letters.sqlite"      # indexer.index.letterstore: one row per letter, whole record
FACET_ARRAYS = "facets.npz"          # indexer.index.facetdata: facet columns for bincounts
SCHEMA_FILE = "schema_version"       # the SCHEMA_VERSION the snapshot was written with
MANIFEST = "build.json"              # what it was built from, its report, its files' sizes
TERM_STORE_SUFFIX = ".hot"           # a segment's frequent terms' postings as flat arrays
SEGMENT_SUFFIXES = (".seg", ".toc")  # Whoosh's files: immutable once written


def stamp_schema(snapshot: Path) -> None:
    """Write the schema version a snapshot being built is written with."""
    (Path(snapshot) / SCHEMA_FILE).write_text(f"{SCHEMA_VERSION}\n")
