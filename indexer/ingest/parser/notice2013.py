"""The 2013 'Notice of Independent Medical Review Determination' (layout notice2013).

As the real letters are laid out: MAXIMUS FEDERAL SERVICES, INC. / Independent
Medical Review / a P.O. box, the title and `Dated: <date>` (a text layer may
run these onto one line); a two-column header block (`IMR Case Number: ..
Date of UR Decision: ..`, `Date of Injury: .. IMR Application Received: ..`),
absent from some copies; the decisions as numbered sentences `1) MAXIMUS
Federal Services, Inc. has determined the request for <item> is (not)
medically necessary and appropriate.`, printed twice; the dates again in prose
(`An application ... was filed on <date> disputing the Utilization Review
Denial dated <date>. A Notice of Assignment ... on <date>.`); `Medical
Qualifications of the Expert Reviewer:` (the Board-Certified sentence);
`Case Summary:` with its `Disclaimer: ... dated <date>.` line and the summary
in quotes; `Documents Reviewed for Determination:`; then per item `1) Regarding
the request for <item>:`, `Medical Treatment Guideline(s) Relied Upon by the
Expert Reviewer:` and `Rationale for the Decision:`.
"""
from __future__ import annotations

import re

from indexer.ingest.parser.credentials import parse_credentials
from indexer.ingest.parser.dates import DATE, parse_date
from indexer.ingest.parser.header import parse_header
from indexer.ingest.parser.headings import find, heading, sections, text_of, words
from indexer.ingest.parser.text import collapse, join

NAMES = ("notice2013",)

TITLE = re.compile(words("Notice of Independent Medical Review Determination"), re.I)
QUALIFICATIONS = heading("Medical Qualifications of the Expert Reviewer", colon=True)
CASE_SUMMARY = heading("Case Summary", colon=True)
DOCUMENTS = heading("Documents Reviewed for Determination", colon=True)
DECISION_AND_RATIONALE = heading("INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE")
_DECIDED = re.compile(
    r"(?<![\w/])(?P<n>\d{1,2})\s*[.)]\s*" + words("MAXIMUS Federal Services,") + r"?\s*Inc\.?,?\s*"
    + words("has determined") + r"\s*(?:that\s*)?" + words("the request for")
    + r"\s*(?P<item>.+?)\s*,?\s*(?:is|are)\s*(?P<not>not\s*)?" + words("medically necessary")
    + r"(?:\s*and\s*appropriate)?\s*\.", re.I)
_REGARDING = re.compile(r"^(?P<n>\d{1,2})\s*[.)]\s*" + words("Regarding the request for") + r"\s*(?P<rest>.*)$",
                        re.I)
_ITEM_SECTIONS = [
    ("claims_administrator_guideline",
     heading("Medical Treatment Guideline(s) Relied Upon by the Claims Administrator", colon=True)),
    ("maximus_guideline", heading("Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer",
                                  colon=True)),
    ("rationale", heading("Rationale for the Decision", colon=True)),
]
_PROSE_DATES = {
    "application_received": words("An application for Independent Medical Review was filed on"),
    "ur_denial_date": words("disputing the Utilization Review Denial dated"),
    "date_assigned": words("A Notice of Assignment and Request for Information was provided to the "
                           "above parties on"),
}
_DISCLAIMER = re.compile(r"^\s*Disclaimer\s*:.*?" + words("dated") + rf"\s*({DATE})\s*\.?\s*", re.I | re.S)
_END = re.compile(r"^(?:cc|CC)\s*:|^/\w{1,4}$")


def matches(lines: list[str]) -> bool:
    """True when the title is among the first lines (possibly glued to the letterhead)."""
    return bool(TITLE.search(" ".join(lines[:40])))


def parse(lines: list[str]) -> dict:
    """Fields of a 2013 notice."""
    flat = collapse(" ".join(lines))
    decided: dict[str, tuple[str, str]] = {}
    for m in _DECIDED.finditer(flat):   # printed twice: the first of each number counts
        decided.setdefault(m["n"], (collapse(m["item"]), "Upheld" if m["not"] else "Overturned"))
    top = find(lines, QUALIFICATIONS) or find(lines, CASE_SUMMARY)
    head = parse_header(collapse(" ".join(lines[:top[0] if top else 40])))
    dated = re.search(r"\bDated\s*:\s*(" + DATE + ")", flat, re.I)
    parts = sections(lines, [("qualifications", QUALIFICATIONS), ("summary", CASE_SUMMARY),
                             ("documents", DOCUMENTS)])
    disclaimer = _DISCLAIMER.match(text_of(parts.get("summary")))
    out = {**head, "decision_date": parse_date(dated[1]) if dated else head["decision_date"]}
    for key, phrase in _PROSE_DATES.items():
        m = re.search(phrase + rf"\s*({DATE})", flat, re.I)
        out[key] = out.get(key) or (parse_date(m[1]) if m else None)
    if not out["ur_denial_date"] and disclaimer:
        out["ur_denial_date"] = parse_date(disclaimer[1])
    states, specialties = parse_credentials(parts.get("qualifications") or lines)
    items = _items(parts.get("documents") or lines, decided)
    warnings = []
    if decided and len(decided) != len(items):
        warnings.append(f"{len(decided)} decisions listed but {len(items)} items found")
    return {**out, "license_states": states, "specialties": specialties,
            "summary": _summary(text_of(parts.get("summary")), disclaimer),
            "items": items, "warnings": warnings, "layout": "notice2013"}


def _summary(text: str, disclaimer: re.Match | None) -> str:
    if disclaimer:
        text = text[disclaimer.end():]
    return text.strip().strip("\"\u201c\u201d").strip()


def _items(region: list[str], decided: dict[str, tuple[str, str]]) -> list[dict]:
    """Per-item sections after the documents list; names and decisions from the numbered list."""
    region = [ln for ln in region if ln]
    starts = [i for i, ln in enumerate(region) if _REGARDING.match(ln)]
    items = []
    for k, at in enumerate(starts):
        block = region[at:starts[k + 1] if k + 1 < len(starts) else len(region)]
        block = next((block[:j] for j, ln in enumerate(block) if _END.match(ln)), block)
        m = _REGARDING.match(block[0])
        parts = sections(block, _ITEM_SECTIONS)
        first = min((find(block, rx) or (len(block),))[0] for _, rx in _ITEM_SECTIONS)
        named = join([m["rest"], *block[1:first]]).rstrip(" :")
        name, decision = decided.get(m["n"], (named, None))
        rationale = text_of(parts.get("rationale"))
        if decision is None:
            last = list(re.finditer(r"\b(?:is|are)\s*(not\s*)?medically\s*necessary", rationale, re.I))
            decision = ("Upheld" if last[-1][1] else "Overturned") if last else None
        items.append({"item": name, "decision": decision, "eligible_portion": None,
                      "claims_administrator_guideline": text_of(parts.get("claims_administrator_guideline"))
                      or None,
                      "maximus_guideline": text_of(parts.get("maximus_guideline")) or None,
                      "rationale": rationale})
    if not items:   # no per-item sections: the numbered sentences alone
        items = [{"item": n, "decision": d, "eligible_portion": None, "rationale": "",
                  "claims_administrator_guideline": None, "maximus_guideline": None}
                 for n, d in decided.values()]
    return items
