"""The 2013-2015 'MAXIMUS FEDERAL SERVICES, INC.' report (layout maximus_fs).

As the real letters are laid out: `MAXIMUS FEDERAL SERVICES, INC.` /
`Independent Medical Review`, a header table that includes `UR Denial Date:`,
then `HOW THE IMR FINAL DETERMINATION WAS MADE` (the reviewer's credentials),
`DOCUMENTS REVIEWED`, `CLINICAL CASE SUMMARY` and `IMR DECISION(S) AND
RATIONALE(S)`, whose items are written as in the later letters (the item and
its decision, the guidelines, the rationale).
"""
from __future__ import annotations

import re

from indexer.ingest.parser import determination
from indexer.ingest.parser.credentials import parse_credentials
from indexer.ingest.parser.header import parse_header
from indexer.ingest.parser.headings import find, heading, sections, text_of, words
from indexer.ingest.parser.items import LABELS, parse_items

NAMES = ("maximus_fs",)

LETTERHEAD = re.compile(r"^\s*" + words("MAXIMUS FEDERAL SERVICES, INC."), re.I)
HOW_MADE = heading("HOW THE IMR FINAL DETERMINATION WAS MADE")
DOCUMENTS = heading("DOCUMENTS REVIEWED", colon=True)
SUMMARY = heading("CLINICAL CASE SUMMARY", colon=True)
DECISIONS = heading("IMR DECISION(S) AND RATIONALE(S)", colon=True)


def matches(lines: list[str]) -> bool:
    """True for the letterhead near the top and an 'IMR DECISION(S) AND RATIONALE(S)' heading."""
    return any(LETTERHEAD.match(ln) for ln in lines[:15]) and find(lines, DECISIONS) is not None


def parse(lines: list[str]) -> dict:
    """Fields of a MAXIMUS FEDERAL SERVICES report."""
    how = find(lines, HOW_MADE)
    header = parse_header("\n".join(lines[:how[0] if how else 40]))
    parts = sections(lines, [("how", HOW_MADE), ("documents", DOCUMENTS), ("summary", SUMMARY),
                             ("decisions", DECISIONS)])
    states, specialties = parse_credentials(parts.get("how") or [])
    summary = determination.SUMMARY_INTRO.sub("", text_of(parts.get("summary")))
    region = determination.item_lines(parts.get("decisions") or [])
    items, warnings = parse_items(region)
    rationales = sum(1 for ln in region if LABELS["rationale"].match(ln))
    if items and rationales != len(items):
        warnings.append(f"{len(items)} items but {rationales} decision rationales: check the item split")
    return {**header, "license_states": states, "specialties": specialties, "summary": summary,
            "items": items, "warnings": warnings, "layout": "maximus_fs"}
