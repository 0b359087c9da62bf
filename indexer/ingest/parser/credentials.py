"""The reviewer's licence state(s) and specialty(ies), in both wordings."""
from __future__ import annotations

import re

from indexer.ingest.parser.text import collapse

_STOP = re.compile(r"^(CLINICAL CASE SUMMARY|HOW THE IMR|IMR ISSUES|DOCUMENTS REVIEWED|State\(s\) of"
                   r"|Certification\(s\)|The expert reviewer developed)", re.IGNORECASE)


def parse_credentials(lines: list[str]) -> tuple[list[str], list[str]]:
    """(license_states, specialties) from labelled lines or the prose wording."""
    states = _labelled(lines, r"State\(s\)\s+of\s+Licensure\s*:")
    specs = _labelled(lines, r"Certification\(s\)\s*/\s*Specialty\s*:")
    if states or specs:
        return _split_states(states), _split_list(specs)
    flat = collapse(" ".join(lines))
    m = re.search(r"Board[- ]Certified in (.+?),?\s+and (?:is )?licensed to practice in (.+?)\.(?:\s|$)",
                  flat, re.IGNORECASE)
    if m:
        return _split_states(m[2]), _split_list(m[1])
    m = re.search(r"(?:Specialty|Specialties|Board Certification)\s*:\s*(.+?)(?:\s{2,}|$| Licens)", flat)
    specs = m[1] if m else ""
    m = re.search(r"Licens(?:ed|ure)(?: State\(s\)| in| to practice in)?\s*:?\s*(.+?)(?:\.|$)", flat)
    return _split_states(m[1] if m else ""), _split_list(specs)


def _labelled(lines: list[str], label: str) -> str:
    for i, ln in enumerate(lines):
        m = re.match(label, ln, re.IGNORECASE)
        if m:
            parts = [ln[m.end():]]
            for nxt in lines[i + 1:i + 4]:       # a long value wraps onto the next line(s)
                if not nxt or _STOP.match(nxt):
                    break
                parts.append(nxt)
            return collapse(" ".join(parts))
    return ""


def _split_list(value: str) -> list[str]:
    items = [collapse(p).strip(" .;") for p in re.split(r"[,;]", value or "")]
    return [p for p in items if p]


def _split_states(value: str) -> list[str]:
    out = []
    for part in re.split(r",|;|\band\b|&", value or ""):
        part = collapse(part).strip(" .")
        if part:
            out.append(part)
    return out
