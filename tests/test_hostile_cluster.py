"""Cluster faults, third round (issue 28, finding 4): a scheduler that goes away, or an address
that is not one, ends the run within seconds with one line and exit 2, the lock released and
nothing published."""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from indexer.errors import ImrError
from indexer.index.stores import snapshots
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def silent_address():
    """An address that accepts TCP connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                held.append(server.accept()[0])
        except OSError:
            pass
    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


def test_an_address_that_is_not_a_scheduler_ends_the_run(tmp_path, imr, silent_address):
    index = tmp_path / "index"
    done = imr("add", SEEDS, "--index", index, "--scheduler", silent_address, timeout=90)   # a hang guard
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {silent_address} did not answer as a Dask scheduler within 10 s")
    assert not (index / "lock").exists() and snapshots.current_name(Settings(index_dir=index)) is None


# The cluster's workers are threads of this process (processes=False): a task can wait on these.
STARTED, RELEASE = threading.Event(), threading.Event()


def stuck(path, content_hash, settings, slim=False):
    """A parse that waits until the test lets it go (after its scheduler went away)."""
    STARTED.set()
    RELEASE.wait(60)
    raise RuntimeError("released")


def test_a_scheduler_going_away_mid_run_ends_it(tmp_path, monkeypatch):
    from distributed import LocalCluster

    import indexer.ingest.batch as batch
    from indexer.pipeline import conductor

    started, release = STARTED, RELEASE
    started.clear()
    release.clear()
    monkeypatch.setattr(batch, "parse_task", stuck)
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    failure: list[BaseException] = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as dask:
        remote = settings.with_(scheduler=dask.scheduler_address)

        def run() -> None:
            try:
                conductor.add([SEEDS], remote)
            except BaseException as exc:        # noqa: BLE001 (told to the test)
                failure.append(exc)
        runner = threading.Thread(target=run, daemon=True)
        runner.start()
        assert started.wait(60)
        dask.sync(dask.scheduler.close)
        runner.join(60)                          # a hang guard: it ends ~10 s after
        release.set()
    assert not runner.is_alive(), "the run hung after its scheduler went away"
    assert len(failure) == 1 and isinstance(failure[0], ImrError), failure
    assert f"the Dask scheduler at {dask.scheduler_address} went away" in str(failure[0])
    assert "nothing published" in str(failure[0])
    assert not (settings.index_dir / "lock").exists() and snapshots.current_name(settings) is None
