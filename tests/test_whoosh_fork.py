"""The Whoosh distribution we pin (whoosh3) must keep the two fixes we chose it for.

whoosh 2.7.4 and whoosh-reloaded 2.7.5 both fail these (see docs/development.md, Dependencies and choices).
"""
from __future__ import annotations

import subprocess
import sys

from whoosh import index, query
from whoosh.fields import ID, NUMERIC, Schema
from whoosh.writing import BufferedWriter


def test_open_lower_bound_range_on_unsigned_field(tmp_path):
    ix = index.create_in(tmp_path, Schema(id=ID(stored=True), n=NUMERIC(int, signed=False, sortable=True)))
    with ix.writer() as w:
        for i, n in enumerate([20160101, 20170101, 20180101]):
            w.add_document(id=str(i), n=n)
    with ix.searcher() as s:
        assert len(s.search(query.NumericRange("n", None, 20165000), limit=None)) == 1


def test_buffered_writer_keeps_sortable_column_values(tmp_path):
    ix = index.create_in(tmp_path, Schema(id=ID(stored=True), n=NUMERIC(int, sortable=True)))
    bw = BufferedWriter(ix, period=None, limit=100)
    for i in range(3):
        bw.add_document(id=str(i), n=i + 10)
    bw.close()
    with ix.searcher() as s:
        col = s.reader().column_reader("n")
        assert [col[i] for i in range(s.doc_count_all())] == [10, 11, 12]


def test_imports_with_warnings_as_errors():
    code = "import whoosh.index, whoosh.qparser, whoosh.highlight, whoosh.analysis, whoosh.sorting"
    subprocess.run([sys.executable, "-B", "-W", "error", "-c", code], check=True)
