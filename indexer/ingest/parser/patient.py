"""Patient age, gender and (for letters without a header) injury date, from the summary."""
from __future__ import annotations

import re

from indexer.ingest.parser.dates import DATE, parse_date

_AGE = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b", re.IGNORECASE)
_MALE = re.compile(r"\b(male|man|gentleman|boy)\b", re.IGNORECASE)
_FEMALE = re.compile(r"\b(female|woman|lady|girl)\b", re.IGNORECASE)
_INJURY = re.compile(
    rf"(?:industrial injury|injury|injured|date of injury)(?: of| on| was| dated)?\s*:?\s*({DATE})",
    re.IGNORECASE)


_WHO = re.compile(r"\b(?:is|was)\s+an?\s+(?:[\w-]+\s+){0,2}?(male|female|man|woman|gentleman|lady)\b",
                  re.IGNORECASE)


def parse_patient(summary: str) -> tuple[int | None, str | None]:
    """(age, 'male'|'female'|None) from the sentence that first gives the age.

    Without an age, the gender of 'The injured worker is a female who ...' still counts.
    """
    m = _AGE.search(summary)
    if not m:
        who = _WHO.search(summary[:600])
        return None, (("female" if _FEMALE.match(who[1]) else "male") if who else None)
    age = int(m[1])
    start = max(summary.rfind(". ", 0, m.start()) + 1, 0)
    end = summary.find(". ", m.end())
    sentence = summary[start:end if end > 0 else len(summary)]
    gender = "female" if _FEMALE.search(sentence) else "male" if _MALE.search(sentence) else None
    return (age if 0 < age < 120 else None), gender


def injury_date(summary: str) -> str | None:
    """The first injury date the summary states, for letters without a header table."""
    m = _INJURY.search(summary)
    return parse_date(m[1]) if m else None
