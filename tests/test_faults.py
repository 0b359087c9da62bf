"""Faults: killed rebuilds, full disks, bad and vanishing inputs, parser crashes, a Dask cluster."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.index.stores import letterstore, snapshots
from indexer.pipeline import conductor
from indexer.index.check import check_index
from indexer.errors import ImrError
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


# Run in a child: pause (marker file, then sleep) at one stage of a rebuild so the test can SIGKILL it there.
KILLABLE = r"""
import sys, time
from pathlib import Path
import indexer.ingest.parser, whoosh.codec.whoosh3
from indexer.pipeline import conductor
from indexer.index.stores import snapshots
from indexer.settings import Settings

stage, marker, index = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])

def pause():
    marker.write_text("paused")
    time.sleep(600)

def after(calls, fn, n):
    def wrapped(*a, **kw):
        result = fn(*a, **kw)
        calls.append(1)
        if len(calls) == n:
            pause()
        return result
    return wrapped

if stage == "extract":
    indexer.ingest.parser.parse_file = after([], indexer.ingest.parser.parse_file, 2)
elif stage == "write":     # Whoosh's per-document writer: every segment writer starts each document there
    W3 = whoosh.codec.whoosh3.W3PerDocWriter
    W3.start_doc = after([], W3.start_doc, 3)
elif stage == "publish":
    real = snapshots.publish
    snapshots.publish = lambda s, snap: (pause(), real(s, snap))[1]
