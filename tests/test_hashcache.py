"""indexer.ingest.hashcache: a no-change rebuild reads no file, yet a changed file is always seen."""
from __future__ import annotations

from pathlib import Path
import os
import shutil
import time

import pytest

from indexer.ingest import hashcache, sources
from indexer.pipeline import conductor
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """Paths whose bytes were read to hash them."""
    calls: list[str] = []
    real = sources.file_hash

    def counting(path):
        calls.append(str(path))
        return real(path)

    monkeypatch.setattr(sources, "file_hash", counting)
    return calls


@pytest.fixture
def old_enough(monkeypatch) -> None:
    """Trust stamps at once (the suite's files are seconds old, inside the racy window)."""
    monkeypatch.setattr(hashcache, "RACY_NS", -1)


def _letters(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(SEEDS, folder)
    return folder


def test_no_change_rebuild_reads_no_file(tmp_path, hashed, old_enough):
    folder, settings = _letters(tmp_path), Settings(index_dir=tmp_path / "index", jobs=1)
    first = conductor.rebuild([folder], settings)
    assert len(hashed) == 5
    hashed.clear()
    again = conductor.rebuild([folder], settings)
    assert again.kept and again.snapshot == first.snapshot and hashed == []


def test_a_rewritten_file_is_read_even_with_its_old_size_and_mtime(tmp_path, hashed, old_enough):
    folder, settings = _letters(tmp_path), Settings(index_dir=tmp_path / "index", jobs=1)
    first = conductor.rebuild([folder], settings)
    victim = sorted(folder.glob("*.txt"))[0]
    st = victim.stat()
    time.sleep(0.05)      # past the clock tick of the first write
    text = victim.read_text()
    victim.write_text(text.replace("the", "teh", 1))      # same size, other bytes
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))  # mtime restored; ctime cannot be
    assert victim.stat().st_size == st.st_size and victim.stat().st_mtime_ns == st.st_mtime_ns
    hashed.clear()
    again = conductor.rebuild([folder], settings)
    assert hashed == [str(victim)]
    assert not again.kept and again.snapshot != first.snapshot and again.parsed == 1


def test_rehash_reads_every_file_and_remembers_them(tmp_path, hashed, old_enough):
    folder, settings = _letters(tmp_path), Settings(index_dir=tmp_path / "index", jobs=1)
    conductor.rebuild([folder], settings)
    hashed.clear()
    assert conductor.rebuild([folder], settings.with_(rehash=True)).kept
    assert len(hashed) == 5
    hashed.clear()
    assert conductor.rebuild([folder], settings).kept and hashed == []


def test_a_file_just_written_is_not_remembered(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("fresh")
    cache = hashcache.HashCache(tmp_path / hashcache.FILE)
    cache.put(path, path.stat(), "digest")
    cache.save()
    assert hashcache.HashCache(tmp_path / hashcache.FILE).get(path, path.stat()) is None


def test_a_damaged_table_costs_only_speed(tmp_path, hashed, old_enough):
    folder, settings = _letters(tmp_path), Settings(index_dir=tmp_path / "index", jobs=1)
    (tmp_path / "index" / "cache").mkdir(parents=True)
    (tmp_path / "index" / "cache" / hashcache.FILE).write_bytes(b"not a database" * 100)
    first = conductor.rebuild([folder], settings)
    assert len(hashed) == 5 and first.letters == 5
    hashed.clear()
    assert conductor.rebuild([folder], settings).kept and hashed == []     # rewritten whole


def test_cli_rehash_flag(tmp_path, hashed, old_enough, runner):
    folder, index = _letters(tmp_path), tmp_path / "index"
    assert runner("index", folder, "--index", index, "-j", "1").exit_code == 0
    hashed.clear()
    result = runner("index", folder, "--index", index, "-j", "1", "--rehash")
    assert result.exit_code == 0, result.stderr
    assert len(hashed) == 5


def test_a_file_name_that_is_not_utf8_is_remembered_and_looked_up(tmp_path, old_enough):
    path = tmp_path / os.fsdecode(b"bad\xff.txt")
    path.write_text("letter")
    cache = hashcache.HashCache(tmp_path / hashcache.FILE)
    cache.put(path, path.stat(), "digest")
    cache.save()
    assert hashcache.HashCache(tmp_path / hashcache.FILE).get(path, path.stat()) == "digest"
