"""Copy a published snapshot to replicas' index directories and make it current in each.

Usage: python -m scripts.deploy.push SNAPSHOT_DIR INDEX_DIR [INDEX_DIR ...]
Every copy is made and checked (sizes against the snapshot's build.json) before any
replica switches; each then switches with one atomic rename of its CURRENT, and its
`imr serve` answers from the new snapshot from its next request on (zero failed
requests). For replicas on other machines, rsync the snapshot directory there first
(into INDEX_DIR/snapshots/NAME.building, renamed to NAME when whole) and run this on
each machine with that copy. Exit 0 when every replica switched, 2 otherwise.
"""
from __future__ import annotations

import sys
from pathlib import Path

from scripts.deploy.replicas import push


def main(argv: list[str]) -> int:
    """Push argv[0] to the index directories argv[1:]."""
    if len(argv) < 2 or not Path(argv[0]).is_dir():
        print("usage: python -m scripts.deploy.push SNAPSHOT_DIR INDEX_DIR [INDEX_DIR ...]",
              file=sys.stderr)
        return 2
    try:
        seconds = push(Path(argv[0]).resolve(), [Path(d) for d in argv[1:]])
    except (OSError, RuntimeError, ValueError) as exc:
        print(f"error: {exc}; nothing was switched where the copy failed", file=sys.stderr)
        return 2
    print(f"{Path(argv[0]).name} is current in {len(argv) - 1} index directories ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
