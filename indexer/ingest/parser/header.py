"""The header table: case number, dates, priority, wrapped and tabbed variants."""
from __future__ import annotations

import re

from indexer.fields import CASE_NUMBER
from indexer.ingest.parser.dates import DATE, parse_date

_LABELS = {
    "date_assigned": r"Date\s+Assigned",
    "date_of_injury": r"Date\s+of\s+Injury",
    "decision_date": r"Decision\s+Date",
    "ur_denial_date": r"(?:UR\s+Denial\s+Date|Date\s+of\s+UR\s+Decision)",
    "application_received": r"Application\s+Received",
}


def parse_header(text: str) -> dict:
    """Header fields found in `text` (the part before the body), ISO dates."""
    flat = re.sub(r"\s+", " ", text)
    out: dict = {}
    m = re.search(rf"Case\s+(?:Number|No\.?)\s*:?\s*({CASE_NUMBER})", flat, re.IGNORECASE)
    out["case_number"] = m[1].upper() if m else None
    for key, label in _LABELS.items():
        out[key] = _labelled_date(flat, label)
    if out["application_received"] is None:
        # PDF text layers split the wrapped cell: 'Application 11/03/2016 Received:'
        m = re.search(rf"Application\s*:?\s*({DATE})\s+Received\s*:", flat, re.IGNORECASE)
        out["application_received"] = parse_date(m[1]) if m else None
    m = re.search(r"Priority\s*:\s*(Standard|Expedited|Urgent|Regular)\b", flat, re.IGNORECASE)
    out["priority"] = m[1].capitalize() if m else None
    return out


def _labelled_date(flat: str, label: str) -> str | None:
    m = re.search(rf"{label}\s*:\s*({DATE})", flat, re.IGNORECASE)
    return parse_date(m[1]) if m else None
