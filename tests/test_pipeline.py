"""The rebuild/add pipeline over real letters: records, cache, incremental add, duplicates."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.index import build
from indexer.index.stores import letterstore, snapshots
from indexer.ingest import cache
from indexer.pipeline import conductor
from indexer.index.values.documents import age_band, date_int, document_count, item_documents
from indexer.settings import Settings
from indexer.ingest.sources import list_sources

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _settings(tmp_path: Path, **kw) -> Settings:
    return Settings(index_dir=tmp_path / "index", jobs=kw.pop("jobs", 1), **kw)


def _records(settings: Settings) -> list[dict]:
    return letterstore.read_all(snapshots.current(settings))


def _doc_ids(settings: Settings) -> list[str]:
    with snapshots.open_index(settings).searcher() as searcher:
        return [stored["doc_id"] for _, stored in searcher.reader().iter_docs()]


@pytest.fixture
def parse_calls(monkeypatch, tmp_path) -> "Calls":
    """Count real extract+parse calls; they run in worker processes, so each is told in a file."""
    import indexer.ingest.parser

    calls = Calls(tmp_path / "parse-calls")
    real = indexer.ingest.parser.parse_file

    def counting(path, settings=None):
        with open(calls.file, "a") as fh:
            fh.write(f"{path}\n")
        return real(path, settings)

    monkeypatch.setattr(indexer.ingest.parser, "parse_file", counting)
    return calls


class Calls:
    """The paths parse_file was called with, as a list, read from the file the workers append to."""

    def __init__(self, file: Path):
        self.file = file

    def _read(self) -> list[str]:
        return self.file.read_text().splitlines() if self.file.exists() else []

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)

    def __len__(self) -> int:
        return len(self._read())

    def __iter__(self):
        return iter(self._read())

    def __eq__(self, other: object) -> bool:
        return self._read() == other


def test_rebuild_from_seeds_indexes_every_letter_and_item(tmp_path):
    settings = _settings(tmp_path)
    report = conductor.rebuild([SEEDS], settings)
    records = _records(settings)
    assert report.letters == len(records) == 5
    assert report.skipped == [] and report.exit_code == 0
    assert report.items == sum(len(r["items"]) for r in records)
    assert report.documents == sum(document_count(r) for r in records)
    assert sorted(_doc_ids(settings)) == sorted(d["doc_id"] for r in records for d in item_documents(r))
    assert report.snapshot == snapshots.current(settings).name
    assert (tmp_path / "index" / "CURRENT").read_text().strip() == report.snapshot


def test_summary_lives_only_in_letter_store_but_is_searchable(built_index):
    from whoosh.qparser import QueryParser

    settings = built_index
    record = next(r for r in _records(settings) if r["items"])
    word = max(record["summary"].split(), key=len).strip(".,;:()").lower()
    ix = snapshots.open_index(settings)
    with ix.searcher() as searcher:
        hits = searcher.search(QueryParser("summary", ix.schema).parse(word), limit=None)
        assert record["id"] in {h["letter_id"] for h in hits}
        assert all("summary" not in h for h in hits)


def test_no_change_rebuild_reextracts_nothing(tmp_path, parse_calls):
    settings = _settings(tmp_path)
    first = conductor.rebuild([SEEDS], settings)
    assert len(parse_calls) == 5 and first.parsed == 5
    parse_calls.clear()
    second = conductor.rebuild([SEEDS], settings)
    assert parse_calls == []
    assert (second.parsed, second.cached, second.letters) == (0, 5, 5)
    assert second.kept and second.snapshot == first.snapshot
    forced = conductor.rebuild([SEEDS], settings, force=True)
    assert parse_calls == [] and forced.snapshot != first.snapshot and forced.cached == 5


def test_parser_version_or_engine_change_reparses(tmp_path, parse_calls, monkeypatch):
    settings = _settings(tmp_path)
    conductor.rebuild([SEEDS], settings)
    parse_calls.clear()
    monkeypatch.setattr(cache, "PARSER_VERSION", "999-test")
    assert conductor.rebuild([SEEDS], settings).parsed == 5
    assert len(parse_calls) == 5
    parse_calls.clear()
    assert conductor.rebuild([SEEDS], settings.with_(pdf_engine="pdfplumber")).parsed == 5


def test_failures_are_cached_too(tmp_path, parse_calls):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("Shopping list: eggs, milk, bread.\n" * 20)
    shutil.copy(next(SEEDS.glob("*.txt")), folder / "letter.txt")
    settings = _settings(tmp_path)
    first = conductor.rebuild([folder], settings)
    assert [p for p, _ in first.skipped] == [str(folder / "notes.txt")] and first.exit_code == 3
    parse_calls.clear()
    second = conductor.rebuild([folder], settings)
    assert parse_calls == [] and second.skipped == first.skipped


def test_same_letter_twice_is_kept_once(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    seed = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(seed, folder / "a.txt")
    shutil.copy(seed, folder / "sub" / "B.TXT")
    report = conductor.rebuild([folder], _settings(tmp_path))
    assert report.letters == 1 and report.duplicates == 1
    assert report.skipped == [(str(folder / "sub" / "B.TXT"), f"duplicate of {folder / 'a.txt'}")]


def test_add_skips_known_replaces_changed_never_duplicates(tmp_path, seeds_copy, parse_calls):
    settings = _settings(tmp_path)
    files = sorted(seeds_copy.glob("*.txt"))
    conductor.rebuild(files[:3], settings)
    parse_calls.clear()
    report = conductor.add([seeds_copy], settings)
    assert (report.added, report.replaced, report.unchanged, report.letters) == (2, 0, 3, 5)
    assert sorted(parse_calls) == sorted(map(str, files[3:]))
    changed = files[0]
    changed.write_text(changed.read_text() + "\nAddendum: reviewed again.\n")
    report = conductor.add([seeds_copy], settings)
    assert (report.added, report.replaced, report.unchanged, report.letters) == (0, 1, 4, 5)
    ids = _doc_ids(settings)
    assert len(ids) == len(set(ids))
    by_source = {r["source"]: r for r in _records(settings)}
    assert "Addendum" in by_source[str(changed)]["summary"] or by_source[str(changed)]["content_hash"]


def test_add_with_nothing_new_keeps_the_current_snapshot(tmp_path, parse_calls):
    settings = _settings(tmp_path)
    first = conductor.rebuild([SEEDS], settings)
    parse_calls.clear()
    again = conductor.add([SEEDS], settings)
    assert (again.snapshot, again.unchanged, again.added, again.documents) == \
        (first.snapshot, 5, 0, first.documents)
    assert parse_calls == [] and snapshots.published(settings) == [first.snapshot]


def test_add_to_empty_index_builds_first_snapshot(tmp_path):
    settings = _settings(tmp_path)
    report = conductor.add([SEEDS], settings)
    assert report.letters == 5 and report.added == 5
    assert snapshots.current(settings).name == report.snapshot


@pytest.mark.slow
def test_parallel_jobs_give_the_same_records(tmp_path, synthetic_letters):
    one = _settings(tmp_path / "one")
    two = _settings(tmp_path / "two", jobs=2)
    sources = [SEEDS, synthetic_letters]
    conductor.rebuild(sources, one)
    conductor.rebuild(sources, two)
    strip = lambda rs: sorted((dict(r, source=None) for r in rs), key=lambda r: r["id"])  # noqa: E731
    assert strip(_records(one)) == strip(_records(two))


def test_rebuild_real_pdfs_matches_expected_parses(real_index, shared_letters):
    import json

    records = {r["id"]: r for r in _records(real_index)}
    assert len(records) == len(list_sources([SEEDS, shared_letters / "pdf"]))
    expected = sorted((shared_letters / "expected").glob("CM*.json"))
    assert expected
    for path in expected:
        want = json.loads(path.read_text())
        got = records[want["case_number"]]
        assert [(i["item"], i["decision"]) for i in got["items"]] == \
            [(i["item"], i["decision"]) for i in want["items"]], path.name
    assert check_index_ok(real_index)


def check_index_ok(settings: Settings) -> bool:
    from indexer.index.check import check_index

    return check_index(settings) == []


def test_item_documents_shape():
    record = {"id": "CM16-0000001", "case_number": "CM16-0000001", "decision_date": "2016-12-09",
              "date_of_injury": "2015-01-02", "application_received": None, "patient_age": 61,
              "patient_gender": "female", "specialties": ["Orthopedic Surgery", "Pain, Medicine"],
              "license_states": ["California"], "summary": "A summary.", "priority": "Standard",
              "items": [{"item": "MRI of the lumbar spine", "decision": "Upheld",
                         "claims_administrator_guideline": "MTUS", "maximus_guideline": "ODG Low Back",
                         "rationale": "Not necessary."}]}
    (doc,) = item_documents(record)
    assert doc["doc_id"] == "CM16-0000001#1" and doc["item_no"] == 1
    assert (doc["decided"], doc["year"], doc["injured"]) == (20161209, 2016, 20150102)
    assert "applied" not in doc
    # A comma inside a printed value never splits it; the facet has its canonical spelling.
    assert doc["age_band"] == "60+" and doc["specialty"] == "Orthopedic Surgery,Pain Medicine"
    assert item_documents(dict(record, specialties=["Foo, Bar"]))[0]["specialty"] == "Foo  Bar"
    # a citation is searched under its source's other names too (ODG's long name)
    assert doc["guideline"] == "MTUS\nODG Low Back\nOfficial Disability Guidelines"
    partial = item_documents(dict(record, items=[]))
    assert [(d["doc_id"], d["item_no"], d["item"], "decision" in d) for d in partial] == \
        [("CM16-0000001#0", 0, "", False)]
    assert [age_band(a) for a in (None, 17, 18, 29, 30, 59, 60)] == \
        [None, "<18", "18-29", "18-29", "30-39", "50-59", "60+"]
    assert date_int("2016-1") is None


def test_list_sources_recurses_and_filters(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.PDF", "a/b/y.htm", "a/b/z.Html", "a/w.txt", "a/skip.doc", "a/.hidden.txt"):
        (tmp_path / name).write_bytes(b"data " + name.encode())
    found = list_sources([tmp_path / "a", tmp_path / "missing"])
    names = [s.path.name for s in found]
    assert names == ["w.txt", "x.PDF", "y.htm", "z.Html", "missing"]
    assert found[-1].error == "no such file or directory"
    assert all(len(s.content_hash) == 64 for s in found[:-1])


@pytest.mark.parametrize("incremental", [True, False])
def test_add_incremental_and_full_rewrite_agree(tmp_path, seeds_copy, incremental):
    from indexer.index.check import check_index

    settings = _settings(tmp_path)
    files = sorted(seeds_copy.glob("*.txt"))
    conductor.rebuild(files[:4], settings)
    files[1].write_text(files[1].read_text() + "\nAddendum.\n")
    report = conductor.add([seeds_copy], settings, incremental=incremental)
    assert (report.added, report.replaced, report.letters) == (1, 1, 5)
    records = _records(settings)
    expected = sorted(d["doc_id"] for r in records for d in item_documents(r))
    assert sorted(_doc_ids(settings)) == expected
    assert check_index(settings) == []
    fresh = _settings(tmp_path / "fresh")
    conductor.rebuild([seeds_copy], fresh)
    assert sorted(_doc_ids(fresh)) == expected
    assert snapshots.published(settings)[0] != report.snapshot
    _assert_facets_follow_docnums(settings)
    extra = tmp_path / "extra"
    extra.mkdir()
    text = (SEEDS / "001_3c5fa3563d311aff.txt").read_text()
    for n in (1, 2):
        (extra / f"new{n}.txt").write_text(text.replace("CM14-0046246", f"CM14-999999{n}"))
    more = conductor.add([extra], settings, incremental=incremental)   # additions only
    assert (more.added, more.replaced, more.letters) == (2, 0, 7) and check_index(settings) == []
    _assert_facets_follow_docnums(settings)
    _assert_one_term_store_per_segment(settings)


def _assert_one_term_store_per_segment(settings: Settings) -> None:
    """Every segment has its .hot term store; none is left from a merged-away segment."""
    from indexer.index.stores import termstore

    snapshot = snapshots.current(settings)
    with snapshots.open_index(settings).reader() as reader:
        segments = {termstore.segment_id(leaf) for leaf, _ in reader.leaf_readers()}
    assert {p.stem for p in snapshot.glob("*.hot")} == segments


def _assert_facets_follow_docnums(settings: Settings) -> None:
    """The facet arrays' rows are in docnum order (the facet counts depend on it)."""
    from indexer.index.stores import facetdata

    arrays = facetdata.read_arrays(snapshots.current(settings))
    overturned, decided = list(arrays["overturned"]), list(arrays["decided"])
    with snapshots.open_index(settings).searcher() as searcher:
        stored = [s for _, s in searcher.reader().iter_docs()]
    assert overturned == [s.get("decision") == "Overturned" for s in stored]
    assert decided == [s.get("decided") or 0 for s in stored]


