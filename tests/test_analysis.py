"""indexer.index.analysis and indexer.index.writing: the fast write path gives exactly the index Whoosh writes."""
from __future__ import annotations

from pathlib import Path
import multiprocessing
import os
import pickle
import re
import signal

import pytest
from whoosh import index
from whoosh.analysis import StemmingAnalyzer

from indexer.index import analysis, batchwriter, build, parts, pool, wordtable, writing
from indexer.index.stores import termstore
from indexer.vocabulary import Vocabulary
from indexer.pipeline import conductor
from indexer.index.values.documents import item_documents
from indexer.errors import IndexDamaged
from indexer.fields import TEXT_FIELDS
from indexer.index.schema import make_schema
from indexer.settings import Settings
from indexer.synth import LAYOUTS, write_letter

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

EDGE = ("Ça va? NAÏVE café e.g. U.S.A. 3.5mg x*y foo_bar I a an it's 2nd -- MTUS/ACOEM "
        "Norco 10/325mg #60; CM16-0213037 ... re-evaluation   \n\n (NSAIDs) and/or")

def _texts(tmp_path) -> list[str]:
    texts = [EDGE, "", "   ", "the", "The knee and the knee", "a " * 40 + "knee"]
    texts += [p.read_text(errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
    (tmp_path / "expected").mkdir()
    texts += [write_letter(3, i, LAYOUTS[i % len(LAYOUTS)], "txt", tmp_path).read_text()
              for i in range(10)]
    return texts


def test_plain_words_are_whooshs_stemming_analysis(tmp_path):
    """Without hyphens or slashes, the words are exactly StemmingAnalyzer's (regex, stops, stems),
    with a dose's bare number after it ('3.5mg' is '3.5' too)."""
    analyzer = StemmingAnalyzer()
    total = 0
    for text in _texts(tmp_path):
        plain = re.sub(r"[-/]", " ", text)
        want = [(t.startchar, t.endchar, t.text) for t in analyzer(plain, chars=True)]
        got = list(analysis.tokens(plain))
        bare = [i for i, t in enumerate(got) if i and got[i - 1][:2] == t[:2]
                and analysis.bare_dose(got[i - 1][2]) == t[2]]
        assert ("3.5" in [got[i][2] for i in bare]) == ("3.5mg" in plain)
        assert [t for i, t in enumerate(got) if i not in bare] == want
        total += len(want)
    assert total > 5000


@pytest.mark.parametrize("text, index, query", [
    ("X-ray of the knee", ["rai", "xrai", "knee"], ["xrai", "knee"]),
    ("L5-S1 fusion", ["l5", "s1", "l5s1", "fusion"], ["l5s1", "fusion"]),
    ("EMG/NCV", ["emg", "ncv", "emgncv"], ["emg", "ncv"]),
    ("Norco 10/325mg", ["norco", "10", "325mg", "325", "10325mg", "10325"], ["norco", "10", "325mg"]),
    ("Percocet 5/325 mg", ["percocet", "325", "5325", "mg"], ["percocet", "5325", "mg"]),
    ("Ultram 50mg", ["ultram", "50mg", "50"], ["ultram", "50mg"]),
    ("Post-op", ["post", "op", "postop"], ["post", "op"]),
    ("and/or", ["andor"], ["andor"]),
    ("L4-5", ["l4", "l4l5"], ["l4l5"]),
    ("L4-L5 fusion", ["l4", "l5", "l4l5", "fusion"], ["l4l5", "fusion"]),
])
def test_compounds_are_indexed_whole_and_by_parts(text, index, query):
    assert [w for _, _, w in analysis.tokens(text)] == index
    assert [w for _, _, w, _ in analysis.words(text, "query")] == query


def test_compound_positions_let_phrases_run_on():
    pos = analysis.positions("lumbar L5-S1 fusion; x-ray of the knee")
    assert pos["lumbar"] == [0] and pos["l5"] == [1] and pos["s1"] == pos["l5s1"] == [2]
    assert pos["fusion"] == [3] and pos["rai"] == pos["xrai"] == [4] and pos["knee"] == [5]


def test_whoosh_analyzer_gives_the_same_words(tmp_path):
    analyzer = analysis.DomainAnalyzer()
    for text in _texts(tmp_path)[:12]:
        got = [(t.startchar, t.endchar, t.text, t.pos) for t in analyzer(text, chars=True, positions=True)]
        assert got == list(analysis.words(text))


def test_postings_equal_whoosh_field_index(tmp_path):
    """Same terms, frequencies, weights (field boosts included) and position bytes, in order."""
    schema, texts = make_schema(), _texts(tmp_path)
    for name in TEXT_FIELDS:
        field = schema[name]
        for text in texts:
            assert analysis.postings(text, field.format.field_boost) == list(field.index(text)), name


def test_stop_words_do_not_count_as_positions():
    assert analysis.positions("the a knee and the knee pain") == {"knee": [0, 1], "pain": [2]}


def test_fast_path_is_scoped_and_never_pickled():
    schema = make_schema()
    with writing.fast_text_index(schema) as patched:
        assert patched == len(TEXT_FIELDS)
        assert "index" in vars(schema["rationale"])
    assert all("index" not in vars(f) for _, f in schema.items())
    assert b"_fast_index" not in pickle.dumps(schema)


def _records(tmp_path) -> list[dict]:
    folder = tmp_path / "letters"
    (folder / "expected").mkdir(parents=True)
    paths = sorted(SEEDS.glob("*.txt")) + [write_letter(5, i, LAYOUTS[i % len(LAYOUTS)], "txt", folder)
                                            for i in range(30)]
    return [r for r in (conductor.parse_one(str(p), None, Settings()).record for p in paths) if r]


def _whoosh_segment(folder, docs) -> None:
    """The reference: Whoosh's own analysis, one writer."""
    ix = index.create_in(str(folder), make_schema())
    with ix.writer(procs=1) as writer:
        for doc in docs:
            writer.add_document(**doc)


def _everything(folder) -> tuple:
    """Every term's postings (docnums, weights, positions), stored fields and field lengths."""
    with index.open_dir(str(folder)).reader() as reader:
        postings = {}
        for field, term in reader.all_terms():
            postings[field, term] = list(_walk(reader.postings(field, term)))
        lengths = [[reader.doc_field_length(d, f) for f in TEXT_FIELDS] for d in reader.all_doc_ids()]
        return postings, list(reader.iter_docs()), lengths, reader.doc_count()


def _walk(matcher):
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


def _hot_store(folder):
    """A segment's term store as {(field, term): (docs, weights, positions' docs, positions)}."""
    store = termstore.TermStore(next(Path(folder).glob("*.hot")))
    return {(f, t): tuple(a.tolist() for a in (*store.postings(f, bytes.fromhex(t)),
                                                *store.positions(f, bytes.fromhex(t))))
            for f, terms in store.terms.items() for t in terms}


# all in memory; spilled to run files after every few documents, read back a few terms at a time
@pytest.mark.parametrize("pool_mb,batch_docs,window_rows", [(256, 512, 1 << 18), (0.01, 7, 50)])
@pytest.mark.slow
def test_index_built_fast_equals_index_built_by_whoosh(tmp_path, monkeypatch, pool_mb, batch_docs, window_rows):
    monkeypatch.setattr(pool, "POOL_LIMIT_MB", pool_mb)
    monkeypatch.setattr(pool, "WINDOW_ROWS", window_rows)
    monkeypatch.setattr(batchwriter, "BATCH_DOCS", batch_docs)
    monkeypatch.setattr(termstore, "HOT_MIN_DF", 3)       # the small index has frequent terms too
    spills = []
    spill = pool.PostingPool._spill
    monkeypatch.setattr(pool.PostingPool, "_spill", lambda p: spills.append(1) or spill(p))
    records = _records(tmp_path)
    vocab = Vocabulary.load()       # what write_whoosh tags items with (nothing mined here)
    docs = [d for r in records for d in item_documents(r, vocab)]
    assert len(docs) > len(records) >= 30     # letters with several items: the summary is reused
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    fast.mkdir(), slow.mkdir()
    build.write_whoosh(fast, records)
    _whoosh_segment(slow, docs)
    got, want = _everything(fast), _everything(slow)
    assert len(got[0]) > 1000
    assert got == want
    assert _segment_files(fast) == _segment_files(slow)     # byte for byte: postings, terms, columns
    termstore.write_all(slow, min_df=3)
    assert len(_hot_store(fast)) > 100
    assert _hot_store(fast) == _hot_store(slow)
    assert (len(spills) >= 3) == (pool_mb < 1)


def _segment_files(folder) -> dict[str, bytes]:
    """The files inside a folder's one compound segment, by extension."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    seg = next(Path(folder).glob("*.seg"))
    inner = CompoundStorage(FileStorage(str(folder)).open_file(seg.name), use_mmap=False)
    try:
        files = {}
        for name in inner.list():
            f = inner.open_file(name)
            files[name.split(".", 1)[1]] = f.read()
            f.close()
        return files
    finally:
        inner.close()


def test_many_texts_analysed_at_once_give_each_ones_positions(tmp_path):
    texts = _texts(tmp_path)
    table = wordtable.WordTable()
    for start in (0, 3):
        batch = texts[start:] + texts[:start]
        unit, stem, count, pos = table.analyse_many(batch)
        got: list[dict] = [{} for _ in batch]
        at = 0
        for u, s, c in zip(unit.tolist(), stem.tolist(), count.tolist()):
            got[u][table.stems[s]] = pos[at:at + c].tolist()
            at += c
        assert got == [analysis.positions(text) for text in batch]


def test_positions_encoded_at_once_are_whooshs_bytes():
    lists = [[0], [255], [256], [65535], [65536], [2 ** 31 - 1], [0, 5], [1, 2, 3], [3, 300, 70000],
             list(range(1000)), list(range(1001)), list(range(0, 6003, 3))]
    counts = [len(p) for p in lists]
    flat = [p for positions in lists for p in positions]
    assert wordtable.encode_many(counts, flat) == [analysis._encode(p) for p in lists]


def test_forked_writer_failure_is_raised_and_nothing_is_left_running(tmp_path, monkeypatch):
    records = _records(tmp_path)
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)

    def disk_full(snapshot, k, chunk, load=None, tick=None):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(parts, "write_part", disk_full)
    (tmp_path / "a").mkdir()
    with pytest.raises(OSError, match="No space left"):
        build.write_whoosh(tmp_path / "a", records, jobs=2)

    def killed(snapshot, k, chunk, load=None, tick=None):
        os.kill(os.getpid(), signal.SIGKILL)     # what the out-of-memory killer does
    monkeypatch.setattr(parts, "write_part", killed)
    (tmp_path / "b").mkdir()
    with pytest.raises(IndexDamaged, match="exit code -9.*fewer --jobs"):
        build.write_whoosh(tmp_path / "b", records, jobs=2)
    assert not multiprocessing.active_children()


def test_pool_refuses_postings_out_of_docnum_order(tmp_path):
    pool = writing.TermPool(tmp_path, limit_mb=1)
    pool.add(("item", b"knee", 3, 1.0, b"x"))
    pool.add(("item", b"hip", 1, 1.0, b"x"))       # another term may start lower
    with pytest.raises(ValueError, match="docnum order"):
        pool.add(("item", b"knee", 2, 1.0, b"x"))


def test_pool_spills_and_merges_back_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(writing, "MAX_RUNS", 4)
    pool = writing.TermPool(tmp_path, limit_mb=0)        # spills after every posting
    postings = [("f", t, d, float(d), bytes([d])) for d in range(5) for t in (b"b", b"a", b"c")]
    for p in postings:
        pool.add(p)
    assert 1 <= len(list(tmp_path.glob("pool-*.terms"))) < 4     # runs merged as they pile up
    assert list(pool.iter_postings()) == sorted(postings)
    pool.cleanup()
    assert not list(tmp_path.glob("pool-*"))


def test_real_letters_built_fast_equal_whooshs_plain_build(real_records, tmp_path, monkeypatch):
    """The real letters, document for document: the batch writer's segment (with its term store)
    against Whoosh's own writer analysing each field through the schema."""
    monkeypatch.setattr(termstore, "HOT_MIN_DF", 8)
    records, vocab = real_records(), Vocabulary.load()
    docs = [d for r in records for d in item_documents(r, vocab)]
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    fast.mkdir(), slow.mkdir()
    build.write_whoosh(fast, records)
    _whoosh_segment(slow, docs)
    assert len(docs) > 150
    assert _everything(fast) == _everything(slow)
    assert _segment_files(fast) == _segment_files(slow)
    termstore.write_all(slow, min_df=8)
    assert len(_hot_store(fast)) > 100
    assert _hot_store(fast) == _hot_store(slow)
