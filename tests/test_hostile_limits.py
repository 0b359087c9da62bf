"""Per-file CPU time and memory limits on extraction: a file over one is skipped with a line
naming the limit, and the rebuild goes on with the others (in workers and in-process)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer.ingest import limits
from indexer.settings import Settings

SEEDS = sorted((Path(__file__).resolve().parent / "fixtures" / "seeds").glob("*.txt"))
resource = pytest.importorskip("resource", reason="per-file limits need POSIX resource limits")


def spin(seconds: float) -> None:
    """Burn CPU, bounded: stops by itself after `seconds` of CPU."""
    started = time.process_time()
    while time.process_time() - started < seconds:
        sum(range(1000))


def test_cpu_limit_interrupts_and_is_lifted_afterwards():
    before = resource.getrlimit(resource.RLIMIT_CPU), resource.getrlimit(resource.RLIMIT_AS)
    started = time.process_time()
    with pytest.raises(limits.CpuLimitExceeded):
        with limits.extraction_limits(Settings(max_extract_seconds=1)):
            spin(20)
    assert time.process_time() - started < 10       # stopped near 1-2 s, long before the bound
    assert (resource.getrlimit(resource.RLIMIT_CPU), resource.getrlimit(resource.RLIMIT_AS)) == before


def test_memory_limit_fails_the_allocation_not_the_process():
    with pytest.raises(MemoryError):
        with limits.extraction_limits(Settings(max_extract_memory=64 * 2**20)):
            bytearray(512 * 2**20)
    bytearray(256 * 2**20)       # lifted again


@pytest.fixture
def hostile_parser(monkeypatch):
    """parse_file burning CPU on 'slow' files and memory on 'big' ones (workers are forked: they see it)."""
    import indexer.ingest.parser as parse

    real = parse.parse_file

    def parse_file(path, settings):
        if "slow" in path.name:
            spin(30)
        if "big" in path.name:
            blocks = [bytearray(64 * 2**20) for _ in range(64)]   # 4 GiB, far over the limit
            del blocks
        return real(path, settings)
    monkeypatch.setattr(parse, "parse_file", parse_file)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.slow
def test_a_file_over_a_limit_is_skipped_and_the_rebuild_goes_on(tmp_path, hostile_parser, jobs):
    from indexer.pipeline.conductor import rebuild

    src = tmp_path / "letters"
    src.mkdir()
    for name, seed in zip(["a.txt", "slow.txt", "big.txt", "b.txt"], SEEDS):
        (src / name).write_bytes(seed.read_bytes())
    settings = Settings(index_dir=tmp_path / "index", jobs=jobs, max_extract_seconds=1,
                        max_extract_memory=256 * 2**20)
    report = rebuild([src], settings)
    reasons = {Path(p).name: r for p, r in report.skipped}
    assert report.letters == 2
    assert reasons["slow.txt"].startswith("over the CPU time limit (1 s per file")
    assert reasons["big.txt"].startswith("over the memory limit (256 MB per file")


@pytest.mark.slow
def test_native_code_past_the_limit_is_stopped_by_the_watchdog(tmp_path, monkeypatch):
    """A call that never comes back to Python (here: SIGXCPU ignored, as in a stuck native
    library) is killed GRACE s past the limit; the file is reported over the CPU limit."""
    import signal

    import indexer.ingest.parser as parse
    from indexer.pipeline.conductor import rebuild

    real = parse.parse_file

    def parse_file(path, settings):
        if "stuck" in path.name:
            signal.signal(signal.SIGXCPU, signal.SIG_IGN)   # the Python handler can never run
            spin(30)
        return real(path, settings)
    monkeypatch.setattr(parse, "parse_file", parse_file)
    monkeypatch.setattr(limits, "GRACE", 1.0)
    src = tmp_path / "letters"
    src.mkdir()
    for name, seed in zip(["a.txt", "stuck.txt", "b.txt"], SEEDS):
        (src / name).write_bytes(seed.read_bytes())
    report = rebuild([src], Settings(index_dir=tmp_path / "index", jobs=2, max_extract_seconds=1))
    assert report.letters == 2
    assert dict((Path(p).name, r) for p, r in report.skipped)["stuck.txt"].startswith("over the CPU time limit")
