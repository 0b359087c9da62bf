"""The server's processes of scripts/load.py: started and stopped on the loopback address, and measured
(the process tree, its CPU seconds, RSS and PSS)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"   # loopback only: this script never talks to any other address
TICKS = os.sysconf("SC_CLK_TCK")


def tree(root: int) -> list[int]:
    """`root` and every process descended from it (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += parents.get(pid, [])
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds these processes have used so far (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])        # utime, stime
    return total / TICKS


@dataclass
class Memory:
    """One process's resident and proportional set sizes in kB (smaps_rollup)."""
    pid: int
    rss_kb: int
    pss_kb: int
    hwm_kb: int


def memory(pid: int) -> Memory | None:
    """RSS, PSS (shared pages divided among the processes mapping them) and peak RSS of a process."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    rows = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in rollup[1:] + status if ":" in line)
            if v.split() and v.split()[0].isdigit()}
    return Memory(pid, rows.get("Rss", 0), rows.get("Pss", 0), rows.get("VmHWM", 0))


def imr(*args: str) -> list[str]:
    """The command line of `imr ARGS` from this interpreter's environment."""
    return [str(Path(sys.executable).parent / "imr"), *args]


def free_port() -> int:
    """A TCP port free on the loopback address now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_answering(base: str, procs: list[subprocess.Popen], log: Path) -> None:
    """Return once `base` answers a search (60 s at most), else stop `procs` and exit."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and all(p.poll() is None for p in procs):
        try:
            if httpx.get(base + "/api/search?per_page=1", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    for p in procs:
        p.kill()
    raise SystemExit(f"the server did not start answering on {base}; see {log}")


def start_server(index_dir: Path, workers: int, threads: int, log: Path, port: int | None = None,
                 wait: bool = True, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """`imr serve --workers N` on a free loopback port, once it answers: (process, base URL)."""
    port = port or free_port()
    with open(log, "ab") as out:
        proc = subprocess.Popen(imr("serve", "--index", str(index_dir), "--host", HOST, "--port", str(port),
                                    "--workers", str(workers), "--threads", str(threads), *extra),
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    if wait:
        wait_answering(base, [proc], log)
    return proc, base


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop servers and balancers: SIGTERM (graceful), SIGKILL after 20 s."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def workers_of(servers: list[subprocess.Popen]) -> list[int]:
    """The processes that answer requests: each server's workers (the server itself with one)."""
    pids = []
    for proc in servers:
        below = tree(proc.pid)
        pids += below[1:] or below
    return sorted(pids)
