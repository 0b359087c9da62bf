"""A segment writer's postings as columns: rows added a batch of documents at a time, read back by term.

Stands in for Whoosh's PostingPool (a tuple per posting, sorted one by one).
Each row is one posting: its term (an id in the pool's key table of (field,
term bytes)), docnum, weight, and either its positions (text fields: a count
and a run of the flat positions array) or the id of its value bytes (other
fields, whose few values are shared). Batches are kept as numpy arrays; past
`limit_mb` they are sorted by term and spilled to a run file. Reading back
(`windows`) merges the runs and what is in memory a window of terms at a time,
sorted by field and term bytes, docnums ascending within a term (rows reach
the pool in docnum order and every sort is stable).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import numpy as np

from indexer.index import heap

POOL_LIMIT_MB = 128       # rows in memory before a spill (one pool per writer process)
WINDOW_ROWS = 1 << 18     # rows read back at a time (a term's rows are never split)
GATHER_ROWS = 1 << 16     # rows whose positions are gathered at a time when sorting
COLUMNS = (("key", np.int32), ("doc", np.int32), ("weight", np.float32), ("npos", np.int32), ("vid", np.int32))


class PostingPool:
    """Postings as columns, spilled to sorted runs past a memory limit."""

    def __init__(self, folder: Path, limit_mb: float | None = None):
        self._folder = Path(folder)
        self._limit = (POOL_LIMIT_MB if limit_mb is None else limit_mb) * 1024 * 1024
        self.key_field: list[str] = []
        self.key_bytes: list[bytes] = []
        self._keys: dict[tuple[str, bytes], int] = {}
        self.values: list[bytes] = []
        self._value_ids: dict[bytes, int] = {}
        self._batches: list[tuple[dict, np.ndarray]] = []
        self._bytes = 0
        self._runs: list[_Run] = []

    def key(self, field: str, tbytes: bytes) -> int:
        """The id of a term of a field."""
        found = self._keys.get((field, tbytes))
        if found is None:
            found = self._keys[field, tbytes] = len(self.key_field)
            self.key_field.append(field)
            self.key_bytes.append(tbytes)
        return found

    def value_id(self, value: bytes) -> int:
        """The id of a (non-positional) value's bytes."""
        found = self._value_ids.get(value)
        if found is None:
            found = self._value_ids[value] = len(self.values)
            self.values.append(value)
        return found

    def add(self, columns: dict[str, np.ndarray], positions: np.ndarray) -> None:
        """Rows (COLUMNS, equal lengths), docnums not below any added before; `positions` holds
        `npos` positions per row, in row order."""
        cols = {name: np.ascontiguousarray(columns[name], dtype=dtype) for name, dtype in COLUMNS}
        positions = np.ascontiguousarray(positions, dtype=np.int32)
        self._batches.append((cols, positions))
        self._bytes += sum(a.nbytes for a in cols.values()) + positions.nbytes
        if self._bytes > self._limit:
            self._spill()

    def _ranks(self, keys: np.ndarray | None = None) -> np.ndarray:
        """Per key id, its place in (field, term bytes) order among `keys` (default: all); ids
        not among `keys` get -1."""
        ids = range(len(self.key_field)) if keys is None else np.unique(keys).tolist()
        order = sorted(ids, key=lambda k: (self.key_field[k], self.key_bytes[k]))
        rank = np.full(len(self.key_field), -1, dtype=np.int32)      # 4 bytes a row where rows are ranked
        rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        return rank

    def _sort_batches(self, rank: np.ndarray, sink) -> None:
        """The batches in memory sorted by term rank (stable), handed to `sink(name, array)` a column at
        a time (COLUMNS, then "positions"); each column's batches are freed as it is sorted, so the
        pool never holds more than its batches and about two columns' copies (docs/performance.md,
        "The 1M rebuild's memory")."""
        batches, self._batches, self._bytes = self._batches, [], 0
        parts = {name: [b[0][name] for b in batches] for name, _ in COLUMNS}
        parts["positions"] = [b[1] for b in batches]
        del batches
        order = np.argsort(rank[np.concatenate(parts["key"])], kind="stable")
        npos = np.concatenate(parts.pop("npos"))
        starts = _starts(npos, order)
        npos = npos[order]
        for name, _ in COLUMNS:
            if name == "npos":
                sink(name, npos)
                continue
            column = np.concatenate(parts.pop(name))
            sink(name, column[order])
            del column
        del order
        positions = np.concatenate(parts.pop("positions"))
        sink("positions", _gather(positions, starts, npos))

    def _sorted(self, rank: np.ndarray) -> tuple[dict, np.ndarray]:
        """The batches in memory as one set of columns sorted by term rank (stable), and their positions."""
        out: dict[str, np.ndarray] = {}
        self._sort_batches(rank, out.__setitem__)
        positions = out.pop("positions")
        return out, positions

    def _spill(self) -> None:
        # Ranked among the batches' own keys: the same order as among all, for less sorting.
        rank = self._ranks(np.concatenate([b[0]["key"] for b in self._batches]))
        run = _Run(self._folder / f"pool-{len(self._runs)}")

        def sink(name: str, column: np.ndarray) -> None:
            if name == "key":
                run.ukeys, run.ustart = _terms(column).values()
            run.write(name, column)
        self._sort_batches(rank, sink)
        self._runs.append(run)
        heap.trim()

    def windows(self) -> Iterator[tuple[dict, np.ndarray]]:
        """Every row, sorted by (field, term bytes) then docnum, a window of whole terms at a time:
        (columns, positions)."""
        if self._batches and self._runs:
            self._spill()       # read back a window at a time like the others, not held whole
        rank = self._ranks()
        sources = [{"run": run, "ukeys": run.ukeys, "ustart": run.ustart} for run in self._runs]
        if self._batches:
            cols, positions = self._sorted(rank)
            sources.append({**cols, "positions": positions, **_terms(cols["key"])})
        counts = np.zeros(len(rank), dtype=np.int64)
        for s in sources:
            s["urank"] = rank[s["ukeys"]]
            counts[s["urank"]] += np.diff(s["ustart"])
            s["pcursor"] = 0
        cum = np.cumsum(counts)
        lo = 0
        while lo < len(rank):
            hi = max(int(np.searchsorted(cum, (cum[lo - 1] if lo else 0) + WINDOW_ROWS, "right")), lo + 1)
            parts = []
            for s in sources:
                ua, ub = np.searchsorted(s["urank"], [lo, hi])
                a, b = int(s["ustart"][ua]), int(s["ustart"][ub])
                if b > a:
                    read = s["run"].read if "run" in s else lambda name, x, y: s[name][x:y]
                    cols = {name: read(name, a, b) for name, _ in COLUMNS}
                    p0 = s["pcursor"]
                    s["pcursor"] = p1 = p0 + int(cols["npos"].sum())
                    parts.append((cols, read("positions", p0, p1)))
            lo = hi
            if len(parts) == 1:
                yield parts[0]
            elif parts:
                keys = np.concatenate([p[0]["key"] for p in parts])
                order = np.argsort(rank[keys], kind="stable")   # runs are in docnum order
                npos = np.concatenate([p[0]["npos"] for p in parts])
                cols = {name: np.concatenate([p[0][name] for p in parts])[order] for name, _ in COLUMNS}
                yield cols, _gather(np.concatenate([p[1] for p in parts]), _starts(npos, order), cols["npos"])

    def cleanup(self) -> None:
        """Remove the run files."""
        for run in self._runs:
            run.remove()
        self._runs, self._batches = [], []