conductor.rebuild([Path(p) for p in sys.argv[5:]], Settings(index_dir=index, jobs=1))
"""


def _searchable(settings: Settings) -> int:
    from whoosh.query import Every

    with snapshots.open_index(settings).searcher() as searcher:
        return len(searcher.search(Every(), limit=None))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(index_dir=tmp_path / "index", jobs=1)


@pytest.mark.parametrize("stage", ["extract", "write", "publish"])
def test_sigkill_leaves_old_snapshot_current_and_next_rebuild_cleans_up(tmp_path, settings, stage):
    old = conductor.rebuild([sorted(SEEDS.glob("*.txt"))[0]], settings)
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", KILLABLE, "", stage, str(marker),
                              str(settings.index_dir), str(SEEDS)])
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"child never reached the {stage} stage (exit {child.poll()})"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    assert snapshots.current_name(settings) == old.snapshot
    assert _searchable(settings) == old.documents
    assert check_index(settings) == []
    if stage == "write":
        assert list(snapshots.snapshots_dir(settings).glob("*.building"))
    new = conductor.rebuild([SEEDS], settings)       # the lock died with the child
    assert new.letters == 5 and snapshots.current_name(settings) == new.snapshot
    assert not list(snapshots.snapshots_dir(settings).glob("*.building"))


@pytest.mark.parametrize("where", ["whoosh", "letter store", "term store"])
def test_disk_full_fails_cleanly_and_old_index_serves(settings, monkeypatch, where):
    import whoosh.codec.whoosh3

    from indexer.index.stores import termstore

    old = conductor.rebuild([sorted(SEEDS.glob("*.txt"))[0]], settings)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "whoosh":       # Whoosh's per-document writer, which every segment writer drives
        monkeypatch.setattr(whoosh.codec.whoosh3.W3PerDocWriter, "start_doc", full)
    elif where == "term store":
        monkeypatch.setattr(termstore.HotWriter, "close", full)
    else:
        monkeypatch.setattr(letterstore, "merge", full)
    with pytest.raises(ImrError, match="No space left on device.*current index is unchanged"):
        conductor.rebuild([SEEDS], settings)
    assert snapshots.current_name(settings) == old.snapshot
    assert snapshots.published(settings) == [old.snapshot]
    assert not list(snapshots.snapshots_dir(settings).glob("*.building"))
    assert _searchable(settings) == old.documents and check_index(settings) == []
    monkeypatch.undo()
    assert conductor.rebuild([SEEDS], settings).letters == 5


def _encrypted_pdf(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=0))
    pdf.drawString(72, 720, "Independent Medical Review Final Determination Letter")
    pdf.save()


def _plain_pdf(path: Path) -> bytes:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for n in range(40):
        pdf.drawString(72, 720 - 15 * (n % 40), f"line {n} of a document that is long enough")
    pdf.save()
    return path.read_bytes()


def test_bad_inputs_each_get_one_line_and_never_stop_the_rebuild(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    whole = _plain_pdf(tmp_path / "whole.pdf")
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    (folder / "not-really.pdf").write_bytes(b"Hello, this is a plain text file.\n" * 50)
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "page.html").write_text("<html><body><h1>Cookie recipes</h1><p>Flour, sugar.</p></body></html>")
    _encrypted_pdf(folder / "locked.pdf")
    bad = ["binary.txt", "empty.pdf", "locked.pdf", "not-really.pdf", "page.html", "truncated.pdf"]
    if os.geteuid() != 0:         # root reads anything, so chmod 000 proves nothing there
        (folder / "unreadable.txt").write_text("x")
        (folder / "unreadable.txt").chmod(0)
        bad.append("unreadable.txt")
    report = conductor.rebuild([folder], settings)
    assert report.letters == 1 and report.exit_code == 3
    assert sorted(Path(p).name for p, _ in report.skipped) == sorted(bad)
    assert all(reason and "\n" not in reason for _, reason in report.skipped)


def test_file_vanishing_after_listing_is_skipped_not_cached(tmp_path, settings, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for seed in seeds[:2]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    doomed = folder / seeds[1].name
    real_list = conductor.list_sources

    def list_then_delete(paths, max_bytes=None, hashes=None):
        found = real_list(paths, max_bytes, hashes)
        doomed.unlink()
        return found

    monkeypatch.setattr(conductor, "list_sources", list_then_delete)
    report = conductor.rebuild([folder], settings)
    assert report.letters == 1 and [Path(p).name for p, _ in report.skipped] == [doomed.name]
    monkeypatch.undo()
    doomed.write_bytes(seeds[1].read_bytes())
    assert conductor.rebuild([folder], settings).letters == 2


def test_parser_crash_is_a_skip_not_a_failed_rebuild(settings, monkeypatch):
    import indexer.ingest.parser

    real = indexer.ingest.parser.parse_file

    def flaky(path, settings=None):
        if path.name.startswith("002"):
            raise RuntimeError("boom")
        return real(path, settings)

    monkeypatch.setattr(indexer.ingest.parser, "parse_file", flaky)
    report = conductor.rebuild([SEEDS], settings)
    assert report.letters == 4
    assert [r for _, r in report.skipped] == ["parser failed: RuntimeError: boom"]


def test_no_letters_at_all_publishes_nothing(tmp_path, settings):
    (tmp_path / "in").mkdir()
    with pytest.raises(ImrError, match="no letters found"):
        conductor.rebuild([tmp_path / "in", tmp_path / "typo"], settings)
    assert snapshots.current_name(settings) is None


@pytest.mark.slow
@pytest.mark.cluster
def test_dask_cluster_gives_the_same_records_as_local_processes(tmp_path, synthetic_letters):
    from distributed import LocalCluster

    sources = [SEEDS, synthetic_letters]
    local = Settings(index_dir=tmp_path / "local", jobs=2)
    conductor.rebuild(sources, local)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      local_directory=str(tmp_path / "dask"), dashboard_address=":0") as cluster:
        remote = Settings(index_dir=tmp_path / "remote", scheduler=cluster.scheduler_address)
        report = conductor.rebuild(sources, remote)
    assert report.parsed == report.letters + len(report.skipped)
    local_records, remote_records = (letterstore.read_all(snapshots.current(s)) for s in (local, remote))
    assert len(local_records) == report.letters > 0
    assert local_records == remote_records


def test_worker_crash_costs_only_that_file(settings, monkeypatch):
    import indexer.ingest.parser

    real = indexer.ingest.parser.parse_file

    def crashing(path, settings=None):
        if path.name.startswith("003"):
            import faulthandler
            faulthandler.disable()       # pytest's handler would print a "Fatal Python error" dump
            os.kill(os.getpid(), signal.SIGSEGV)     # what a C library bug does
        return real(path, settings)

    monkeypatch.setattr(indexer.ingest.parser, "parse_file", crashing)
    report = conductor.rebuild([SEEDS], settings.with_(jobs=2))
    assert report.letters == 4
    assert [(Path(p).name[:3], r) for p, r in report.skipped] == \
        [("003", "extraction crashed the worker process (damaged file?)")]
