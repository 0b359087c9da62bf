"""Disputed items of the 2014-2017 letters: heading, decision, guidelines, rationale.

The text layer has no markup, so an item's heading is found from its end: the
line ending in ': Upheld' / ': Overturned' (or the decision alone on the next
line), confirmed by a following 'Claims Administrator guideline:' or 'MAXIMUS
guideline:' or 'Decision rationale:'. Its start is the line after the previous
rationale's last sentence.
"""
from __future__ import annotations

import re

from indexer.ingest.parser.text import collapse, join

DECISIONS = {"upheld": "Upheld", "overturned": "Overturned"}
_DECISION_END = re.compile(r"^(?P<head>.*?)\s*:\s*(?P<dec>Upheld|Overturned)\.?$", re.IGNORECASE)
_DECISION_ALONE = re.compile(r"^(?P<dec>Upheld|Overturned)\.?$", re.IGNORECASE)
LABELS = {
    "claims_administrator_guideline": re.compile(r"^Claims\s+Administrator\s+guideline\s*:\s*", re.I),
    "maximus_guideline": re.compile(r"^MAXIMUS\s+guideline\s*:\s*", re.I),
    "rationale": re.compile(r"^Decision\s+rationale\s*:\s*", re.I),
}
_ANY_LABEL = re.compile(r"^(Claims\s+Administrator|MAXIMUS)\s+guideline\s*:|^Decision\s+rationale\s*:", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_ELIGIBLE = re.compile(
    r"(?:The remaining IMR eligible portion of the original request|The original request)\s*,\s*"
    r"(?P<portion>.+?)\s*,?\s*(?:is|are)$", re.IGNORECASE)
MAX_HEADING_LINES = 8


def parse_items(lines: list[str]) -> tuple[list[dict], list[str]]:
    """Items from the lines after 'set forth below:'; returns (items, warnings)."""
    lines = [ln for ln in lines if ln]
    ends = _decision_lines(lines)
    if not ends:
        return [], ["no disputed item with a decision was found"]
    starts = [0] + [_heading_start(lines, lo, end) for lo, end in zip(ends, ends[1:])]
    items, warnings = [], []
    for k, (start, (end, dec, head_last, body_at)) in enumerate(zip(starts, ends)):
        heading = join(lines[start:end] + [head_last])
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        body = lines[body_at:stop]
        item = _item(heading, dec, body)
        if not item["rationale"]:
            warnings.append(f"item {k + 1} has no decision rationale")
        items.append(item)
    return items, warnings


def _decision_lines(lines: list[str]) -> list[tuple[int, str, str, int]]:
    """(index of the heading's last line, decision, that line's heading text, body start) per item."""
    out = []
    for i, ln in enumerate(lines):
        m = _DECISION_END.match(ln)
        head = m["head"] if m else None
        if not m:
            m = _DECISION_ALONE.match(ln)
            if not m or i == 0 or not lines[i - 1].endswith(":"):
                continue
            head = ""
        if _confirmed(lines, i) and not _ANY_LABEL.match(ln):
            if head == "":
                # heading's last line is the previous one, without its colon
                out.append((i - 1, DECISIONS[m["dec"].lower()], lines[i - 1][:-1], i + 1))
            else:
                out.append((i, DECISIONS[m["dec"].lower()], head, i + 1))
    return out


def _confirmed(lines: list[str], i: int) -> bool:
    return any(_ANY_LABEL.match(ln) for ln in lines[i + 1:i + 3])


def _heading_start(lines: list[str], prev: tuple, end: tuple) -> int:
    """First line of the heading whose decision line is `end`, after item `prev`."""
    lo, hi = prev[3], end[0]
    rationale_at = next((j for j in range(lo, hi) if LABELS["rationale"].match(lines[j])), lo)
    floor = rationale_at + 1
    j = hi
    while j > floor and hi - j < MAX_HEADING_LINES:
        before = lines[j - 1]
        if _SENTENCE_END.search(before) and not _inside_modified_request(lines[j:hi + 1]):
            return j
        j -= 1
    if hi - j >= MAX_HEADING_LINES:
        return _short_line_start(lines, floor, hi)
    return j


def _inside_modified_request(heading: list[str]) -> bool:
    """True while the heading so far is the tail of a 'was the original request' heading."""
    text = collapse(" ".join(heading))
    return bool(re.search(r"original request|IMR eligible|Claims Administrator authorized", text, re.I)) \
        and not re.match(r".*?\bwas the original request\b", text, re.I | re.S) \
        or bool(re.match(r"^(The Claims Administrator authorized|The original request|The remaining IMR)",
                         text, re.I))


def _short_line_start(lines: list[str], floor: int, hi: int) -> int:
    """Fallback: the heading starts after the last short (paragraph-ending) line."""
    width = max((len(ln) for ln in lines[floor:hi]), default=0)
    for j in range(hi, floor, -1):
        if len(lines[j - 1]) < 0.7 * width:
            return j
    return hi


def _item(heading: str, decision: str, body: list[str]) -> dict:
    item = {"item": heading.rstrip(" :"), "decision": decision, "eligible_portion": None,
            "claims_administrator_guideline": None, "maximus_guideline": None, "rationale": ""}
    m = _ELIGIBLE.search(item["item"])
    if m:
        item["eligible_portion"] = m["portion"].rstrip(" ,")
    item.update(split_sections(body))
    return item


def split_sections(body: list[str]) -> dict:
    """The labelled sections of an item body; text before any label counts as rationale."""
    found: dict[str, list[str]] = {}
    current = "rationale"
    for ln in body:
        for key, rx in LABELS.items():
            m = rx.match(ln)
            if m:
                current, ln = key, ln[m.end():]
                found.setdefault(current, [])
                break
        found.setdefault(current, []).append(ln)
    out = {k: (join(v) or None) for k, v in found.items()}
    out["rationale"] = out.get("rationale") or ""
    return out