class _Run:
    """Spilled rows: one raw file per column, written a column at a time and read back a slice at a
    time (not mapped: mapped pages would count in the writer's memory until unmapped)."""

    def __init__(self, stem: Path):
        self.stem = stem
        self.paths: dict[str, Path] = {}
        self.dtypes: dict[str, np.dtype] = {}
        self.lengths: dict[str, int] = {}
        self.ukeys = self.ustart = np.zeros(0, dtype=np.int64)

    def write(self, name: str, a: np.ndarray) -> None:
        """One whole column."""
        self.paths[name] = self.stem.with_name(f"{self.stem.name}.{name}")
        self.dtypes[name], self.lengths[name] = a.dtype, len(a)
        a.tofile(self.paths[name])

    def read(self, name: str, start: int, end: int) -> np.ndarray:
        """Elements start .. end - 1 of one column."""
        dtype = self.dtypes[name]
        return np.fromfile(self.paths[name], dtype=dtype, count=end - start, offset=start * dtype.itemsize)

    def remove(self) -> None:
        for path in self.paths.values():
            try:
                os.remove(path)
            except OSError:
                pass


def _terms(keys: np.ndarray) -> dict[str, np.ndarray]:
    """The distinct keys of rows sorted by key rank, and where each one's rows start (and end)."""
    if not len(keys):
        return {"ukeys": np.zeros(0, dtype=np.int32), "ustart": np.zeros(1, dtype=np.int64)}
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return {"ukeys": keys[starts], "ustart": np.append(starts, len(keys)).astype(np.int64)}


def _starts(npos: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Where the positions of row order[i] start, given rows of `npos` positions in their old order."""
    starts = np.cumsum(npos, dtype=np.int64) - npos
    return starts[order]


def _gather(positions: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The runs positions[starts[i]:starts[i] + counts[i]], concatenated; a slice of rows at a time
    (GATHER_ROWS), so the int64 indexes made on the way stay small beside the result."""
    counts = counts.astype(np.int64)
    total = int(counts.sum())
    out = np.empty(total, dtype=np.int32)
    at = 0
    for a in range(0, len(counts), GATHER_ROWS):
        n, s = counts[a:a + GATHER_ROWS], starts[a:a + GATHER_ROWS]
        size = int(n.sum())
        if size:
            before = np.cumsum(n) - n
            out[at:at + size] = positions[np.repeat(s - before, n) + np.arange(size)]
        at += size
    return out
