"""Several `imr serve` replicas behind nginx: the balancer's config, and a new snapshot copied to each.

A snapshot is an immutable directory, so a replica needs only its own index directory:
`copy_snapshot` puts a copy beside the replica's snapshots (as NAME.building, renamed
once whole and checked against the sizes it was published with) and `push` then
points each replica's CURRENT at it (an atomic rename); each `imr serve` opens it on
its next request. Used by scripts/load.py --balancer and scripts/deploy/push.py.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from indexer.index.stores import snapshots
from indexer.settings import Settings

TEMPLATE = Path(__file__).with_name("nginx.conf")


def nginx_binary() -> str | None:
    """The nginx executable (Debian puts it in /usr/sbin), None when not installed."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def render_nginx(prefix: Path, listen: str, backends: list[str]) -> Path:
    """nginx.conf for these replicas (HOST:PORT each), written into `prefix` with its work folders."""
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)          # nginx's workers (www-data when started as root) write its buffers here
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(exist_ok=True)
    servers = "\n        ".join(f"server {b} max_fails=1 fail_timeout=5s;" for b in backends)
    fields = {"@PREFIX@": str(prefix), "@LISTEN@": listen, "@SERVERS@": servers,
              "@USER@": "user www-data;" if os.geteuid() == 0 else ""}
    lines = []
    for line in TEMPLATE.read_text().splitlines():
        if not line.lstrip().startswith("#"):          # the comments name the fields: keep them
            for key, value in fields.items():
                line = line.replace(key, value)
        lines.append(line)
    conf = prefix / "nginx.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


def start_nginx(prefix: Path, listen: str, backends: list[str], log: Path) -> subprocess.Popen:
    """nginx in the foreground on `listen` in front of `backends` (stop it with terminate())."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    prefix = Path(prefix).resolve()       # nginx reads relative paths from its prefix, not from here
    conf = render_nginx(prefix, listen, backends)
    check = subprocess.run([binary, "-t", "-q", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)],
                           capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx refused {conf}: {check.stderr.strip()}")
    with open(log, "ab") as out:
        return subprocess.Popen([binary, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)],
                                stdout=out, stderr=subprocess.STDOUT)


def _copy_file(src: str, dst: str) -> None:
    try:
        os.link(src, dst)         # same file system: the immutable files are shared, not copied
    except OSError:
        shutil.copy2(src, dst)


def copy_snapshot(snapshot: Path, index_dir: Path) -> Path:
    """A whole, checked copy of a published snapshot among `index_dir`'s snapshots (not yet current).

    `snapshot` may already be INDEX_DIR/snapshots/NAME.building (rsync-ed there): it is checked and renamed."""
    root = snapshots.snapshots_dir(Settings(index_dir=index_dir))
    name = snapshot.name.removesuffix(snapshots.BUILDING)
    final, building = root / name, root / (name + snapshots.BUILDING)
    if final.is_dir():
        return final
    if snapshot.resolve() != building.resolve():
        root.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(building, ignore_errors=True)
        shutil.copytree(snapshot, building, copy_function=_copy_file)
    damaged = snapshots.damaged_files(building)
    if damaged:              # sizes against build.json (what `imr index` and `imr add` publish with)
        raise RuntimeError(f"the copy of {snapshot} in {building} is not whole: {'; '.join(damaged[:3])}")
    return snapshots.finish(building)


def push(snapshot: Path, index_dirs: list[Path]) -> float:
    """Copy a snapshot to every replica's index directory, then make it current in each; seconds taken."""
    started = time.monotonic()
    copies = [copy_snapshot(snapshot, d) for d in index_dirs]      # every copy whole before any switch
    for index_dir, copy in zip(index_dirs, copies):
        snapshots.publish(Settings(index_dir=index_dir), copy)
    return time.monotonic() - started
