"""Older layouts (2013 notice, MAXIMUS FEDERAL SERVICES report, MEDICAL PROFESSIONAL
REVIEW) and the partial record for a letter in a layout we do not know.

The exact text shapes are documented in indexer/synth/layouts.py, which renders
synthetic letters of each layout for the tests.
"""
from __future__ import annotations

import re

from indexer.ingest.parse.credentials import parse_credentials
from indexer.ingest.parse.dates import DATE, parse_date
from indexer.ingest.parse.header import parse_header
from indexer.ingest.parse.items import LABELS, split_sections
from indexer.ingest.parse.text import collapse, join

_DECISION = {"upheld": "Upheld", "overturned": "Overturned"}
_LABEL = re.compile("|".join(rx.pattern for rx in LABELS.values()) + r"|^Rationale for the Decision\s*:", re.I)


def _between(lines: list[str], start: str, stops: tuple[str, ...]) -> list[str]:
    """Lines after the first line matching `start` up to one matching any of `stops`."""
    out, inside = [], False
    for ln in lines:
        if not inside:
            inside = bool(re.match(start, ln, re.I))
            continue
        if any(re.match(s, ln, re.I) for s in stops):
            break
        out.append(ln)
    return out


def _labelled(lines: list[str], label: str) -> str | None:
    for ln in lines:
        m = re.match(rf"{label}\s*:\s*(.*)$", ln, re.I)
        if m:
            return m[1].strip()
    return None


def _blocks(lines: list[str], start: re.Pattern) -> list[tuple[re.Match, list[str]]]:
    """Split lines into blocks, each starting at a line matching `start`."""
    out: list[tuple[re.Match, list[str]]] = []
    for ln in lines:
        m = start.match(ln)
        if m:
            out.append((m, []))
        elif out:
            out[-1][1].append(ln)
    return out


def _split(value: str | None) -> list[str]:
    return [collapse(p) for p in re.split(r",|;", value or "") if collapse(p)]


class notice2013:
    """2013 'Notice of Independent Medical Review Determination' with numbered decision lines."""

    TITLE = re.compile(r"^Notice of Independent Medical Review Determination", re.I)
    DECIDED = re.compile(r"^(\d+)\.\s+.*?has determined the request for (.+?) is (not )?medically "
                         r"necessary(?: and appropriate)?\.?$", re.I)
    REQUEST = re.compile(r"^(\d+)\.\s+Request for (.+?):?$", re.I)

    @staticmethod
    def matches(lines: list[str]) -> bool:
        return any(notice2013.TITLE.match(ln) for ln in lines[:40])

    @staticmethod
    def parse(lines: list[str]) -> dict:
        flat = [collapse(" ".join(p)) for p in _numbered(lines)]
        decided = {m[1]: (m[2], "Upheld" if m[3] else "Overturned")
                   for m in map(notice2013.DECIDED.match, flat) if m}
        body = _between(lines, r"^RATIONALE FOR THE DETERMINATION", ())
        items = []
        for m, block in _blocks(body, notice2013.REQUEST):
            head, block = _wrapped_heading(m, block)
            name, decision = decided.get(m[1], (head, None))
            sections = split_sections([re.sub(r"^Rationale for the Decision\s*:",
                                              "Decision rationale:", ln, flags=re.I) for ln in block])
            items.append({"item": collapse(name), "decision": decision, "eligible_portion": None,
                          **sections})
        if not items:  # no rationale section: the numbered lines alone
            items = [{"item": collapse(n), "decision": d, "eligible_portion": None, "rationale": "",
                      "claims_administrator_guideline": None, "maximus_guideline": None}
                     for n, d in decided.values()]
        states, specialties = parse_credentials(_between(lines, r"^HOW THE IMR FINAL", (r"^CLINICAL",)))
        return {"case_number": _case(lines),
                "decision_date": parse_date(_labelled(lines, r"Dated")),
                "date_of_injury": parse_date(_labelled(lines, r"Date of Injury")),
                "ur_denial_date": parse_date(_labelled(lines, r"Date of UR Decision")),
                "application_received": parse_date(_labelled(lines, r"Application Received")),
                "priority": _priority(lines), "license_states": states, "specialties": specialties,
                "summary": _summary(lines, (r"^RATIONALE FOR THE DETERMINATION",)),
                "items": items, "warnings": _count_check(items, len(decided)), "layout": "notice2013"}


def _wrapped_heading(m: re.Match, block: list[str]) -> tuple[str, list[str]]:
    """A 'Request for X:' heading may wrap: take lines up to the one ending in ':'."""
    if m[0].rstrip().endswith(":"):
        return m[2], block
    parts = [m[2]]
    for i, ln in enumerate(block):
        if _LABEL.match(ln):
            return join(parts), block[i:]
        parts.append(ln)
        if ln.endswith(":"):
            return join(parts).rstrip(":"), block[i + 1:]
    return m[2], block


def _numbered(lines: list[str]) -> list[list[str]]:
    """Numbered paragraphs ('1. ...' possibly wrapped) of the determination summary."""
    region = _between(lines, r"^DETERMINATION SUMMARY", (r"^HOW THE IMR", r"^This determination is final"))
    out: list[list[str]] = []
    for ln in region:
        if re.match(r"^\d+\.\s", ln):
            out.append([ln])
        elif out and ln:
            out[-1].append(ln)
    return out