def test_parallel_segment_build_keeps_every_document_in_order(tmp_path, monkeypatch):
    """jobs>1 writes one segment per process; docnums must still follow the records."""
    from whoosh import index

    from indexer.index.stores import termstore

    records = [r for r in (conductor.parse_one(str(p), None, Settings()).record
                           for p in sorted(SEEDS.glob("*.txt"))) if r]
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    assert build.write_snapshot(one, records, jobs=1) == build.write_snapshot(two, records, jobs=2)
    with index.open_dir(str(one)).reader() as r1, index.open_dir(str(two)).reader() as r2:
        assert len(r2.leaf_readers()) == 2          # really two segments
        assert list(r1.iter_docs()) == list(r2.iter_docs())
        assert list(r1.all_terms()) == list(r2.all_terms())
        segments = {termstore.segment_id(leaf) for leaf, _ in r2.leaf_readers()}
    assert {p.stem for p in two.glob("*.hot")} == segments    # each process wrote its own
    assert not list(two.glob("part-*")) and not list(two.glob("*.tmp"))


def test_rebuild_and_add_tell_indexing_progress_of_the_documents_they_write(tmp_path):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    letters = tmp_path / "letters"
    letters.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    shutil.copy(seeds[0], letters)
    told = []
    report = conductor.rebuild([letters], settings, indexing=lambda *a: told.append(a))
    assert told[-1] == (report.documents, report.documents)
    shutil.copy(seeds[1], letters)
    told.clear()
    before = report.documents
    report = conductor.add([letters], settings, indexing=lambda *a: told.append(a))
    assert told == [(report.documents - before, report.documents - before)]     # the new letter's only


