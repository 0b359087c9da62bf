"""Peer search engines for scripts/bench.py only: the same item documents and
the same query in three other ways, each answering with (total, facet counts,
highlighted top 10).

    whoosh   plain Whoosh: default writer, groupedby facets, hit.highlights()
    fts5     SQLite FTS5: bm25(), GROUP BY facet counts, snippet()
    tantivy  tantivy-py: terms aggregations, SnippetGenerator (absent: skipped)

A query spec is a dict: {"words": [...], "phrase": bool, "filters": {facet: value}}.
Peers count facets over the filtered hits (ours also counts each facet without
its own selection, which is more work), so peer numbers are a lower bound.
"""
from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Iterable

from indexer.fields import BOOSTS, FACETS, MULTI_VALUED, TEXT_FIELDS
from indexer.index.schema import make_schema



def query_text(spec: dict) -> str:
    """The spec as a query string most engines read: 'a b' (AND) or '"a b"'."""
    words = " ".join(spec["words"])
    return f'"{words}"' if spec["phrase"] else words


def facet_values(doc: dict, facet: str) -> list[str]:
    """A document's values of one facet as strings."""
    raw = doc.get(facet)
    if raw is None or raw == "":
        return []
    if facet in MULTI_VALUED:
        return [v for v in str(raw).split(",") if v]
    return [str(raw)]


# --- ours ---------------------------------------------------------------------

class Ours:
    """Our Searcher, asked the way the web app asks it (literal: no word becomes a filter)."""

    def __init__(self, index_dir: Path):
        from indexer.search.searcher import Searcher
        from indexer.settings import Settings

        self.searcher = Searcher(Settings(index_dir=index_dir), recheck=3600)
        self.searcher.settle()      # as the web app's worker does before its first request

    def query(self, spec: dict) -> tuple[int, dict, list[str]]:
        """(total, facets, highlighted snippets of the top 10)."""
        from indexer.results import SearchRequest

        request = SearchRequest(q=query_text(spec), per_page=10, literal=True,
                                filters={f: [v] for f, v in spec["filters"].items()})
        result = self.searcher.search(request)
        return result.total, result.facets, [s.html for h in result.hits for s in h.snippets]


# --- plain Whoosh -----------------------------------------------------------

def whoosh_build(path: Path, docs: Iterable[dict]) -> None:
    """One default writer, add_document per doc, commit."""
    from whoosh import index

    path.mkdir(parents=True, exist_ok=True)
    writer = index.create_in(str(path), make_schema()).writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()


class WhooshPeer:
    """groupedby over every facet, highlights of the top 10."""

    def __init__(self, path: Path):
        from whoosh import highlight, index, qparser, sorting

        self.ix = index.open_dir(str(path))
        self.searcher = self.ix.searcher()
        self.parser = qparser.MultifieldParser(list(TEXT_FIELDS), self.ix.schema,
                                               group=qparser.AndGroup)
        self.groups = {f: sorting.FieldFacet(f, allow_overlap=f in MULTI_VALUED) for f in FACETS}
        self.formatter = highlight.HtmlFormatter(tagname="mark")

    def query(self, spec: dict) -> tuple[int, dict, list[str]]:
        """(total, {facet: {value: count}}, highlighted top 10)."""
        from whoosh import query as wq
        from whoosh import sorting

        q = self.parser.parse(query_text(spec))
        terms = [wq.NumericRange(f, int(v), int(v)) if f == "year" else wq.Term(f, v)
                 for f, v in spec["filters"].items()]
        results = self.searcher.search(q, limit=10, filter=wq.And(terms) if terms else None,
                                       groupedby=self.groups, maptype=sorting.Count)
        results.formatter = self.formatter
        facets = {f: results.groups(f) for f in FACETS}
        marked = [hit.highlights("rationale", top=3) for hit in results]
        return len(results), facets, marked


# --- SQLite FTS5 ------------------------------------------------------------

