"""Consistency check of the published index, for `imr check` (`indexer.check_report`).

The plain check compares the files with the sizes recorded at publication, opens
Whoosh, reads every stored document and posting list and compares the counts of the
letter store and the facet arrays with the index. `deep=True` also compares content:
every term store against Whoosh's own postings and positions, the facet arrays
against the stored decisions, and each letter-store record's items against the
stored item documents.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ImrError, IndexDamaged
from indexer.fields import SCHEMA_VERSION
from indexer.index.stores import facetdata, hitstore, letterstore, termstore
from indexer.index.values.documents import document_count
from indexer.index.stores.files import FACET_ARRAYS, TERM_STORE_SUFFIX
from indexer.index.stores.snapshots import (check_schema, current_or_newest, damaged_files, open_whoosh,
                                            read_manifest)
from indexer.settings import Settings

FIX = "fix: `imr rollback` to the previous snapshot, or `imr index --force SOURCE`"


@dataclass
class CheckReport:
    """What `imr check` found: the snapshot checked, its counts and every problem (one line each)."""

    snapshot: str = ""
    note: str = ""                    # e.g. CURRENT was missing and the newest snapshot was taken
    letters: int = 0
    items: int = 0
    documents: int = 0
    schema: int = SCHEMA_VERSION
    deep: bool = False
    problems: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)   # (file, reason): not indexed, other decisions


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


def _store_problems(snapshot: Path, per_letter: dict[str, int]) -> tuple[list[str], list[dict]]:
    path = letterstore.path_of(snapshot)
    if not path.is_file():
        return [f"{path}: letter store missing"], []
    try:
        records = letterstore.read_all(snapshot)
    except (sqlite3.Error, ValueError) as exc:
        return [f"{path}: letter store unreadable ({exc})"], []
    problems = []
    expected = {r["id"]: document_count(r) for r in records}
    if sum(expected.values()) != sum(per_letter.values()):
        problems.append(f"{snapshot}: index holds {sum(per_letter.values())} documents, the letter "
                        f"store's {len(records)} letters make {sum(expected.values())}")
    wrong = [i for i in expected.keys() | per_letter.keys() if expected.get(i) != per_letter.get(i)]
    if wrong:
        problems.append(f"{snapshot}: {len(wrong)} letters differ between index and letter store, "
                        f"e.g. {sorted(wrong)[0]}")
    return problems, records


def _load_facets(snapshot: Path) -> tuple[dict | None, list[str]]:
    path = snapshot / FACET_ARRAYS
    if not any(snapshot.glob(FACET_ARRAYS)):
        return None, [f"{path}: facet arrays missing"]
    try:
        return facetdata.read_arrays(snapshot), []
    except (OSError, ValueError, EOFError, IndexDamaged) as exc:
        return None, [f"{path}: facet arrays unreadable ({exc})"]


def _facet_problems(snapshot: Path, n_docs: int) -> list[str]:
    loaded, problems = _load_facets(snapshot)
    if loaded is None:
        return problems
    sizes = {int(loaded["n_docs"][0]) if "n_docs" in loaded else None,
             len(loaded["overturned"]) if "overturned" in loaded else None} - {None}
    if sizes != {n_docs}:
        return [f"{snapshot / FACET_ARRAYS}: facet arrays cover {sorted(sizes)} documents, the index holds {n_docs}"]
    return []


def _term_store_problems(snapshot: Path) -> list[str]:
    """Each segment's .hot term store present and readable (else queries fall back, slower)."""
    stores = termstore.Stores(snapshot)
    with open_whoosh(snapshot).reader() as reader:
        return [f"{snapshot}: term store {termstore.segment_id(leaf)}{TERM_STORE_SUFFIX} missing or "
                "unreadable (searches still work, slower on frequent terms)"
                for leaf, _ in reader.leaf_readers() if stores.get(leaf) is None]


