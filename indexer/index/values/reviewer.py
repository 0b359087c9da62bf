"""One spelling per reviewer specialty and licence state, for the facets.

Letters print a reviewer's credentials as their typist wrote them:
'Physical Medicine and Rehabilitation' beside 'Physical Medicine & Rehabilitation',
'Family Medicine' beside 'Family Practice' (the board's name since 2003 and
before), and extraction leaves artefacts such as 'Sports Medicinea' (a stray
letter glued to the last word). The facet counts one value per specialty; the
letter record (and so the letter page) keeps the printed value.

`specialty(printed)` and `state(printed)` return the canonical spelling of a
known value, else the printed one with its whitespace tidied. The tables are
data: a new variant is one line in VARIANTS (then `imr index --force`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from indexer.states import STATES      # canonical licence states (the one table)

# Canonical names: every specialty in the labelled letters and the synthetic
# vocabulary, plus the other ABMS boards an IMR reviewer may hold.
SPECIALTIES = (
    "Addiction Medicine", "Anesthesiology", "Chiropractor", "Dermatology", "Emergency Medicine",
    "Family Practice", "Hand Surgery", "Hospice & Palliative Medicine", "Internal Medicine",
    "Medical Toxicology", "Neurological Surgery", "Neurology", "Obstetrics & Gynecology",
    "Occupational Medicine", "Ophthalmology", "Orthopedic Surgery", "Otolaryngology",
    "Pain Management", "Pain Medicine", "Pediatric Rehabilitation Medicine", "Physical Medicine & Rehabilitation",
    "Plastic Surgery", "Podiatry", "Preventive Medicine", "Psychiatry", "Psychology",
    "Public Health & General Preventive Medicine", "Radiology", "Rheumatology", "Sleep Medicine",
    "Spinal Cord Injury Medicine", "Sports Medicine", "Surgery", "Surgical Critical Care", "Urology",
    "Vascular Surgery",
)
# Other spellings of the same specialty -> its canonical name. Case, '&'/'and',
# punctuation and spacing differences need no entry (see `_key`).
SPECIALTY_VARIANTS = {
    "Family Medicine": "Family Practice",          # renamed by the ABFM in 2003: one board
    "Orthopaedic Surgery": "Orthopedic Surgery",
    "Orthopedics": "Orthopedic Surgery",
    "Orthopaedics": "Orthopedic Surgery",
    "Physical Medicine & Rehab": "Physical Medicine & Rehabilitation",
    "Physical Medicine": "Physical Medicine & Rehabilitation",
    "PM&R": "Physical Medicine & Rehabilitation",
    "Physiatry": "Physical Medicine & Rehabilitation",
    "Chiropractic": "Chiropractor",
    "Chiropractic Medicine": "Chiropractor",
    "Anesthesia": "Anesthesiology",
    "Hospice and Palliative Care": "Hospice & Palliative Medicine",
    "Neurosurgery": "Neurological Surgery",
    "Obstetrics and Gynecology": "Obstetrics & Gynecology",
    "Sports Medicine and Rehabilitation": "Sports Medicine",
}

STATE_VARIANTS = {**{postal: name for name, postal in STATES.items()}, "Washington DC": "District of Columbia",
                  "Washington D.C.": "District of Columbia"}


def _key(value: str) -> str:
    """Compare-key of a printed value: case, '&'/'and', punctuation and spacing ignored."""
    low = value.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", low).split())


@lru_cache(maxsize=2)
def _table(kind: str) -> dict[str, str]:
    """compare-key -> canonical name of a kind: a pure memo of constant data, made once."""
    names, variants = (SPECIALTIES, SPECIALTY_VARIANTS) if kind == "specialty" else (STATES, STATE_VARIANTS)
    table = {_key(name): name for name in names}
    table.update({_key(variant): canonical for variant, canonical in variants.items()})
    return table


def _canonical(printed: str, table: dict[str, str]) -> str | None:
    key = _key(printed)
    if key in table:
        return table[key]
    # Extraction artefacts: a stray letter or two glued to the last word
    # ('Sports Medicinea') or left after it ('Pain Management a'). Only a
    # trimmed value that is a known one counts, so a real name is never cut.
    head, _, last = key.rpartition(" ")
    if head and len(last) <= 2 and head in table:
        return table[head]
    for cut in (1, 2):
        if len(last) - cut >= 4 and key[:-cut] in table:
            return table[key[:-cut]]
    return None


def _normalise(printed: str | None, kind: str) -> str | None:
    if not printed or not printed.strip():
        return None
    return _canonical(printed, _table(kind)) or " ".join(printed.split())


def specialty(printed: str | None) -> str | None:
    """The canonical spelling of a printed specialty (None for an empty one)."""
    return _normalise(printed, "specialty")


def state(printed: str | None) -> str | None:
    """The canonical spelling of a printed licence state (None for an empty one)."""
    return _normalise(printed, "state")


def specialties(printed: Iterable[str]) -> list[str]:
    """Canonical specialties of a letter, each once, in printed order."""
    return list(dict.fromkeys(v for v in map(specialty, printed) if v))


def states(printed: Iterable[str]) -> list[str]:
    """Canonical licence states of a letter, each once, in printed order."""
    return list(dict.fromkeys(v for v in map(state, printed) if v))