def fts5_build(path: Path, docs: Iterable[dict]) -> None:
    """An FTS5 table of the text fields plus a (doc, facet, value) table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE VIRTUAL TABLE fts USING fts5(doc_id UNINDEXED, "
                    + ", ".join(TEXT_FIELDS) + ", tokenize='porter unicode61')")
        con.execute("CREATE TABLE facets (doc INTEGER, facet TEXT, value TEXT)")
        for rowid, doc in enumerate(docs, 1):
            con.execute("INSERT INTO fts (rowid, doc_id, item, rationale, guideline, summary) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (rowid, doc["doc_id"], *(doc.get(f, "") for f in TEXT_FIELDS)))
            con.executemany("INSERT INTO facets VALUES (?, ?, ?)",
                            [(rowid, f, v) for f in FACETS for v in facet_values(doc, f)])
        con.execute("CREATE INDEX facets_doc ON facets(doc)")
        con.execute("CREATE INDEX facets_value ON facets(facet, value, doc)")
    con.close()


def fts5_match(spec: dict) -> str:
    """FTS5 MATCH syntax: quoted words ANDed, or one quoted phrase."""
    words = [w.replace('"', "") for w in spec["words"]]
    return f'"{" ".join(words)}"' if spec["phrase"] else " AND ".join(f'"{w}"' for w in words)


class Fts5Peer:
    """Matches into a temp table, then one GROUP BY for all facets and bm25 top 10."""

    def __init__(self, path: Path):
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.con.execute("PRAGMA temp_store = MEMORY")

    def query(self, spec: dict) -> tuple[int, dict, list[str]]:
        """(total, {facet: {value: count}}, highlighted top 10)."""
        where, args = "fts MATCH ?", [fts5_match(spec)]
        for facet, value in spec["filters"].items():
            # unary + keeps SQLite from driving FTS5 by rowid (one MATCH per facet row: seconds)
            where += " AND +rowid IN (SELECT doc FROM facets WHERE facet = ? AND value = ?)"
            args += [facet, value]
        con = self.con
        con.execute("DROP TABLE IF EXISTS temp.hits")
        con.execute(f"CREATE TEMP TABLE hits AS SELECT rowid AS doc FROM fts WHERE {where}", args)
        total = con.execute("SELECT count(*) FROM hits").fetchone()[0]
        facets: dict[str, dict] = {f: {} for f in FACETS}
        for facet, value, n in con.execute(
                "SELECT facet, value, count(*) FROM facets WHERE doc IN (SELECT doc FROM hits) "
                "GROUP BY facet, value"):
            facets[facet][value] = n
        weights = ", ".join(str(BOOSTS[f]) for f in TEXT_FIELDS)
        rows = con.execute(
            f"SELECT snippet(fts, 2, char(1), char(2), '…', 24) FROM fts WHERE {where} "
            f"ORDER BY bm25(fts, 0.0, {weights}) LIMIT 10", args).fetchall()
        # snippet() does not escape: escape first, then turn the sentinels into <mark>.
        marked = [html.escape(r[0]).replace("\x01", "<mark>").replace("\x02", "</mark>")
                  for r in rows]
        return total, facets, marked


# --- tantivy ----------------------------------------------------------------

def tantivy_available() -> bool:
    """True when the tantivy package (the `bench` extra) is importable."""
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def _tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    for f in TEXT_FIELDS:
        sb.add_text_field(f, stored=f == "rationale", tokenizer_name="en_stem")
    for f in FACETS:
        sb.add_text_field(f, fast=True, tokenizer_name="raw")
    return sb.build()


def tantivy_build(path: Path, docs: Iterable[dict]) -> None:
    """One writer thread (as the Whoosh builds), one commit."""
    import tantivy

    path.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(_tantivy_schema(), path=str(path))
    writer = ix.writer(heap_size=256_000_000, num_threads=1)
    for doc in docs:
        fields = {"doc_id": doc["doc_id"], **{f: doc.get(f, "") for f in TEXT_FIELDS}}
        fields.update({f: facet_values(doc, f) for f in FACETS if facet_values(doc, f)})
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()


class TantivyPeer:
    """Terms aggregations for facets, SnippetGenerator for the top 10."""

    def __init__(self, path: Path):
        import tantivy

        self.t = tantivy
        self.ix = tantivy.Index.open(str(path))
        self.ix.reload()
        self.searcher = self.ix.searcher()
        self.aggs = {f: {"terms": {"field": f, "size": 10000}} for f in FACETS}

    def query(self, spec: dict) -> tuple[int, dict, list[str]]:
        """(total, {facet: {value: count}}, highlighted top 10)."""
        t = self.t
        text = self.ix.parse_query(query_text(spec), list(TEXT_FIELDS), field_boosts=BOOSTS,
                                   ) if spec["phrase"] else self.ix.parse_query(
            " AND ".join(spec["words"]), list(TEXT_FIELDS), field_boosts=BOOSTS)
        schema = self.ix.schema
        must = [(t.Occur.Must, text)] + [(t.Occur.Must, t.Query.term_query(schema, f, v))
                                          for f, v in spec["filters"].items()]
        q = t.Query.boolean_query(must) if spec["filters"] else text
        result = self.searcher.search(q, 10, count=True)
        agg = self.searcher.aggregate(q, self.aggs)
        facets = {f: {b["key"]: b["doc_count"] for b in agg[f]["buckets"]} for f in FACETS}
        snippets = t.SnippetGenerator.create(self.searcher, q, schema, "rationale")
        marked = [snippets.snippet_from_doc(self.searcher.doc(addr)).to_html()
                  for _, addr in result.hits]
        return result.count, facets, marked


PEERS = {"whoosh": (whoosh_build, WhooshPeer), "fts5": (fts5_build, Fts5Peer),
         "tantivy": (tantivy_build, TantivyPeer)}
