"""The DWC's own data as a check of the parser: each fetched letter's search row against its parse.

`imr fetch` keeps the search's row of every case in the manifest beside the
letters. When `imr index` or `imr add` reads a letter that a fetch wrote
(`DIR/CMyy/<case>.pdf` with `DIR/manifest.sqlite`, same bytes), the row's
outcome, decision date, specialty and treatment decisions are compared with the
parsed record; each disagreement is one line for the build report: a free audit
of the parser on every real letter.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from indexer.errors import ImrError
from indexer.fetch.manifest import MANIFEST_NAME, Manifest
from indexer.fetch.site import outcome_of

Load = Callable[[list[Any]], Iterator[dict]]


class Rows:
    """The manifests found beside letters, opened once each (read-only)."""

    def __init__(self) -> None:
        self.manifests: dict[Path, Manifest | None] = {}

    def _manifest(self, folder: Path) -> Manifest | None:
        if folder not in self.manifests:
            try:
                found = Manifest(folder, readonly=True) if (folder / MANIFEST_NAME).is_file() else None
            except (ImrError, sqlite3.Error):
                found = None     # a damaged manifest costs the audit, never the build
            self.manifests[folder] = found
        return self.manifests[folder]

    def row(self, source: str, content_hash: str | None) -> dict[str, Any] | None:
        """The search's row of the case whose fetched letter is `source`, when its bytes are the fetched ones."""
        path = Path(source)
        for folder in (path.parent.parent, path.parent):
            manifest = self._manifest(folder)
            if manifest is None:
                continue
            try:
                row = manifest.get(path.stem.upper())
            except sqlite3.Error:
                return None
            if row and row["state"] == "fetched" and (content_hash is None or row["sha256"] == content_hash):
                return row
        return None

    def close(self) -> None:
        """Close every manifest opened."""
        for manifest in self.manifests.values():
            if manifest is not None:
                manifest.close()


def compare(record: dict, row: dict) -> list[str]:
    """What the parse says differently from the DWC's row (empty when they agree or one is silent)."""
    found = []
    if row.get("outcome") and record.get("outcome") and outcome_of(row["outcome"]) != record["outcome"]:
        found.append(f"outcome {record['outcome']} (letter) vs {outcome_of(row['outcome'])} (DWC)")
    if row.get("decision_date") and record.get("decision_date") and row["decision_date"] != record["decision_date"]:
        found.append(f"decision date {record['decision_date']} (letter) vs {row['decision_date']} (DWC)")
    specialties = [s.casefold() for s in record.get("specialties") or []]
    if row.get("specialty") and specialties and " ".join(row["specialty"].split()).casefold() not in specialties:
        found.append(f"specialty {', '.join(record['specialties'])} (letter) vs {row['specialty']} (DWC)")
    treatments = row.get("treatments") or []
    items = record.get("items") or []
    if treatments and items:
        theirs = Counter(outcome_of(t[2]) for t in treatments)
        ours = Counter(i.get("decision") for i in items)
        if theirs != ours:
            shown = lambda c: ", ".join(f"{n} {d}" for d, n in sorted(c.items(), key=str)) or "none"  # noqa: E731
            found.append(f"treatment decisions {shown(ours)} (letter) vs {shown(theirs)} (DWC)")
    return found


def disagreements(letters: Iterable[Any], load: Load | None = None) -> list[tuple[str, str]]:
    """(source, 'field X (letter) vs Y (DWC); ...') for each fetched letter the parse disagrees with.

    `letters`: records, or references the build holds instead (`load` reads their records,
    only for the letters that have a DWC row).
    """
    rows = Rows()
    try:
        paired = [(letter, row) for letter in letters
                  if (row := rows.row(str(letter.get("source") or ""), letter.get("content_hash")))]
    finally:
        rows.close()
    if not paired:
        return []
    records = list(load([letter for letter, _ in paired])) if load else [letter for letter, _ in paired]
    found = []
    for record, (_, row) in zip(records, paired):
        differences = compare(record, row)
        if differences:
            found.append((str(record.get("source")), "; ".join(differences)))
    return found