def _deep_problems(snapshot: Path, records: list[dict]) -> list[str]:
    """Content, not counts: term stores = Whoosh postings, the hit store and facet decisions and letter
    items = stored docs."""
    import numpy as np

    from indexer.index import postings

    problems: list[str] = []
    stores = termstore.Stores(snapshot)
    with open_whoosh(snapshot).reader() as reader:
        for name in reader.indexed_field_names():
            positional = reader.schema[name].format.supports("positions")
            differ = 0
            for tbytes in reader.lexicon(name):
                got, want = (postings.read_postings(reader, name, tbytes, s) for s in (stores, None))
                same = np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
                if same and positional:
                    same = np.array_equal(postings.read_position_keys(reader, name, tbytes, stores),
                                          postings.read_position_keys(reader, name, tbytes))
                differ += not same
            if differ:
                problems.append(f"{snapshot}: {differ} terms of field {name} differ between the term "
                                "store and the Whoosh postings")
        stored = [doc for _, doc in reader.iter_docs()]
        schema = reader.schema
    loaded, _ = _load_facets(snapshot)
    if loaded is not None and "overturned" in loaded and len(loaded["overturned"]) == len(stored):
        want = np.array([d.get("decision") == "Overturned" for d in stored], dtype=bool)
        bad = int((loaded["overturned"].astype(bool) != want).sum())
        if bad:
            problems.append(f"{snapshot / FACET_ARRAYS}: {bad} documents' Overturned flag differs from "
                            "their stored decision")
    store = hitstore.HitStore.open(snapshot, len(stored))
    if store is not None:
        try:
            differ = sum(store.get(n) != {k: v for k, v in doc.items() if k in schema}
                         for n, doc in enumerate(stored))
        except (EOFError, IndexError) as exc:
            differ, store_error = len(stored), exc
        else:
            store_error = None
        finally:
            store.close()
        if differ:
            problems.append(f"{snapshot / hitstore.DATA}: {differ} documents' stored fields differ from "
                            f"Whoosh's{f' ({store_error})' if store_error else ''}: run `imr index --force`")
    elif (snapshot / hitstore.DATA).exists():
        problems.append(f"{snapshot / hitstore.OFFSETS}: missing or not of the index's {len(stored)} "
                        "documents (searches read Whoosh's stored fields, slower): run `imr index --force`")
    by_id = {d["doc_id"]: d for d in stored}
    bad_letters = [r["id"] for r in records
                   if any((by_id.get(f"{r['id']}#{n}") or {}).get("item") != item["item"]
                          or (by_id.get(f"{r['id']}#{n}") or {}).get("decision") != item.get("decision")
                          for n, item in enumerate(r.get("items") or [], 1))]
    if bad_letters:
        problems.append(f"{snapshot}: {len(bad_letters)} letters' items differ between the letter store "
                        f"and the index, e.g. {bad_letters[0]}")
    return problems


def check_report(settings: Settings, deep: bool = False) -> CheckReport:
    """Check the published snapshot (or, when CURRENT is missing, the newest complete one)."""
    report = CheckReport(deep=deep)
    try:
        snapshot, report.note = current_or_newest(settings)
        report.snapshot = snapshot.name
        check_schema(snapshot, settings)
    except ImrError as exc:
        report.problems = [str(exc)]
        return report
    report.conflicts = [tuple(c) for c in read_manifest(snapshot).get("conflicts", [])]
    if report.note:
        report.problems.append(f"{report.note}: the server answers 503 until CURRENT names a snapshot: "
                               f"run imr rollback --index {settings.index_dir}")
    damaged = damaged_files(snapshot)
    report.problems += [f"{snapshot}: {p}" for p in damaged]
    # A truncated segment must not be opened: reading past its end can kill the
    # process. Report it from the sizes alone.
    if not any(".seg " in p or ".toc " in p for p in damaged):
        found, per_letter = _whoosh_problems(snapshot)
        report.documents = sum(per_letter.values())
        if found:
            report.problems += found
        else:
            store, records = _store_problems(snapshot, per_letter)
            report.letters = len(records)
            report.items = sum(len(r.get("items") or []) for r in records)
            report.problems += store + _facet_problems(snapshot, report.documents) + _term_store_problems(snapshot)
            if deep and records:
                report.problems += _deep_problems(snapshot, records)
    if len(report.problems) > bool(report.note):     # damage beyond a missing CURRENT
        report.problems.append(FIX)
    return report


def check_index(settings: Settings, deep: bool = False) -> list[str]:
    """Problems with the published index, one line each; an empty list means healthy."""
    return check_report(settings, deep).problems
