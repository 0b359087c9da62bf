"""The server's processes as scripts/load.py measures them: the process tree, its CPU seconds, RSS and PSS."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
