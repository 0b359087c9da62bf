"""Hostile faults, third round (issue 28): a killed rebuild never blocks the next, and no file can
end a run (each is parsed in a worker process that may die alone)."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.index.stores import snapshots
from indexer.pipeline import conductor
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:     # a zombie no one has reaped yet is dead too
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _wait_for(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


# A rebuild whose parse workers write their pid to the marker and then wait (as if stuck on a file).
STUCK_IN_WORKERS = r"""
import os, sys, time
from pathlib import Path
import indexer.ingest.parser
from indexer.pipeline import conductor
from indexer.settings import Settings

marker, index, command = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def parse_file(path, settings=None):
    with open(marker, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    time.sleep(600)

indexer.ingest.parser.parse_file = parse_file
getattr(conductor, command)([Path(p) for p in sys.argv[4:]], Settings(index_dir=index, jobs=2))
"""


@pytest.mark.parametrize("command", ["rebuild", "add"])
def test_sigkilled_rebuild_leaves_no_worker_and_the_next_one_runs(tmp_path, command):
    """kill -9 of a rebuild (as the OOM killer does) takes its workers with it: none is left holding
    the lock, and the next rebuild runs at once."""
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    marker = tmp_path / "workers"
    child = subprocess.Popen([sys.executable, "-c", STUCK_IN_WORKERS, str(marker), str(settings.index_dir),
                              command, str(SEEDS)])
    workers: list[int] = []
    try:
        assert _wait_for(lambda: marker.exists() and len(marker.read_text().split()) >= 2, 120), \
            f"the workers never started (exit {child.poll()})"
        workers = [int(p) for p in marker.read_text().split()]
        assert child.pid not in workers          # files are parsed in workers, never in the parent
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert _wait_for(lambda: not any(map(_alive, workers)), 20), "workers outlived their killed parent"
    finally:
        child.kill() if child.poll() is None else None
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    report = conductor.add([SEEDS], settings)
    assert report.letters == 5 and snapshots.current_name(settings) == report.snapshot


# Holds the lock, forks a process that inherits its descriptor and outlives it, says both pids, waits.
HOLDER_WITH_HEIR = r"""
import os, sys, time
from pathlib import Path
from indexer.index.stores import snapshots
from indexer.settings import Settings

with snapshots.rebuild_lock(Settings(index_dir=Path(sys.argv[1]))):
    heir = os.fork()
    if heir == 0:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)    # the test reads the holder's output to its end
        time.sleep(120)
        os._exit(0)
    print(os.getpid(), heir, flush=True)
    time.sleep(600)
"""


def test_a_lock_whose_recorded_holder_is_dead_is_taken_over_saying_so(tmp_path, caplog, runner):
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER_WITH_HEIR, str(settings.index_dir)],
                              stdout=subprocess.PIPE, text=True)
    pid, heir = map(int, holder.stdout.readline().split())
    try:
        os.kill(pid, signal.SIGKILL)
        holder.wait()
        assert _alive(heir)                       # it still has the lock file open, flock and all
        with caplog.at_level(logging.WARNING):
            with snapshots.rebuild_lock(settings):
                assert (settings.index_dir / "lock").read_text().startswith(f"pid {os.getpid()} ")
        assert f"its holder, pid {pid} on " in caplog.text and "is no longer running" in caplog.text
        # the CLI says so on stderr, and goes on
        again = subprocess.Popen([sys.executable, "-c", HOLDER_WITH_HEIR, str(settings.index_dir)],
                                 stdout=subprocess.PIPE, text=True)
        pid2, heir2 = map(int, again.stdout.readline().split())
        os.kill(pid2, signal.SIGKILL)
        again.communicate()
        result = runner("index", SEEDS, "--index", settings.index_dir, "--jobs", 1)
        os.kill(heir2, signal.SIGKILL)
        assert result.exit_code == 0, result.stderr
        assert f"took over {settings.index_dir / 'lock'}: its holder, pid {pid2} on " in result.stderr
    finally:
        holder.kill() if holder.poll() is None else None
        holder.communicate()
        if _alive(heir):
            os.kill(heir, signal.SIGKILL)


def test_a_live_holder_is_never_taken_over(tmp_path):
    from indexer.errors import LockHeld

    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER_WITH_HEIR, str(settings.index_dir)],
                              stdout=subprocess.PIPE, text=True)
    pid, heir = map(int, holder.stdout.readline().split())
    try:
        with pytest.raises(LockHeld, match=f"pid {pid} on "):
            with snapshots.rebuild_lock(settings):
                pass
    finally:
        holder.kill()
        holder.communicate()
        os.kill(heir, signal.SIGKILL)


def inflating_pdf(path: Path, megabytes: int) -> Path:
    """A one-page PDF of a few hundred KB whose content stream inflates to `megabytes` MB of spaces.

    Deflate blocks after a full flush are independent, so one compressed MB is repeated rather
    than a GB compressed (only the Adler-32 of the whole is computed)."""
    import zlib

    chunk = b" " * (1 << 20)
    c = zlib.compressobj(9)
    head = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)[:-4]
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(chunk, adler)
    data = head + block * (megabytes - 1) + tail + adler.to_bytes(4, "big")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# Runs one of the library's entry points in a child (today's code may abort the whole process) and
# prints what came of each file, and the pids that parsed them.
BOMBED = r"""
import json, os, sys
from pathlib import Path
import indexer.ingest.parser
from indexer.pipeline import conductor
from indexer.settings import Settings

