"""The fetch manifest: one row per case in the output folder (`manifest.sqlite`), and the windows listed.

SQLite (write-ahead log), because a run may be killed at any moment: each change is its own
transaction, so the manifest is always the last complete state (a JSON-lines
file would need repair after a torn line), and a million cases stay cheap to
look up. A row holds the search's metadata for the case (outcome, dates,
specialty, treatments), its download state ('listed', 'fetched', 'failed'),
the letter's path (relative to the folder), bytes, sha256 and when.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from indexer.errors import FetchManifestDamaged, ImrError

MANIFEST_NAME = "manifest.sqlite"
FORMAT = "imr-fetch-manifest 1"
LISTED, FETCHED, FAILED = "listed", "fetched", "failed"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS cases (
    case_number TEXT PRIMARY KEY, url TEXT NOT NULL, outcome TEXT, decision_date TEXT,
    date_of_injury TEXT, received_date TEXT, specialty TEXT, treatments TEXT NOT NULL DEFAULT '[]',
    listed_at TEXT, state TEXT NOT NULL, file TEXT, bytes INTEGER, sha256 TEXT, fetched_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, problem TEXT);
CREATE INDEX IF NOT EXISTS cases_decided ON cases (decision_date);
CREATE TABLE IF NOT EXISTS windows (
    kind TEXT, start TEXT, end TEXT, filters TEXT, total INTEGER, listed_at TEXT,
    PRIMARY KEY (kind, start, end, filters));
"""
COLUMNS = ("case_number", "url", "outcome", "decision_date", "date_of_injury", "received_date", "specialty",
           "treatments", "listed_at", "state", "file", "bytes", "sha256", "fetched_at", "attempts", "problem")


def now() -> str:
    """The time as stored (UTC, ISO, seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _damaged(path: Path, why: object) -> FetchManifestDamaged:
    return FetchManifestDamaged(
        f"{path} is damaged ({why}); move it aside and run imr fetch again: letters already in "
        f"{path.parent} are checked and kept, not fetched again")


def _row(values: sqlite3.Row | tuple) -> dict[str, Any]:
    row = dict(zip(COLUMNS, values))
    row["treatments"] = [tuple(t) for t in json.loads(row["treatments"] or "[]")]
    return row


class Manifest:
    """The manifest of one output folder, opened (created when absent) and checked."""

    def __init__(self, folder: Path, readonly: bool = False) -> None:
        self.path = Path(folder) / MANIFEST_NAME
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                # WAL: a commit survives a killed process without an fsync each (~15 ms), so listing
                # thousands of windows is not slowed by the disk; a power cut may lose the last few
                # rows, never the file (letters found whole on disk are then taken back).
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self._check(readonly)
        except sqlite3.OperationalError as exc:
            if "disk" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
                raise ImrError(f"{self.path}: cannot write the manifest ({exc}); choose an --out folder "
                               "you can write to on a disk with free space") from exc
            raise _damaged(self.path, exc) from exc
        except sqlite3.DatabaseError as exc:
            raise _damaged(self.path, exc) from exc

    def _check(self, readonly: bool) -> None:
        if self.db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _damaged(self.path, "its integrity check failed")
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables and not readonly:
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
            return
        found = self.db.execute("SELECT value FROM meta WHERE key='format'").fetchone() \
            if "meta" in tables else None
        if not found or found[0] != FORMAT or not {"cases", "windows"} <= tables:
            raise _damaged(self.path, f"not an imr fetch manifest ({FORMAT})")

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def get(self, case_number: str) -> dict[str, Any] | None:
        """The row of one case, or None."""
        found = self.db.execute(f"SELECT {','.join(COLUMNS)} FROM cases WHERE case_number=?",
                                (case_number,)).fetchone()
        return _row(found) if found else None

    def record_listed(self, row: dict[str, Any]) -> None:
        """Add or refresh a case's search metadata; its download state is kept."""
        values = {k: row.get(k) for k in ("case_number", "url", "outcome", "decision_date", "date_of_injury",
                                          "received_date", "specialty")}
        self.db.execute(
            "INSERT INTO cases (case_number, url, outcome, decision_date, date_of_injury, received_date, "
            "specialty, listed_at, state) VALUES (:case_number, :url, :outcome, :decision_date, "
            ":date_of_injury, :received_date, :specialty, :listed_at, 'listed') ON CONFLICT(case_number) "
            "DO UPDATE SET url=excluded.url, outcome=coalesce(excluded.outcome, outcome), "
            "decision_date=excluded.decision_date, date_of_injury=excluded.date_of_injury, "
            "received_date=excluded.received_date, specialty=excluded.specialty, listed_at=excluded.listed_at",
            {**values, "listed_at": now()})

    def record_treatments(self, case_number: str, treatments: list[tuple[str, str, str]]) -> bool:
        """Set a listed case's treatments (category, subcategory, decision); False when it is not listed."""
        done = self.db.execute("UPDATE cases SET treatments=? WHERE case_number=?",
                               (json.dumps(treatments), case_number))
        return done.rowcount > 0

    def record_fetched(self, case_number: str, file: str, size: int, sha256: str) -> None:
        """The letter is in the folder, whole and checked."""
        self.db.execute("UPDATE cases SET state='fetched', file=?, bytes=?, sha256=?, fetched_at=?, problem=NULL, "
                        "attempts=attempts+1 WHERE case_number=?", (file, size, sha256, now(), case_number))

    def record_failed(self, case_number: str, problem: str) -> None:
        """The letter could not be fetched this time (tried again by the next run)."""
        self.db.execute("UPDATE cases SET state='failed', problem=?, attempts=attempts+1 WHERE case_number=?",
                        (problem, case_number))

    def pending(self, cases: list[str] | None = None) -> list[dict[str, Any]]:
        """Cases whose letter is not fetched yet (all, or among `cases`), by case number."""
        rows = [_row(r) for r in self.db.execute(
            f"SELECT {','.join(COLUMNS)} FROM cases WHERE state != 'fetched' ORDER BY case_number")]
        wanted = None if cases is None else set(cases)
        return rows if wanted is None else [r for r in rows if r["case_number"] in wanted]

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every case, by case number."""
        for found in self.db.execute(f"SELECT {','.join(COLUMNS)} FROM cases ORDER BY case_number"):
            yield _row(found)

    def counts(self) -> dict[str, int]:
        """Cases by download state."""
        return dict(self.db.execute("SELECT state, count(*) FROM cases GROUP BY state").fetchall())

    def newest_decision(self) -> str | None:
        """The newest decision date among fetched letters (ISO), or None."""
        return self.db.execute("SELECT max(decision_date) FROM cases WHERE state='fetched'").fetchone()[0]

    def window_listed(self, kind: str, start: str, end: str, filters: str) -> str | None:
        """When this window was listed completely, or None."""
        found = self.db.execute("SELECT listed_at FROM windows WHERE kind=? AND start=? AND end=? AND filters=?",
                                (kind, start, end, filters)).fetchone()
        return found[0] if found else None

    def record_window(self, kind: str, start: str, end: str, filters: str, total: int) -> None:
        """This window was listed completely (every page read)."""
        self.db.execute("INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?, ?, ?)",
                        (kind, start, end, filters, total, now()))
