"""Bounded work per file: special files, undecodable names and unreadable folders never
hang or block a rebuild; each is named with its reason and counted."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cputime import cpu_seconds
from indexer.ingest.sources import list_sources, open_regular
from indexer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
IMR = [sys.executable, "-c", "from indexer.cli import main; main()"]


def imr(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a subprocess, bounded in time: a hang fails the test instead of stalling it."""
    return subprocess.run([*IMR, *args], capture_output=True, timeout=120, cwd=ROOT)


def letters(folder: Path, n: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS[:n]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def test_fifo_socket_and_device_are_skipped_with_a_line_each(tmp_path):
    src = letters(tmp_path / "letters")
    os.mkfifo(src / "x.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "s.txt"))
    (src / "dev.txt").symlink_to("/dev/zero")
    try:
        for command in ("index", "add"):
            done = imr(command, str(src), "--index", str(tmp_path / "index"), "-j", "1")
            err = done.stderr.decode()
            assert done.returncode == 3, err      # built, some files skipped
            assert "x.txt: not a regular file (a FIFO)" in err
            assert "s.txt: not a regular file (a socket)" in err
            assert "dev.txt: not a regular file (a character device)" in err
            assert "Traceback" not in err
    finally:
        sock.close()


def test_a_fifo_swapped_in_after_listing_does_not_block_the_read(tmp_path):
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        open_regular(fifo)     # non-blocking open, refused on the descriptor's type
    from indexer.errors import ExtractError
    from indexer.ingest.extract import read_bytes
    with pytest.raises(ExtractError, match="not a regular file"):
        read_bytes(fifo, Settings())


def test_file_names_that_are_not_utf8_never_block_a_rebuild(tmp_path):
    src = tmp_path / "letters"
    src.mkdir()
    names = [os.fsdecode(b"bad\xff%d.txt" % n) for n in range(2)]
    for name, seed in zip(names, SEEDS):
        (src / name).write_bytes(seed.read_bytes())
    index = str(tmp_path / "index")
    for command in ("index", "index", "add"):        # the second run meets the remembered hashes
        done = imr(command, str(src), "--index", index, "-j", "1")
        assert done.returncode == 0, done.stderr.decode()
    done = imr("index", str(src), "--index", index, "-j", "2", "--rehash", "--force")
    assert done.returncode == 0, done.stderr.decode()
    # the path is kept exactly: the letter store gives back the very name on disk
    from indexer.index.stores import snapshots
    from indexer.index.stores import letterstore
    snapshot = snapshots.current(Settings(index_dir=Path(index)))
    stored = {Path(r["source"]).name for r in letterstore.read_all(snapshot)}
    assert stored == set(names) == {Path(r["source"]).name for r in letterstore.read_refs(snapshot)}
    # and `imr parse` prints the name's own bytes
    done = imr("parse", str(src))
    assert b"bad\xff0.txt" in done.stdout


def test_the_web_shows_and_serves_a_letter_whose_file_name_is_not_utf8(tmp_path):
    from indexer.pipeline.conductor import rebuild
    from webapp import create_app

    src = tmp_path / "letters"
    src.mkdir()
    (src / os.fsdecode(b"caf\xe9.txt")).write_bytes(SEEDS[1].read_bytes())
    settings = Settings(index_dir=tmp_path / "index", jobs=1)
    rebuild([src], settings)
    client = create_app(settings).test_client()
    letter_id = client.get("/api/search?q=pain").get_json()["hits"][0]["letter_id"]
    for url in (f"/letters/{letter_id}", f"/api/letters/{letter_id}", f"/letters/{letter_id}/original"):
        assert client.get(url).status_code == 200, url


def test_an_unreadable_subfolder_is_named_and_counted(tmp_path, monkeypatch):
    src = letters(tmp_path / "letters")
    locked = letters(src / "locked", 1)
    locked.chmod(0)
    if os.access(locked, os.R_OK):     # root reads anything: make the listing fail as it would
        real = os.scandir

        def scandir(path="."):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real(path)
        monkeypatch.setattr(os, "scandir", scandir)
    try:
        found = list_sources([src])
        bad = [s for s in found if s.error]
        assert [s.path for s in bad] == [locked]
        assert "unreadable folder" in bad[0].error and "Permission denied" in bad[0].error

        from indexer.pipeline.conductor import rebuild
        report = rebuild([src], Settings(index_dir=tmp_path / "index", jobs=1))
        assert report.letters == 2 and report.exit_code == 3
        assert [p for p, _ in report.skipped] == [str(locked)]
    finally:
        locked.chmod(0o755)


def _html_letter() -> str:
    import html
    body = "".join(f"<p>{html.escape(line)}</p>" for line in SEEDS[1].read_text().splitlines())
    return f"<html><body>{body}</body></html>"


@pytest.mark.parametrize("block", ["<p>x</p>", "<div>"])
@pytest.mark.slow
def test_html_to_text_is_linear_in_paragraphs_and_nesting(block):
    """10x the blocks costs about 10x (editing the tree per block made it 100x: 38 CPU-s at 20,000)."""
    from indexer.ingest.extract import html_to_text

    letter = _html_letter()

    def cost(n: int) -> float:
        return min(cpu_seconds(html_to_text, letter.replace("</body>", block * n + "</body>")) for _ in range(2))

    small, large = cost(2000), cost(20000)
    assert large < 25 * small, (small, large)
    assert "x" in html_to_text(letter.replace("</body>", block * 100 + "x</body>"))


def test_html_text_keeps_rows_breaks_and_blocks():
    from indexer.ingest.extract import html_to_text

    html = ("<html><head><title>no</title><style>p{}</style></head><body><!-- no --><h1>Title</h1>"
            "<p>one<br>two</p><table><tr><td>a <b>b</b></td><th>c</th></tr>"
            "<tr><td><table><tr><td>in</td></tr></table>out</td></tr></table><script>no()</script>x&amp;y</body></html>")
    # a nested table's text is in its cell once (it used to come again as extra cells)
    assert html_to_text(html) == "Title\n\none\ntwo\n\na b\tc\n\nin out\n\nx&y\n"
