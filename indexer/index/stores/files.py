"""The files of a snapshot directory, named once.

A snapshot is an immutable directory under INDEX_DIR/snapshots/: Whoosh's own
files (`*.seg`, `*.toc`), one term store per segment (`<segment>.hot`,
indexer.index.stores.termstore), the letter store, the facet arrays, the hit store, the surface words
(for spelling correction), the schema version and the manifest.
"""
from __future__ import annotations

from pathlib import Path

from indexer.fields import SCHEMA_VERSION

LETTER_STORE = "letters.sqlite"      # indexer.index.stores.letterstore: one row per letter, whole record
FACET_ARRAYS = "facets.*.npy"        # indexer.index.stores.facetdata: facet columns for bincounts, one file an array
SCHEMA_FILE = "schema_version"       # the SCHEMA_VERSION the snapshot was written with
MANIFEST = "build.json"              # what it was built from, its report, its files' sizes
VOCABULARY = "vocabulary.json"       # indexer.index.values.concepts: what was mined from its letters
SURFACE_WORDS = "words.tsv"          # indexer.index.stores.surfacewords: words as typed in letters, with counts
HIT_STORE = "hits.bin"               # indexer.index.stores.hitstore: each document's stored fields, by docnum
HIT_OFFSETS = "hits.offsets"         # where each document's stored fields start in HIT_STORE
TERM_STORE_SUFFIX = ".hot"           # a segment's frequent terms' postings as flat arrays
SEGMENT_SUFFIXES = (".seg", ".toc")  # Whoosh's files: immutable once written


def facet_array_file(key: str) -> str:
    """The file name of one facet array (`facets.<key>.npy`), matched by FACET_ARRAYS."""
    head, tail = FACET_ARRAYS.split("*")
    return f"{head}{key}{tail}"


def facet_array_key(name: str) -> str | None:
    """The array key a file name of FACET_ARRAYS holds, or None for any other file."""
    head, tail = FACET_ARRAYS.split("*")
    return name[len(head):-len(tail)] if name.startswith(head) and name.endswith(tail) else None


def stamp_schema(snapshot: Path) -> None:
    """Write the schema version a snapshot being built is written with."""
    (Path(snapshot) / SCHEMA_FILE).write_text(f"{SCHEMA_VERSION}\n")
