"""Every failure a user can cause at the command line, through the real console script:
one line `error: <cause>; <fix>` on stderr, exit status 2, no traceback, nothing left behind."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer.index.stores import snapshots
from indexer.settings import Settings

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def one_line_error(result, *words: str) -> str:
    """The single stderr line of a failed command, checked for status 2, no traceback and `words`."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def nothing_left(index_dir: Path) -> None:
    assert not (index_dir / "lock").exists()
    assert not list((index_dir / "snapshots").glob("*.building")) if (index_dir / "snapshots").is_dir() else True


@pytest.fixture(scope="module")
def index_dir(built_index) -> Path:
    """The session index (only read, or copied before a test changes it)."""
    return built_index.index_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_bad_option_names_it_and_the_help(imr):
    line = one_line_error(imr("index", SEEDS, "--bogus"), "--bogus", "imr index --help")
    assert "Usage:" not in line


def test_a_missing_source_says_it_does_not_exist_and_creates_nothing(imr, tmp_path):
    line = one_line_error(imr("index", SEEDS, tmp_path / "typo", "--index", tmp_path / "ix"), "does not exist")
    assert "typo" in line and not (tmp_path / "ix").exists()


@pytest.mark.parametrize("command", ["stats", "search", "check", "rollback", "snapshots"])
def test_a_missing_index_says_what_to_run(imr, tmp_path, command):
    args = [command, "mri"] if command == "search" else [command]
    result = imr(*args, "--index", tmp_path / "none")
    if command == "snapshots":        # listing nothing is not an error
        assert result.returncode == 0 and "run: imr index SOURCE --index" in result.stdout
    else:
        one_line_error(result, "run: imr index SOURCE --index")
    assert not (tmp_path / "none" / "lock").exists()


def test_a_malformed_scheduler_is_a_usage_error(imr, tmp_path):
    one_line_error(imr("index", SEEDS, "--index", tmp_path / "ix", "--scheduler", "localhost"),
                   "'localhost' has no port", "tcp://HOST:PORT")
    assert not (tmp_path / "ix").exists()


def test_an_unreachable_scheduler_fails_at_once(imr, tmp_path):
    # timeout: a hang guard (the library's own connect timeout is 10 s), not a speed assertion
    result = imr("index", SEEDS, "--index", tmp_path / "ix", "--scheduler", "tcp://127.0.0.1:1", timeout=60)
    one_line_error(result, "cannot reach the Dask scheduler at tcp://127.0.0.1:1", "leave out --scheduler")
    assert not (tmp_path / "ix").exists()


def test_a_held_lock_names_its_holder_and_leaves_it_alone(imr, tmp_path):
    ix = tmp_path / "ix"
    with snapshots.rebuild_lock(Settings(index_dir=ix)):
        one_line_error(imr("index", SEEDS, "--index", ix), "another rebuild holds", f"pid {os.getpid()}")
        assert (ix / "lock").exists()           # still the holder's
    nothing_left(ix)


def test_an_index_folder_that_cannot_be_created(imr, tmp_path):
    (tmp_path / "file").write_text("x")
    one_line_error(imr("index", SEEDS, "--index", tmp_path / "file" / "ix"),
                   "cannot write the index folder", "choose a writable --index folder")


INJECT = """
import errno, os, sys
real_open = os.open
def failing_open(path, flags, *args, **kwargs):
    if {target!r} in os.fspath(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
        raise OSError(errno.{code}, os.strerror(errno.{code}), os.fspath(path))
    return real_open(path, flags, *args, **kwargs)
os.open = failing_open
import builtins, io
real_builtin_open = builtins.open
def failing_builtin_open(file, mode="r", *args, **kwargs):
    if {target!r} in os.fspath(file) and any(m in mode for m in "wax+"):
        raise OSError(errno.{code}, os.strerror(errno.{code}), os.fspath(file))
    return real_builtin_open(file, mode, *args, **kwargs)
builtins.open = io.open = failing_builtin_open
from indexer.cli import main
sys.argv = ["imr"] + sys.argv[1:]
main()
"""


def injected(code: str, target: str, *args, cwd=None):
    """The CLI in a subprocess whose writes to paths containing `target` fail with errno `code`."""
    script = INJECT.format(code=code, target=str(target))
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("command", [["index", SEEDS], ["index", SEEDS, "--force"], ["add", SEEDS], ["rollback"]])
def test_a_read_only_index_folder(tmp_path, index_dir, command):
    ix = tmp_path / "ix"
    import shutil
    shutil.copytree(index_dir, ix)
    before = snapshots.current_name(Settings(index_dir=ix))
    result = injected("EROFS", ix, *command, "--index", ix)
    one_line_error(result, "Read-only file system", "writable --index")
    assert snapshots.current_name(Settings(index_dir=ix)) == before
    nothing_left(ix)


