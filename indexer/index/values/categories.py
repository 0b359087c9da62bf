"""Treatment categories of a disputed item, close to the DWC's IMR categories.

`categorize(item_text)` maps an item heading ('Norco 10/325mg #60',
'MRI of the lumbar spine') to top-level categories plus, for drugs, a drug
class sub-category ('Pharmaceuticals: Opioids'). An item can fall in several
categories ('EMG and MRI ...'); an item nothing matches is ['Other'].

`guideline_sources(text)` names the guidelines a decision cites:
'MTUS', 'ODG', 'ACOEM' or 'Other' (cited something else); [] when nothing
was cited.

The rules are regular expressions over words, checked against every real
item in the shared corpus (see tests/test_categories.py for the coverage).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from indexer.index.values.category_terms import (
    CATEGORY_PATTERNS, DOSE, DRUG_CLASSES, SURGEON_WORDS, TOPICAL, TOPICAL_PRODUCTS, VISIT,
)

PHARMA = "Pharmaceuticals"
CATEGORIES = (
    PHARMA, "Physical therapy", "Chiropractic", "Acupuncture", "Diagnostic imaging",
    "Electrodiagnostics", "Injections", "Surgery", "Durable medical equipment",
    "Programs", "Evaluation and management", "Behavioral health", "Home health",
    "Laboratory/testing", "Other",
)

_flags = re.IGNORECASE


def _words(names: tuple[str, ...]) -> str:
    return r"(?<![\w-])(?:" + "|".join(n.replace(" ", r"\s+") for n in names) + r")(?![\w-])"


def _compile() -> dict[str, re.Pattern]:
    pats = {name: re.compile(p, _flags) for name, p in CATEGORY_PATTERNS.items()}
    pats["_visit"] = re.compile(VISIT, _flags)
    pats["_surgeon"] = re.compile(SURGEON_WORDS, _flags)
    pats["_topical"] = re.compile(TOPICAL, _flags)
    pats["_topical_product"] = re.compile(TOPICAL_PRODUCTS, _flags)
    pats["_dose"] = re.compile(DOSE, _flags)
    for cls, names in DRUG_CLASSES.items():
        pats["drug:" + cls] = re.compile(_words(names), _flags)
    return pats


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    """The categories' regexes: a pure memo of constant data, compiled on first use (not at import)."""
    return _compile()


def drug_classes(text: str) -> list[str]:
    """The drug classes named in `text` (empty when it names no drug)."""
    pats = _patterns()
    specific = [c for c in DRUG_CLASSES if c != "Other drugs" and pats["drug:" + c].search(text)]
    topical = bool(pats["_topical"].search(text))
    # A vehicle word alone ('gel', 'patch') needs a drug beside it; a named product does not.
    if pats["_topical_product"].search(text) or topical and (
            specific or pats["_dose"].search(text) or "%" in text or pats["drug:Other drugs"].search(text)):
        return ["Topical analgesics/compounds"]
    if specific:
        return specific
    if pats["drug:Other drugs"].search(text) or pats["_dose"].search(text):
        return ["Other drugs"]
    return []


def _main_text(item: str) -> str:
    # 'X was the original request. Y was authorized ... The remaining ... portion, Z is'
    # describes one service: the first sentence names it.
    m = re.match(r"(.+?)\s+was\s+the\s+original\s+request", item, _flags | re.DOTALL)
    return m.group(1) if m else item


def categorize(item_text: str) -> list[str]:
    """Treatment categories of one disputed item, most specific first; ['Other'] if none."""
    text = _main_text(item_text or "")
    pats = _patterns()
    found: list[str] = []
    associated = re.match(r"\s*associated\s+surgical\s+services?\s*:?\s*(.*)", text, _flags | re.DOTALL)
    if associated:
        found.append("Surgery")
        text = associated.group(1)
    drugs = [] if re.search(r"drug\s+(?:test|screen)", text, _flags) else drug_classes(text)
    for cls in drugs:
        found += [PHARMA, f"{PHARMA}: {cls}"]
    for name in CATEGORY_PATTERNS:
        if name in found or not pats[name].search(text):
            continue
        if name == "Surgery" and _only_surgeon_visit(text, pats):
            continue
        if name == "Durable medical equipment" and _equipment_is_therapy(text, found):
            continue
        if name == "Physical therapy" and _chiropractic_physiotherapy(text, pats):
            continue
        found.append(name)
    if _is_visit(text, found, pats):
        found.append("Evaluation and management")
    found = list(dict.fromkeys(found))
    return found or ["Other"]


def _only_surgeon_visit(text: str, pats: dict[str, re.Pattern]) -> bool:
    """'Spine surgery evaluation': a visit to a surgeon, not an operation."""
    if not pats["_visit"].search(text):
        return False
    rest = pats["_surgeon"].sub(" ", text)
    return not pats["Surgery"].search(rest)


def _chiropractic_physiotherapy(text: str, pats: dict[str, re.Pattern]) -> bool:
    """'Chiropractic physiotherapy' is chiropractic care, not physical therapy."""
    if not pats["Chiropractic"].search(text):
        return False
    return not pats["Physical therapy"].search(re.sub(r"physiotherap\w*", " ", text, flags=_flags))


