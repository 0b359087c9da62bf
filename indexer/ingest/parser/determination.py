"""The 2014-2017 'Final Determination' letters (layouts header2016 and prose2014)."""
from __future__ import annotations

import re

from indexer.ingest.parser.credentials import parse_credentials
from indexer.ingest.parser.header import parse_header
from indexer.ingest.parser.headings import heading
from indexer.ingest.parser.items import LABELS, parse_items
from indexer.ingest.parser.text import join

NAMES = ("header2016", "prose2014")

HOW_MADE = heading("HOW THE IMR FINAL DETERMINATION WAS MADE")
SUMMARY = heading("CLINICAL CASE SUMMARY")
ISSUES = re.compile(r"^IMR\s*ISSUES,?\s*DECISIONS,?\s*AND\s*RATIONALES\b", re.I)
FORTH_BELOW = re.compile(r"set\s+forth\s+below\s*:[ \t]*", re.I)
SUMMARY_INTRO = re.compile(
    r"^The expert reviewer developed the following clinical case summary based on a review of the "
    r"case file, including all medical records\s*:\s*", re.I)


def matches(lines: list[str]) -> bool:
    """True for letters with the 'HOW THE IMR FINAL DETERMINATION WAS MADE' body."""
    return any(HOW_MADE.match(ln) for ln in lines) and any(ISSUES.match(ln) for ln in lines)


def parse(lines: list[str]) -> dict:
    """Fields of a 2014-2017 letter; 'layout' says whether it had the header table."""
    how = _index(lines, HOW_MADE, 0)
    summary_at = _index(lines, SUMMARY, how)
    issues_at = _index(lines, ISSUES, summary_at)
    header = parse_header("\n".join(lines[:how]))
    states, specialties = parse_credentials(lines[how + 1:summary_at])
    summary = SUMMARY_INTRO.sub("", join(lines[summary_at + 1:issues_at]))
    region = item_lines(lines[issues_at + 1:])
    items, warnings = parse_items(region)
    rationales = sum(1 for ln in region if LABELS["rationale"].match(ln))
    if rationales != len(items):
        warnings.append(f"{len(items)} items but {rationales} decision rationales: check the item split")
    return {**header, "license_states": states, "specialties": specialties, "summary": summary,
            "items": items, "warnings": warnings,
            "layout": "header2016" if header["case_number"] else "prose2014"}


def _index(lines: list[str], rx: re.Pattern, start: int) -> int:
    return next((i for i in range(start, len(lines)) if rx.match(lines[i])), len(lines))


def item_lines(lines: list[str]) -> list[str]:
    """The lines after 'set forth below:', which may wrap or share a line with the first heading."""
    head = "\n".join(lines[:6])
    m = FORTH_BELOW.search(head)
    if not m:
        return lines
    consumed = head[:m.end()].count("\n")
    rest = head[m.end():].split("\n", 1)[0].strip()
    return ([rest] if rest else []) + lines[consumed + 1:]
