"""Consistency check of the published index, for `imr check` and the web app's error page."""
from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from indexer.errors import ImrError, IndexDamaged
from indexer.index import facetdata, letterstore, termstore
from indexer.index.documents import document_count
from indexer.index.files import FACET_ARRAYS, TERM_STORE_SUFFIX
from indexer.index.snapshots import check_schema, current, damaged_files, open_whoosh
from indexer.settings import Settings


def _whoosh_problems(snapshot: Path) -> tuple[list[str], dict[str, int]]:
    """Open the index and read every stored field and posting list; returns problems and docs per letter."""
    per_letter: dict[str, int] = {}
    try:
        ix = open_whoosh(snapshot)
        with ix.reader() as reader:
            for _, stored in reader.iter_docs():
                per_letter[stored["letter_id"]] = per_letter.get(stored["letter_id"], 0) + 1
            for fieldname in reader.indexed_field_names():
                for term in reader.lexicon(fieldname):
                    reader.postings(fieldname, term).all_ids()
    except Exception as exc:   # whoosh reports damage as many different exception types
        return [f"{snapshot}: Whoosh index unreadable ({type(exc).__name__}: {exc}): rebuild "
                "with imr index, or imr rollback"], per_letter
    return [], per_letter


def _store_problems(snapshot: Path, per_letter: dict[str, int]) -> list[str]:
    path = letterstore.path_of(snapshot)
    if not path.is_file():
        return [f"{path}: letter store missing"]
    try:
        records = letterstore.read_all(snapshot)
    except (sqlite3.Error, ValueError) as exc:
        return [f"{path}: letter store unreadable ({exc})"]
    problems = []
    expected = {r["id"]: document_count(r) for r in records}
    if sum(expected.values()) != sum(per_letter.values()):
        problems.append(f"{snapshot}: index holds {sum(per_letter.values())} documents, the letter "
                        f"store's {len(records)} letters make {sum(expected.values())}")
    wrong = [i for i in expected.keys() | per_letter.keys() if expected.get(i) != per_letter.get(i)]
    if wrong:
        problems.append(f"{snapshot}: {len(wrong)} letters differ between index and letter store, "
                        f"e.g. {sorted(wrong)[0]}")
    return problems


def _facet_problems(snapshot: Path, n_docs: int) -> list[str]:
    path = snapshot / FACET_ARRAYS
    if not path.is_file():
        return [f"{path}: facet arrays missing"]
    try:
        loaded = facetdata.read_arrays(snapshot)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, IndexDamaged) as exc:
        return [f"{path}: facet arrays unreadable ({exc})"]
    sizes = {int(loaded["n_docs"][0]) if "n_docs" in loaded else None,
             len(loaded["overturned"]) if "overturned" in loaded else None} - {None}
    if sizes != {n_docs}:
        return [f"{path}: facet arrays cover {sorted(sizes)} documents, the index holds {n_docs}"]
    return []


def _term_store_problems(snapshot: Path) -> list[str]:
    """Each segment's .hot term store present and readable (else queries fall back, slower)."""
    stores = termstore.Stores(snapshot)
    with open_whoosh(snapshot).reader() as reader:
        return [f"{snapshot}: term store {termstore.segment_id(leaf)}{TERM_STORE_SUFFIX} missing or "
                "unreadable (searches still work, slower on frequent terms)"
                for leaf, _ in reader.leaf_readers() if stores.get(leaf) is None]


def check_index(settings: Settings) -> list[str]:
    """Problems with the published index, one line each; an empty list means healthy."""
    try:
        snapshot = current(settings)
        check_schema(snapshot, settings)
    except ImrError as exc:
        return [str(exc)]
    damaged = damaged_files(snapshot)
    problems = [f"{snapshot}: {p}" for p in damaged]
    # A truncated segment must not be opened: Whoosh mmaps it and reading past
    # its end kills the process (SIGBUS). Report it from the sizes alone.
    if not any(".seg " in p or ".toc " in p for p in damaged):
        found, per_letter = _whoosh_problems(snapshot)
        problems += found or (_store_problems(snapshot, per_letter)
                              + _facet_problems(snapshot, sum(per_letter.values()))
                              + _term_store_problems(snapshot))
    if problems:
        problems.append("fix: `imr rollback` to the previous snapshot, or `imr index --force SOURCE`")
    return problems