what, index, pids, jobs = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
real = indexer.ingest.parser.parse_file

def parse_file(path, settings=None):
    with open(pids, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    return real(path, settings)

indexer.ingest.parser.parse_file = parse_file
settings = Settings(index_dir=index, jobs=jobs, max_extract_memory=64 * 2**20)
sources = [Path(p) for p in sys.argv[5:]]
if what == "parse":
    print(json.dumps([[Path(o.path).name, o.reason] for o in conductor.parse_paths(sources, settings)]))
else:
    report = getattr(conductor, what)(sources, settings)
    print(json.dumps({"letters": report.letters, "skipped": [[Path(p).name, r] for p, r in report.skipped]}))
"""


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A PDF inflating to 300 MB: far over the 64 MB these tests allow a file."""
    return inflating_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf", 300)


def _bombed(tmp_path: Path, what: str, jobs: int, *sources: Path) -> tuple[object, list[int]]:
    import json

    pids = tmp_path / "pids"
    done = subprocess.run([sys.executable, "-c", BOMBED, what, str(tmp_path / "index"), str(pids), str(jobs),
                           *map(str, sources)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout), [int(p) for p in pids.read_text().split()]


ABORTED = "extraction aborted the worker process (SIGABRT): over the memory limit (64 MB per file"


@pytest.mark.parametrize("what, jobs", [("add", 1), ("rebuild", 1), ("parse", 4)])
def test_a_pdf_bomb_costs_its_file_alone_whatever_the_jobs(tmp_path, bomb, what, jobs):
    """In-process (jobs 1, one new file, `imr parse`) the bomb made PDFium abort the whole run."""
    src = tmp_path / "letters"
    src.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    (src / "a.txt").write_bytes(seeds[0].read_bytes())
    (src / "b.pdf").write_bytes(bomb.read_bytes())
    (src / "c.txt").write_bytes(seeds[1].read_bytes())
    answer, _ = _bombed(tmp_path, what, jobs, *(sorted(src.iterdir()) if what == "parse" else [src]))
    if what == "parse":
        assert [name for name, _ in answer] == ["a.txt", "b.pdf", "c.txt"]
        assert answer[0][1] is None and answer[2][1] is None and answer[1][1].startswith(ABORTED)
    else:
        assert answer["letters"] == 2 and len(answer["skipped"]) == 1
        assert answer["skipped"][0][0] == "b.pdf" and answer["skipped"][0][1].startswith(ABORTED)


def test_after_a_worker_dies_the_run_goes_on_with_one_fresh_worker(tmp_path, bomb, synthetic_letters):
    """A dead worker is replaced: the other files are not each parsed in a process of their own."""
    src = tmp_path / "letters"
    src.mkdir()
    (src / "000.pdf").write_bytes(bomb.read_bytes())     # first, so most files come after it
    for n, seed in enumerate(sorted(synthetic_letters.rglob("*.txt"))[:30]):
        (src / f"{n + 1:03d}.txt").write_bytes(seed.read_bytes())
    answer, pids = _bombed(tmp_path, "rebuild", 2, src)
    assert answer["letters"] == 30 and [name for name, _ in answer["skipped"]] == ["000.pdf"]
    assert len(set(pids)) <= 3, f"{len(set(pids))} processes parsed 31 files with 2 jobs"