def _equipment_is_therapy(text: str, found: list[str]) -> bool:
    """'Ice/Heat pads therapy times 12' or 'Hand therapy' sessions are not equipment."""
    if PHARMA in found:
        return True
    if "Programs" in found and re.search(r"rehab\w*\s+unit", text, _flags):
        return True
    therapy = {"Physical therapy", "Chiropractic", "Acupuncture"} & set(found)
    return bool(therapy) and not re.search(r"\bunit\b|brace|purchase|rental|kit", text, _flags)


def _is_visit(text: str, found: list[str], pats: dict[str, re.Pattern]) -> bool:
    """A visit/consultation item that no service category claimed."""
    if not pats["_visit"].search(text):
        return False
    claimed = set(found) - {"Surgery"}
    if claimed:
        return False
    return "Surgery" not in found or bool(re.search(r"clearance|consult", text, _flags))


# --- guidelines --------------------------------------------------------------

_NO_CITATION = re.compile(r"did\s+not\s+cite\s+any\s+medical\s+evidence", _flags)
_PREAMBLE = re.compile(
    r"The\s+(?:Expert\s+Reviewer|Claims\s+Administrator)\s+(?:did\s+not\s+base|based)\s+"
    r"(?:their|its)\s+decision\s+on\s+(?:recommendation\(s\)\s+outside\s+of\s+)?the\s+MTUS"
    r"(?:\s+Guidelines)?\.?", _flags)
_ODG = re.compile(r"\bODG\b|official\s+disability\s+guidelines?|work\s+loss\s+data", _flags)
_ACOEM = re.compile(r"\bACOEM\b|american\s+college\s+of\s+occupational", _flags)
# The MTUS chapters the DWC adopted from ACOEM's Practice Guidelines, 2nd ed. (2004) (8 CCR 9792.22
# General Approaches, 9792.23.1-9792.23.8 the "... Complaints" chapters, the Elbow chapter revised
# 2007), cited as "MTUS Low Back Complaints 2004": ACOEM as well as MTUS. So is ACOEM's book by its
# title ("Occupational medicine practice guidelines, 2nd edition (2004)", Harris J, ed.).
_ACOEM_CHAPTER = re.compile(
    r"\b(?:neck\s+and\s+upper\s+back|shoulder|elbow|forearm,?\s+wrist,?\s+and\s+hand|low\s+back|knee"
    r"|ankle\s+and\s+foot|eye|stress[-\s]related)\s+(?:complaints|disorders|conditions)"
    r"(?:\s*\(revised\))?\s+20(?:04|07)\b|\bgeneral\s+approaches\s+2004\b"
    r"|occupational\s+medicine\s+practice\s+guidelines", _flags)
_MTUS = re.compile(r"(?<!Non-)(?<!Non )\bMTUS\b|medical\s+treatment\s+utilization\s+schedule", _flags)


def guideline_sources(guideline_text: str | None) -> list[str]:
    """Guidelines a decision cites, in the order MTUS, ODG, ACOEM, Other; [] if none."""
    text = guideline_text or ""
    if not text.strip() or _NO_CITATION.search(text):
        return []
    text = _PREAMBLE.sub(" ", text)
    found = set()
    for clause in re.split(r"Decision\s+based\s+on\s+", text, flags=_flags):
        clause = clause.strip()
        if not clause:
            continue
        non_mtus = re.match(r"Non-?\s*MTUS", clause, _flags)
        hits = {name for name, rx in (("ODG", _ODG), ("ACOEM", _ACOEM)) if rx.search(clause)}
        if not non_mtus and _MTUS.search(clause):
            hits.add("MTUS")
        if _ACOEM_CHAPTER.search(clause):
            hits.add("ACOEM")
        found |= hits or {"Other"}
    return [s for s in ("MTUS", "ODG", "ACOEM", "Other") if s in found]


# --- coverage ----------------------------------------------------------------

@dataclass
class Coverage:
    """How many items categorize() placed, per category."""

    items: int = 0
    other: int = 0                                   # items categorized only as 'Other'
    per_category: Counter = field(default_factory=Counter)
    letters: int = 0
    others: list[str] = field(default_factory=list)  # the item headings left 'Other'

    @property
    def rate(self) -> float:
        """Share of items in a category other than 'Other'."""
        return 1 - self.other / self.items if self.items else 0.0


def coverage(item_texts: Iterable[str]) -> Coverage:
    """categorize() over item headings: counts per category and the 'Other' share."""
    out = Coverage()
    for text in item_texts:
        found = categorize(text)
        out.items += 1
        if found == ["Other"]:
            out.other += 1
            out.others.append(text)
        out.per_category.update(found)
    return out


def expected_coverage(folders: Iterable[Path]) -> Coverage:
    """Coverage over the items of expected-parse JSON files; a file name seen twice counts once."""
    files: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*.json")):
            files.setdefault(path.name, path)
    items = [item.get("item") or "" for path in files.values()
             for item in json.loads(path.read_text(encoding="utf-8")).get("items", [])]
    result = coverage(items)
    result.letters = len(files)
    return result