def test_a_full_disk_while_writing_the_snapshot(tmp_path, index_dir):
    ix = tmp_path / "ix"
    import shutil
    shutil.copytree(index_dir, ix)
    before = snapshots.current_name(Settings(index_dir=ix))
    result = injected("ENOSPC", ".building", "index", SEEDS, "--force", "--index", ix, "--jobs", 1)
    one_line_error(result, "No space left on device", "current index is unchanged", "free some disk space")
    assert snapshots.current_name(Settings(index_dir=ix)) == before
    nothing_left(ix)


FULL_SQLITE = """
import sqlite3, sys
real_connect = sqlite3.connect
def small_connect(path, *args, **kwargs):
    con = real_connect(path, *args, **kwargs)
    if ".building" in str(path):
        con.execute("PRAGMA max_page_count = 3")     # SQLite then answers SQLITE_FULL, as on a full disk
    return con
sqlite3.connect = small_connect
from indexer.cli import main
sys.argv = ["imr"] + sys.argv[1:]
main()
"""


@pytest.mark.parametrize("command", ["index", "add"])
def test_a_full_disk_while_sqlite_writes_the_letter_store(tmp_path, index_dir, command):
    from indexer.synth import generate

    ix = tmp_path / "ix"
    import shutil
    shutil.copytree(index_dir, ix)
    generate(3, tmp_path / "new", ["txt"], 5)
    command = ["index", SEEDS, "--force"] if command == "index" else ["add", tmp_path / "new"]
    before = snapshots.current_name(Settings(index_dir=ix))
    result = subprocess.run([sys.executable, "-c", FULL_SQLITE, *map(str, command), "--index", str(ix), "--jobs", "1"],
                            capture_output=True, text=True, timeout=120)
    one_line_error(result, "No space left on device", "current index is unchanged", "free some disk space")
    assert snapshots.current_name(Settings(index_dir=ix)) == before
    nothing_left(ix)


@pytest.mark.parametrize("command", [["stats"], ["search", ""], ["snapshots"], ["search", "", "--all"]])
def test_a_closed_pipe_ends_quietly(index_dir, command):
    imr_script = Path(sys.executable).with_name("imr")
    args = " ".join(f"'{a}'" for a in [imr_script, *command, "--index", index_dir])
    run = subprocess.run(["bash", "-c", f"{args} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}"],
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "0" and run.stderr == ""


def _start(imr_args: list, env: dict | None = None) -> subprocess.Popen:
    imr_script = Path(sys.executable).with_name("imr")
    environ = {k: v for k, v in os.environ.items() if k != "IMR_INDEX"}
    environ.update(env or {})
    return subprocess.Popen([str(imr_script), *map(str, imr_args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environ)


def _get(url: str, tries: int = 100) -> tuple[int, str]:
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _stop(server: subprocess.Popen) -> tuple[str, str]:
    server.terminate()
    out, err = server.communicate(timeout=30)
    return out, err


@pytest.mark.workers
def test_serve_on_a_port_in_use(imr, index_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = imr("serve", "--index", index_dir, "--port", port)
    one_line_error(result, f"cannot listen on 127.0.0.1:{port}", "already in use", "another --port")
    assert result.stdout == ""          # no banner before the failure


@pytest.mark.parametrize("host", ["192.0.2.1", "no-such-host.invalid"])
@pytest.mark.workers
def test_serve_on_an_address_it_cannot_bind(imr, index_dir, host):
    one_line_error(imr("serve", "--index", index_dir, "--host", host, "--port", free_port()),
                   f"cannot listen on {host}:", "--host")


@pytest.mark.workers
def test_serve_honours_imr_index(index_dir):
    port = free_port()
    server = _start(["serve", "--port", port], env={"IMR_INDEX": str(index_dir)})
    try:
        status, body = _get(f"http://127.0.0.1:{port}/api/search?q=trainer")
    finally:
        out, err = _stop(server)
    assert status == 200 and json.loads(body)["total"] > 0
    assert f"(index: {index_dir})" in out and err == ""


@pytest.mark.workers
def test_serve_on_a_missing_index_says_so_at_start(tmp_path):
    port = free_port()
    server = _start(["serve", "--port", port, "--index", tmp_path / "none"])
    try:
        status, body = _get(f"http://127.0.0.1:{port}/")
    finally:
        out, err = _stop(server)
    assert status == 503 and "<code>imr index SOURCE --index DIR</code>" in body and "`" not in body
    (line,) = err.splitlines()
    assert line.startswith(f"warning: no index at {tmp_path / 'none'}: run: imr index SOURCE") and "503" in line
