"""Parser accuracy against hand-labelled expected JSON (used by a test and scripts/evaluate.py)."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ExtractError
from indexer.ingest.parser import parse_file
from indexer.record import HEADER_FIELDS
from indexer.settings import Settings

LABELLED_FIELDS = HEADER_FIELDS + ("license_states", "specialties", "patient_age", "patient_gender", "pages")
ITEM_CHECKS = ("item", "decision", "claims_administrator_guideline", "maximus_guideline",
               "rationale_start", "rationale_end", "rationale", "eligible_portion")
# The accuracy bar: these must be right on every letter.
BAR = HEADER_FIELDS + ("item_count", "item", "decision")


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(value):
    """Whitespace and line-end hyphen differences aside."""
    if isinstance(value, str):
        value = value.translate(_QUOTES)
        return re.sub(r"[\s\-\u2010\u2011]+", "", value).lower()
    if isinstance(value, list):
        return [norm(v) for v in value]
    return value


@dataclass
class Accuracy:
    """Per-field right/total counts and the mismatches behind them."""

    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    mismatches: list[str] = field(default_factory=list)

    def count(self, name: str, ok: bool, where: str, got=None, want=None) -> None:
        self.total[name] += 1
        self.right[name] += ok
        if not ok:
            self.mismatches.append(f"{where}: {name}: got {got!r}, expected {want!r}")

    def rate(self, name: str) -> float:
        return self.right[name] / self.total[name] if self.total[name] else 1.0

    def bar_met(self) -> bool:
        return all(self.rate(f) == 1.0 for f in BAR)


def letter_pairs(letters_dir: Path) -> list[tuple[Path, Path]]:
    """(letter file, expected JSON) pairs under a shared/letters-like directory."""
    expected = Path(letters_dir) / "expected"
    pairs = []
    for exp in sorted(expected.glob("*.json")):
        for folder, suffix in (("pdf", ".pdf"), ("seeds", ".txt")):
            src = Path(letters_dir) / folder / (exp.stem + suffix)
            if src.exists():
                pairs.append((src, exp))
    return pairs


def synthetic_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """(letter, ground truth) pairs written by `imr synth` (FOLDER/expected/<stem>.json)."""
    return [(p, p.parent / "expected" / (p.stem + ".json")) for p in sorted(Path(folder).iterdir())
            if p.is_file() and (p.parent / "expected" / (p.stem + ".json")).exists()]


def evaluate(pairs: list[tuple[Path, Path]], settings: Settings, acc: Accuracy | None = None) -> Accuracy:
    """Parse every letter and compare it field by field with its expected JSON."""
    acc = acc or Accuracy()
    for src, exp in pairs:
        want = json.loads(Path(exp).read_text())
        where = f"{src.name} [{settings.pdf_engine}]" if src.suffix == ".pdf" else src.name
        try:
            got = parse_file(src, settings)
        except ExtractError as e:
            acc.count("parsed", False, where, e.reason, "a record")
            continue
        acc.count("parsed", True, where)
        compare(got, want, where, acc)
    return acc


def compare(got: dict, want: dict, where: str, acc: Accuracy) -> None:
    """Count one letter's fields into `acc`."""
    for name in LABELLED_FIELDS + ("layout", "summary", "synthetic"):
        if name in want:
            acc.count(name, norm(got.get(name)) == norm(want[name]), where, got.get(name), want[name])
    acc.count("item_count", len(got["items"]) == len(want["items"]), where,
              len(got["items"]), len(want["items"]))
    for n, (g, w) in enumerate(zip(got["items"], want["items"]), 1):
        g = {**g, "rationale_start": g.get("rationale") or "", "rationale_end": g.get("rationale") or ""}
        for name in ITEM_CHECKS:
            if name not in w:
                continue
            if name == "rationale_start":
                ok = norm(g[name]).startswith(norm(w[name]))
            elif name == "rationale_end":
                ok = norm(g[name]).endswith(norm(w[name]))
            else:
                ok = norm(g.get(name)) == norm(w[name])
            acc.count(name, ok, f"{where} item {n}", (g.get(name) or "")[:160], w[name])
