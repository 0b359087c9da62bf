"""The letter store (letters.sqlite): one row per letter with its whole record as JSON, and what a
hit shows of its letter (`hit_view`) as a compact JSON beside it.

The summary and every item live here once per letter; the Whoosh documents
hold only what search needs per item. Written by a build, copied and changed
by `imr add`, read by the searcher (a letter page; a hit's format, summary,
guidelines and other items, from the hit view) and by `imr check` and `imr stats`.
A store written before the hit view has no such column: its hits read the record.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from indexer.index.stores.files import LETTER_STORE
from indexer.record import Record, Ref


def path_of(snapshot: Path) -> Path:
    """Where a snapshot's letter store is."""
    return Path(snapshot) / LETTER_STORE


def connect_readonly(snapshot: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection to a snapshot's letter store."""
    return sqlite3.connect(f"file:{path_of(snapshot)}?mode=ro", uri=True,
                           check_same_thread=check_same_thread)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:     # lone surrogates: a file name that is not UTF-8
        return False


def _path_column(source: str | None) -> str | bytes | None:
    """A source path for SQLite: its bytes when it is not UTF-8, so it stays exact."""
    return source if source is None or _utf8(source) else os.fsencode(source)


def _record_json(record: Record) -> str:
    """The record as JSON text SQLite accepts: with ASCII escapes when a path is not UTF-8."""
    text = json.dumps(record, ensure_ascii=False)
    return text if _utf8(text) else json.dumps(record)


@contextmanager
def _disk(path: Path) -> Iterator[None]:
    """SQLite's "database or disk is full" as the OSError (ENOSPC) of every other write, naming the file.

    So the rebuild cleans up as for any full disk and the CLI prints its one line with the fix."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "is full" in str(exc):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from exc
        raise


HitView = tuple[str | None, str, list]     # format, summary, [[item, decision, guideline], ...] per item


def hit_view(record: Record | None) -> HitView:
    """What a hit shows of its letter: the original's format, the summary and each item's heading,
    decision and guidelines (joined), in item order; a missing letter shows nothing."""
    record = record or {}
    items = [[item.get("item"), item.get("decision"),
              "\n".join(t for t in (item.get("claims_administrator_guideline"), item.get("maximus_guideline")) if t)]
             for item in record.get("items") or []]
    return record.get("format"), record.get("summary") or "", items


def _view_json(record: Record) -> str:
    """hit_view(record) as JSON text SQLite accepts (as _record_json)."""
    text = json.dumps(hit_view(record), ensure_ascii=False)
    return text if _utf8(text) else json.dumps(hit_view(record))


def _insert(con: sqlite3.Connection, records: Iterable[Record]) -> None:
    con.executemany(
        "INSERT INTO letters (id, case_number, content_hash, source, hit, record) VALUES (?, ?, ?, ?, ?, ?)",
        ((r["id"], r.get("case_number"), r.get("content_hash"), _path_column(r.get("source")),
          _view_json(r), _record_json(r)) for r in records))


# The hit view before the record: a row's columns are read in order, and a record of a few KB
# spills into overflow pages that reading a column after it walks through (at 10k, 15 µs a hit's
# view read and decoded, 18 after the record).
_TABLE = ("CREATE TABLE letters (id TEXT PRIMARY KEY, case_number TEXT,"
          " content_hash TEXT, source TEXT, hit JSON, record JSON)")
_CASE_INDEX = "CREATE INDEX letters_case ON letters(case_number)"


def write(snapshot: Path, records: Iterable[Record]) -> None:
    """Create the letter store of a snapshot being built."""
    with Appender(path_of(snapshot)) as store:
        for record in records:
            store.add(record)


class Appender:
    """A new letter store (or a part of one) written record by record, in batches."""

    BATCH = 500

    def __init__(self, path: Path, case_index: bool = True):
        self._path = path
        self._con = sqlite3.connect(path)
        with _disk(path):
            self._con.execute("PRAGMA journal_mode=OFF")   # a store being built is discarded on failure
            self._con.execute(_TABLE)
            if case_index:
                self._con.execute(_CASE_INDEX)
        self._pending: list[Record] = []

    def add(self, record: Record) -> None:
        """One more letter (rows keep the order they are added in)."""
        self._pending.append(record)
        if len(self._pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        with _disk(self._path):
            _insert(self._con, self._pending)
        self._pending = []

    def __enter__(self) -> "Appender":
        return self

    def __exit__(self, kind, *_) -> None:
        try:
            if kind is None:
                self._flush()
                with _disk(self._path):
                    self._con.commit()
        finally:
            self._con.close()


def merge(snapshot: Path, parts: list[Path]) -> None:
    """The snapshot's letter store made of the parts' rows, part after part, each in its row order.

    SQLite copies the rows itself (no JSON is read in Python), so this costs
    about a copy of the parts' bytes whatever the number of letters; one part
    is simply moved.
    """
    one = len(parts) == 1
    if one:
        os.replace(parts[0], path_of(snapshot))
    con = sqlite3.connect(path_of(snapshot))
    try:
        with _disk(path_of(snapshot)):
            con.execute("PRAGMA journal_mode=OFF")
            if not one:
                con.execute(_TABLE)
                for part in parts:
                    con.execute("ATTACH DATABASE ? AS part", (str(part),))
                    with con:
                        con.execute("INSERT INTO letters SELECT * FROM part.letters ORDER BY rowid")
                    con.execute("DETACH DATABASE part")
            with con:
                con.execute(_CASE_INDEX)
    finally:
        con.close()


def write_changed(base: Path, snapshot: Path, removed: set[str], new: list[Record]) -> None:
    """The base's letter store, copied into `snapshot`, less the `removed` letters, plus `new`."""
    shutil.copyfile(path_of(base), path_of(snapshot))
    con = sqlite3.connect(path_of(snapshot))
    try:
        with _disk(path_of(snapshot)), con:
            if not has_hit_views(con):      # a base written before the hit view: its letters read their records
                con.execute("ALTER TABLE letters ADD COLUMN hit JSON")
            con.executemany("DELETE FROM letters WHERE id = ?", ((i,) for i in sorted(removed)))
            _insert(con, new)
    finally:
        con.close()


def read_all(snapshot: Path) -> list[Record]:
    """Every record in a snapshot's letter store, in insertion order."""
    con = connect_readonly(snapshot)
    try:
        return [json.loads(row[0]) for row in con.execute("SELECT record FROM letters ORDER BY rowid")]
    finally:
        con.close()


def read_refs(snapshot: Path) -> list[Ref]:
    """Every letter of a snapshot's store, in insertion order, as a reference: id, case number,
    content hash, source, partial, format, item_count and verdicts (not its text, summary or items).

    What `add` needs of the letters already indexed, at a fraction of the memory and
    time of the whole records (SQLite reads the JSON, once per row).
    """
    con = connect_readonly(snapshot)
    query = ("SELECT id, case_number, content_hash, source,"
             " json_array(json_extract(record, '$.partial'), json_extract(record, '$.format'),"
             " json_array_length(record, '$.items'), json_extract(record, '$.decision_date'),"
             " (SELECT group_concat(COALESCE(json_extract(value, '$.decision'), '-'), ',')"
             "  FROM json_each(record, '$.items'))) FROM letters ORDER BY rowid")
    try:
        refs = []
        for letter_id, case_number, content_hash, source, extra in con.execute(query):
            partial, form, items, decided, decisions = json.loads(extra)
            refs.append(Ref(id=letter_id, case_number=case_number, content_hash=content_hash,
                            source=os.fsdecode(source) if isinstance(source, bytes) else source,
                            partial=partial, format=form, item_count=items or 0,
                            verdicts=f"{decided or '-'}|{decisions or ''}"))
        return refs
    finally:
        con.close()


def read_one(con: sqlite3.Connection, letter_id: str) -> Record | None:
    """One letter's record from an open letter store, or None."""
    row = con.execute("SELECT record FROM letters WHERE id = ?", (letter_id,)).fetchone()
    return json.loads(row[0]) if row else None


def read_export_views(con: sqlite3.Connection, letter_ids: list[str]) -> dict[str, Record]:
    """Of several letters, by id, what an export row cites: the outcome and the items (not the summary,
    text or header), a few hundred to a statement; a letter not in the store is left out."""
    out: dict[str, Record] = {}
    wanted = list(dict.fromkeys(letter_ids))
    for at in range(0, len(wanted), _IDS_A_STATEMENT):
        some = wanted[at:at + _IDS_A_STATEMENT]
        marks = ",".join("?" * len(some))
        rows = con.execute(f"SELECT id, json_extract(record, '$.outcome'), json_extract(record, '$.items')"
                           f" FROM letters WHERE id IN ({marks})", some)
        out.update((lid, {"outcome": outcome, "items": json.loads(items) if items else []})
                   for lid, outcome, items in rows)
    return out


def has_hit_views(con: sqlite3.Connection) -> bool:
    """Whether an open letter store has the hit views (a store written before them has not)."""
    return any(row[1] == "hit" for row in con.execute("PRAGMA table_info(letters)"))


def read_hit_view(con: sqlite3.Connection, letter_id: str, stored: bool = True) -> HitView:
    """hit_view of one letter of an open letter store; `stored`: the store has them
    (has_hit_views), else (or for a letter added without one) made from the record."""
    if stored:
        row = con.execute("SELECT hit FROM letters WHERE id = ?", (letter_id,)).fetchone()
        if row is None:
            return hit_view(None)
        if row[0] is not None:
            form, summary, items = json.loads(row[0])
            return form, summary, items
    return hit_view(read_one(con, letter_id))


def read_hit_views(con: sqlite3.Connection, letter_ids: list[str], stored: bool = True) -> dict[str, HitView]:
    """read_hit_view of several letters, by id, a few hundred to a statement (a page's letters:
    one lookup instead of one a hit)."""
    wanted = list(dict.fromkeys(letter_ids))
    if not stored:
        return {lid: read_hit_view(con, lid, False) for lid in wanted}
    found: dict[str, str | None] = {}
    for at in range(0, len(wanted), _IDS_A_STATEMENT):
        some = wanted[at:at + _IDS_A_STATEMENT]
        marks = ",".join("?" * len(some))
        found.update(con.execute(f"SELECT id, hit FROM letters WHERE id IN ({marks})", some).fetchall())
    out = {}
    for lid in wanted:
        if lid not in found:
            out[lid] = hit_view(None)
        elif found[lid] is None:        # a letter added without one: from its record
            out[lid] = hit_view(read_one(con, lid))
        else:
            form, summary, items = json.loads(found[lid])
            out[lid] = form, summary, items
    return out


_IDS_A_STATEMENT = 500      # under SQLite's least limit of bound parameters (999)


def count(snapshot: Path) -> int:
    """How many letters a snapshot's store holds."""
    con = connect_readonly(snapshot)
    try:
        return con.execute("SELECT count(*) FROM letters").fetchone()[0]
    finally:
        con.close()
