#!/usr/bin/env python3
"""Relevance of generic engines on the same judged sets: does this engine beat them on this field's words?

    python -m scripts.relevance_peers --index DIR [--judged FILE ...] [--systems ours,tantivy,...] [--markdown]

The real letters are indexed as scripts/relevance.py indexes them (--index is built or reused);
the same item documents (indexer.index.values.documents.item_documents of every stored record)
then go into each peer, and every judged query is asked of each, as typed:

    tantivy      out of the box: its `en_stem` analyzer, its query parser on the four text fields
                 with our field boosts, its default (any word may match)
    tantivy-and  the same, every typed word required (`+"word"`), as a user reading its
                 documentation would ask
    fts5         SQLite FTS5 (`porter unicode61`) searched as Datasette searches: each typed
                 word quoted, all required, ranked by bm25 with our field weights

Every hit is read, as for ours. Per system and set: mean recall, mean R-precision, how many
queries answer nothing, and the largest share of the items a negative (a query nothing is
relevant to) returns. Peers turn no word into a filter: `upheld` is a word to them, as it is
to a generic engine. tantivy is the `bench` extra (pip install -e '.[bench]'); without it its
rows are skipped with a note.
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

from indexer.fields import BOOSTS, TEXT_FIELDS
from indexer.index.stores import letterstore, snapshots
from indexer.index.values.documents import item_documents
from indexer.search.searcher import Searcher
from scripts import relevance
from scripts.bench_peers import tantivy_available

SYSTEMS = ("ours", "tantivy", "tantivy-and", "fts5")
SETS = ("judged.json", "heldout.json", "heldout_vocabulary.json", "heldout_v2.json", "heldout_v3.json",
        "heldout_v4.json", "heldout_v5.json", "heldout_v6.json", "heldout_v7.json", "heldout_v8.json",
        "heldout_v9.json", "heldout_v10.json", "heldout_v11.json", "heldout_v12.json", "heldout_v13.json",
        "heldout_v14.json")
_WORD = re.compile(r'[^\s"]+')


def corpus_documents(settings) -> list[dict]:
    """Every item document of the index's letters, made from the stored records as the build makes them."""
    path = snapshots.current(settings)
    store = letterstore.connect_readonly(path)
    try:
        docs = []
        for ref in letterstore.read_refs(path):
            record = letterstore.read_one(store, ref["id"])
            docs += item_documents(record or {})
        return [{"doc_id": d["doc_id"], **{f: str(d.get(f) or "") for f in TEXT_FIELDS}} for d in docs]
    finally:
        store.close()


class Tantivy:
    """tantivy on the documents, in a temporary directory; `strict`: every typed word required."""

    def __init__(self, docs: list[dict], folder: Path, strict: bool):
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
        for f in TEXT_FIELDS:
            sb.add_text_field(f, tokenizer_name="en_stem")
        folder.mkdir(parents=True)
        self.ix = tantivy.Index(sb.build(), path=str(folder))
        writer = self.ix.writer(heap_size=64_000_000, num_threads=1)
        for doc in docs:
            writer.add_document(tantivy.Document(**doc))
        writer.commit()
        writer.wait_merging_threads()
        self.ix.reload()
        self.searcher, self.strict, self.n = self.ix.searcher(), strict, len(docs)

    def ranked(self, q: str) -> list[str]:
        """Doc ids of every hit, best first."""
        text = " ".join(f'+"{w}"' for w in _WORD.findall(q)) if self.strict else q
        query, _errors = self.ix.parse_query_lenient(text, list(TEXT_FIELDS), field_boosts=BOOSTS)
        hits = self.searcher.search(query, max(self.n, 1)).hits
        return [self.searcher.doc(addr)["doc_id"][0] for _, addr in hits]