def test_rebuild_writes_parts_of_at_most_part_docs_documents(tmp_path, monkeypatch):
    from whoosh import index

    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)
    settings = Settings(index_dir=tmp_path / "index", jobs=2, part_docs=2)
    report = conductor.rebuild([SEEDS], settings)
    with index.open_dir(str(snapshots.current(settings))).reader() as reader:
        sizes = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
    assert sum(sizes) == report.documents and len(sizes) == -(-report.documents // 2) > 2


def test_no_change_rebuild_keeps_the_snapshot_and_its_report(tmp_path, parse_calls):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    letters = tmp_path / "letters"
    shutil.copytree(SEEDS, letters)
    (letters / "junk.pdf").write_bytes(b"junk")
    first = conductor.rebuild([letters], settings)
    calls = len(parse_calls)
    again = conductor.rebuild([letters], settings)
    assert again.kept and again.snapshot == first.snapshot and len(parse_calls) == calls
    assert (again.letters, again.items, again.skipped, again.exit_code) == \
        (first.letters, first.items, first.skipped, 3)
    (letters / "junk.pdf").unlink()                # any change builds a new snapshot
    third = conductor.rebuild([letters], settings)
    assert not third.kept and third.snapshot != first.snapshot and third.skipped == []


@pytest.fixture
def written(monkeypatch) -> list[dict]:
    """The letters each build.write_snapshot was given, in order."""
    seen: list[dict] = []
    real = build.write_snapshot

    def spy(building, letters, *args, **kwargs):
        seen.extend(letters)
        return real(building, letters, *args, **kwargs)
    monkeypatch.setattr(build, "write_snapshot", spy)
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 1)    # two writers even for the seeds
    return seen


