"""Counts over the published index, for `imr stats` (`indexer.index_stats`)."""
from __future__ import annotations

from collections import Counter

from indexer.index.values import reviewer
from indexer.index.stores import letterstore
from indexer.settings import Settings
from indexer.index.stores.snapshots import check_schema, current


def _ranked(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def index_stats(settings: Settings) -> dict:
    """Letters, items and counts by decision, outcome, specialty, year and format (raises IndexMissing)."""
    snapshot = current(settings)
    check_schema(snapshot, settings)
    records = letterstore.read_all(snapshot)
    items = [item for r in records for item in r.get("items") or []]
    years = Counter((r.get("decision_date") or "")[:4] or "unknown" for r in records)
    return {
        "snapshot": snapshot.name,
        "letters": len(records),
        "items": len(items),
        "partial_letters": sum(bool(r.get("partial")) for r in records),
        "synthetic_letters": sum(bool(r.get("synthetic")) for r in records),
        "by_decision": _ranked(Counter(i.get("decision") or "unknown" for i in items)),
        "by_outcome": _ranked(Counter(r.get("outcome") or "unknown" for r in records)),
        # The facet's spellings (one per specialty), not the letters' printed variants.
        "by_specialty": _ranked(Counter(s for r in records
                                        for s in reviewer.specialties(r.get("specialties") or []))),
        "by_year": dict(sorted(years.items())),
        "by_format": _ranked(Counter(r.get("format") or "unknown" for r in records)),
    }