class Fts5:
    """SQLite FTS5 in memory, queried as Datasette's `escape_fts` does (each word quoted, all required)."""

    def __init__(self, docs: list[dict]):
        self.con = sqlite3.connect(":memory:")
        self.con.execute("CREATE VIRTUAL TABLE fts USING fts5(doc_id UNINDEXED, "
                         + ", ".join(TEXT_FIELDS) + ", tokenize='porter unicode61')")
        self.con.executemany(f"INSERT INTO fts VALUES (?{', ?' * len(TEXT_FIELDS)})",
                             [(d["doc_id"], *(d[f] for f in TEXT_FIELDS)) for d in docs])
        self.weights = ", ".join(str(BOOSTS[f]) for f in TEXT_FIELDS)

    def ranked(self, q: str) -> list[str]:
        """Doc ids of every hit, best first (no hits for a query FTS5 cannot read)."""
        words = " ".join(f'"{w}"' for w in _WORD.findall(q))
        if not words:
            return []
        try:
            rows = self.con.execute(f"SELECT doc_id FROM fts WHERE fts MATCH ? "
                                    f"ORDER BY bm25(fts, 0.0, {self.weights})", (words,)).fetchall()
        except sqlite3.OperationalError:
            return []
        return [r[0] for r in rows]


def evaluate_peer(engine, judged: dict, mapped: dict[str, str | None], n_docs: int) -> dict:
    """The means relevance.evaluate reports, for a peer's ranked doc ids."""
    recalls, precisions, zero = [], [], 0
    for entry in judged["queries"]:
        ranked = engine.ranked(entry["q"])
        relevant = {mapped.get(j) or j for j in entry["relevant"]}
        r = len(relevant)
        recalls.append(sum(d in relevant for d in ranked) / r)
        precisions.append(sum(d in relevant for d in ranked[:r]) / r)
        zero += not ranked
    negatives = [len(engine.ranked(e["q"])) / n_docs for e in judged.get("negatives", [])]
    n = len(recalls)
    return {"mean_recall": sum(recalls) / n, "mean_r_precision": sum(precisions) / n, "zero": zero,
            "negatives_max_fraction": max(negatives, default=0.0)}


def compare(settings, judged_files: list[Path], systems: list[str]) -> dict[str, dict[str, dict]]:
    """{set name: {system: its means}} for every judged set and system."""
    docs = corpus_documents(settings)
    searcher = Searcher(settings)
    out: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="relevance-peers-") as tmp:
        engines = {}
        for name in systems:
            if name.startswith("tantivy"):
                if not tantivy_available():
                    print(f"{name}: skipped (pip install -e '.[bench]' for tantivy)", file=sys.stderr)
                    continue
                engines[name] = Tantivy(docs, Path(tmp) / name, strict=name == "tantivy-and")
            elif name == "fts5":
                engines[name] = Fts5(docs)
        for path in judged_files:
            judged = relevance.load_judged(path)
            mapped, _unmapped, _stale = relevance.check_judged(judged, settings, searcher)
            rows = out[path.name] = {}
            if "ours" in systems:
                report = relevance.evaluate(judged, settings)
                rows["ours"] = {k: report.get(k, 0.0) for k in ("mean_recall", "mean_r_precision",
                                                                 "negatives_max_fraction")}
                rows["ours"]["zero"] = len(report["zero"])
            for name, engine in engines.items():
                rows[name] = evaluate_peer(engine, judged, mapped, len(docs))
    return out


def print_table(results: dict[str, dict[str, dict]], markdown: bool) -> None:
    """One row per set and system: recall, R-precision, zero answers, largest negative share."""
    head = ("set", "system", "recall", "R-precision", "answering nothing", "largest negative")
    rows = [(s, name, f"{m['mean_recall']:.3f}", f"{m['mean_r_precision']:.3f}", str(m["zero"]),
             f"{m['negatives_max_fraction']:.1%}") for s, by in results.items() for name, m in by.items()]
    if markdown:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    for r in (head, *rows):
        print(f"{r[0]:26} {r[1]:12} {r[2]:>7} {r[3]:>12} {r[4]:>18} {r[5]:>17}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True,
                    help="index directory of the real letters to build into or reuse")
    ap.add_argument("--judged", type=Path, action="append",
                    help="a judged set (repeatable; default: the five in tests/fixtures/relevance)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, of {', '.join(SYSTEMS)}")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    systems = [s for s in args.systems.split(",") if s]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        print(f"unknown system {', '.join(unknown)}: use {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2
    if not relevance.SHARED_PDF.is_dir():
        print(f"no {relevance.SHARED_PDF}: the judged sets judge the real letters", file=sys.stderr)
        return 2
    settings = relevance.build_index(args.index, [relevance.SEEDS, relevance.SHARED_PDF])
    files = args.judged or [relevance.FIXTURES / name for name in SETS]
    print_table(compare(settings, files, systems), args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