def test_a_whole_rebuild_keeps_references_and_the_writers_load_the_records(tmp_path, monkeypatch, written):
    from indexer.ingest import refs

    settings = Settings(index_dir=tmp_path / "index", jobs=2)
    conductor.rebuild([SEEDS], settings)
    assert len(written) == 5 and all(refs.is_reference(letter) for letter in written)
    assert all(letter.get("items") is None and letter.get("summary") is None for letter in written)
    # A cache that keeps nothing (full, read-only): the records stay whole, the index is the same.
    monkeypatch.setattr(cache, "store", lambda *args, **kwargs: None)
    written.clear()
    whole = Settings(index_dir=tmp_path / "whole", jobs=2)
    conductor.rebuild([SEEDS], whole)
    assert len(written) == 5 and not any(refs.is_reference(letter) for letter in written)
    assert letterstore.read_all(snapshots.current(whole)) == letterstore.read_all(snapshots.current(settings))
    with snapshots.open_index(whole).reader() as a, snapshots.open_index(settings).reader() as b:
        assert list(a.iter_docs()) == list(b.iter_docs()) and list(a.all_terms()) == list(b.all_terms())


def test_a_record_gone_from_the_cache_before_the_writers_publishes_nothing(tmp_path, monkeypatch):
    from indexer.errors import IndexDamaged

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    real = build.write_snapshot

    def cache_emptied(building, letters, *args, **kwargs):
        shutil.rmtree(settings.record_cache / letters[0]["content_hash"][:2])
        return real(building, letters, *args, **kwargs)
    monkeypatch.setattr(build, "write_snapshot", cache_emptied)
    with pytest.raises(IndexDamaged, match="no longer in the record cache.*run the rebuild again"):
        conductor.rebuild([SEEDS], settings)
    assert snapshots.current_name(settings) is None
    assert not list(snapshots.snapshots_dir(settings).glob("*.building"))
    monkeypatch.undo()
    assert conductor.rebuild([SEEDS], settings).letters == 5