class maximus_fs:
    """'MAXIMUS FEDERAL SERVICES, INC.' reports with DOCUMENTS REVIEWED and IMR DECISION(S)."""

    DECISIONS = re.compile(r"^IMR DECISION\(S\) AND RATIONALE\(S\)", re.I)
    ITEM = re.compile(r"^Item\s+(\d+)\s*:\s*(.*)$", re.I)

    @staticmethod
    def matches(lines: list[str]) -> bool:
        return any(re.match(r"^MAXIMUS FEDERAL SERVICES, INC\.?$", ln) for ln in lines[:40]) \
            and any(maximus_fs.DECISIONS.match(ln) for ln in lines)

    @staticmethod
    def parse(lines: list[str]) -> dict:
        head = _between(lines, r"^Independent Medical Review$", (r"^CLINICAL CASE SUMMARY",))
        docs = collapse(" ".join(_between(lines, r"^DOCUMENTS REVIEWED", (r"^IMR DECISION",))))
        items = _decided_items(_between(lines, r"^IMR DECISION\(S\)", ()), maximus_fs.ITEM,
                               r"^Decision\s*:\s*(Upheld|Overturned)\b")
        return {**parse_header("\n".join(head)),
                "application_received": _dated(docs, r"Application for Independent Medical Review"),
                "ur_denial_date": _dated(docs, r"Utilization Review Determination"),
                "license_states": _split(_labelled(head, r"Reviewer Licensure")),
                "specialties": _split(_labelled(head, r"Reviewer Specialty")),
                "summary": _summary(lines, (r"^DOCUMENTS REVIEWED",)),
                "items": items, "warnings": [], "layout": "maximus_fs"}


class mpr2013:
    """'MEDICAL PROFESSIONAL REVIEW' reports with 'ISSUE AT DISPUTE:' blocks."""

    ISSUE = re.compile(r"^ISSUE AT DISPUTE\s*:\s*(.*)$", re.I)
    RENAME = ((r"^GUIDELINE RELIED UPON BY THE CLAIMS ADMINISTRATOR\s*:", "Claims Administrator guideline:"),
              (r"^GUIDELINE RELIED UPON BY THE REVIEWER\s*:", "MAXIMUS guideline:"),
              (r"^RATIONALE\s*:", "Decision rationale:"))

    @staticmethod
    def matches(lines: list[str]) -> bool:
        return any(re.match(r"^MEDICAL PROFESSIONAL REVIEW", ln) for ln in lines[:40]) \
            and any(mpr2013.ISSUE.match(ln) for ln in lines)

    @staticmethod
    def parse(lines: list[str]) -> dict:
        head = _between(lines, r"^MEDICAL PROFESSIONAL REVIEW", (r"^CASE SUMMARY",))
        renamed = []
        for ln in lines:
            for rx, new in mpr2013.RENAME:
                ln = re.sub(rx, new, ln, flags=re.I)
            renamed.append(ln)
        items = _decided_items(renamed, mpr2013.ISSUE, r"^DETERMINATION\s*:\s*(Upheld|Overturned)\b")
        header = parse_header("\n".join(head))
        return {**header, "decision_date": parse_date(_labelled(head, r"Review Date")),
                "license_states": _split(_labelled(head, r"Reviewer Licensure")),
                "specialties": _split(_labelled(head, r"Reviewer Specialty")),
                "summary": collapse(" ".join(_between(lines, r"^CASE SUMMARY", (r"^ISSUE AT DISPUTE",)))),
                "items": items, "warnings": [], "layout": "mpr2013"}


def _decided_items(lines: list[str], start: re.Pattern, decision: str) -> list[dict]:
    """Items whose heading line matches `start` and whose decision is on its own line."""
    items = []
    for m, block in _blocks(lines, start):
        name_lines, dec, rest = [m.group(m.lastindex)], None, []
        for i, ln in enumerate(block):
            d = re.match(decision, ln, re.I)
            if d:
                dec, rest = _DECISION[d[1].lower()], block[i + 1:]
                break
            name_lines.append(ln)
        else:
            rest = block
        items.append({"item": join(name_lines), "decision": dec, "eligible_portion": None,
                      **split_sections(rest)})
    return items


def _dated(text: str, label: str) -> str | None:
    m = re.search(rf"{label}\s+dated\s+({DATE})", text, re.I)
    return parse_date(m[1]) if m else None


def _case(lines: list[str]) -> str | None:
    m = re.search(r"\bCM\d{2}-\d{7}\b", " ".join(lines[:60]))
    return m[0] if m else None


def _priority(lines: list[str]) -> str | None:
    value = _labelled(lines, r"Priority")
    return value.split()[0].capitalize() if value else None


def _summary(lines: list[str], stops: tuple[str, ...]) -> str:
    text = collapse(" ".join(_between(lines, r"^CLINICAL CASE SUMMARY", stops)))
    return re.sub(r"^The expert reviewer developed the following clinical case summary based on a "
                  r"review of the case file, including all medical records\s*:\s*", "", text, flags=re.I)


def _count_check(items: list[dict], decided: int) -> list[str]:
    if decided and decided != len(items):
        return [f"{decided} decisions listed but {len(items)} rationales found"]
    return []


def parse_unknown(lines: list[str]) -> dict:
    """A clearly flagged partial record for a letter in a layout we do not recognise."""
    text = "\n".join(lines)
    header = parse_header(text)
    items = []
    for m in re.finditer(r"request for (.{3,200}?) is (not )?medically necessary", collapse(text), re.I):
        items.append({"item": collapse(m[1]), "decision": "Upheld" if m[2] else "Overturned",
                      "eligible_portion": None, "claims_administrator_guideline": None,
                      "maximus_guideline": None, "rationale": ""})
    return {**header, "summary": collapse(text)[:20000], "items": items, "partial": True,
            "layout": "unknown",
            "warnings": ["unknown letter layout: partial record (header fields and decisions "
                         "found by pattern only); please report this file"]}
