"""The 'MEDICAL PROFESSIONAL REVIEW' report (layout mpr2013).

As the real reports are laid out: `MEDICAL PROFESSIONAL REVIEW`, then the
sections `ISSUE AT DISPUTE:`, `CASE SUMMARY:`, `DOCUMENTS REVIEWED FOR
DETERMINATION:`, `MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL
REVIEWER AND WHY:`, `RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS
NOT MEDICALLY NECESSARY:` (long headings wrap onto a second line) and `MEDICAL
REVIEWER QUALIFICATIONS:`; no header dates. The issue names the item(s), one a
line when numbered; the decision is the rationale's `the request for <item> is
(not) medically necessary`.
"""
from __future__ import annotations

import re

from indexer.fields import CASE_RE
from indexer.ingest.parser.credentials import parse_credentials
from indexer.ingest.parser.headings import find, heading, sections, text_of, words
from indexer.ingest.parser.text import join

NAMES = ("mpr2013",)

TITLE = heading("MEDICAL PROFESSIONAL REVIEW")
ISSUE = heading("ISSUE AT DISPUTE", colon=True)
HEADINGS = [
    ("issue", ISSUE),
    ("summary", heading("CASE SUMMARY", colon=True)),
    ("documents", heading("DOCUMENTS REVIEWED FOR DETERMINATION", colon=True)),
    ("guideline", heading("MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY",
                          colon=True)),
    ("rationale", heading("RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY "
                          "NECESSARY", colon=True)),
    ("qualifications", heading("MEDICAL REVIEWER QUALIFICATIONS", colon=True)),
]
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.)]\s*")
_ASKED = re.compile(r"^(?:(?:Is|Was|Are|Were)\s+the\s+)?(?:requested\s+|request\s+for\s+)?(?P<item>.+?)"
                    r"(?:\s+(?:is|are|was|were))?(?:\s+medically\s+necessary(?:\s+and\s+appropriate)?)?\s*[?.]?$",
                    re.I)
_VERDICT = re.compile(r"\b(?:is|are|was|were)\s*(?P<not>not\s*)?medically\s*necessary", re.I)


def matches(lines: list[str]) -> bool:
    """True for the title among the first lines and an 'ISSUE AT DISPUTE' heading."""
    return any(TITLE.match(ln) for ln in lines[:10]) and find(lines, ISSUE) is not None


def parse(lines: list[str]) -> dict:
    """Fields of a MEDICAL PROFESSIONAL REVIEW report."""
    parts = sections(lines, HEADINGS)
    states, specialties = parse_credentials(parts.get("qualifications") or [])
    guideline = text_of(parts.get("guideline")) or None
    rationale = text_of(parts.get("rationale"))
    names = _issues(parts.get("issue") or [])
    items = [{"item": name, "decision": decision, "eligible_portion": None,
              "claims_administrator_guideline": None, "maximus_guideline": guideline,
              "rationale": text} for name, (text, decision) in zip(names, _per_item(names, rationale))]
    case = CASE_RE.search(" ".join(lines))
    warnings = [f"item {n} has no decision sentence in the rationale"
                for n, it in enumerate(items, 1) if it["decision"] is None]
    return {"case_number": case[0].upper() if case else None, "license_states": states,
            "specialties": specialties, "summary": text_of(parts.get("summary")), "items": items,
            "warnings": warnings, "layout": "mpr2013"}


def _issues(section: list[str]) -> list[str]:
    """The disputed items: one per numbered line (wrapped lines joined), else the whole issue."""
    section = [ln for ln in section if ln]
    if section and _NUMBERED.match(section[0]):
        groups: list[list[str]] = []
        for ln in section:
            if _NUMBERED.match(ln):
                groups.append([_NUMBERED.sub("", ln)])
            else:
                groups[-1].append(ln)
        names = [join(g) for g in groups]
    else:
        names = [join(section)] if section else []
    return [_ASKED.match(n)["item"].strip(" .:") for n in names if n]


def _per_item(names: list[str], rationale: str) -> list[tuple[str, str | None]]:
    """(rationale, decision) per item: the text up to the sentence 'the request for <item> is (not)
    medically necessary ...', or the whole rationale and its last verdict for one item."""
    out, pos = [], 0
    for k, name in enumerate(names):
        m = re.compile(words("request for " + name) + r"\s*,?\s*(?:is|are)\s*(?P<not>not\s*)?"
                       r"medically\s*necessary[^.]*\.", re.I).search(rationale, pos)
        last = k == len(names) - 1
        if m:
            end = len(rationale) if last else m.end()
            out.append((rationale[pos:end].strip(), "Upheld" if m["not"] else "Overturned"))
            pos = end
        else:
            verdicts = list(_VERDICT.finditer(rationale, pos))
            out.append((rationale[pos:].strip() if last or len(names) == 1 else "",
                        ("Upheld" if verdicts[-1]["not"] else "Overturned") if verdicts else None))
    return out
