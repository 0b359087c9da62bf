"""The letter record: the one plain-data shape every stage after parsing shares.

A record is a JSON-ready dict (records are cached, sent between processes and
served by the API as they are). Keys:

    id                    stable letter id: the case number, or 'H' + 16 hex of the content hash
    case_number           'CM16-0213037' or None (older layouts have no header table)
    date_assigned, date_of_injury, decision_date, ur_denial_date, application_received
                          ISO dates 'YYYY-MM-DD' or None
    priority              'Standard' / 'Expedited' / None
    license_states        ['California', ...]
    specialties           ['Family Practice', ...]
    patient_age           int or None
    patient_gender        'male' / 'female' / None
    summary               the clinical case summary text
    items                 list of disputed items, each:
        item                               the whole item heading (before the decision)
        decision                           'Upheld' / 'Overturned' / None
        eligible_portion                   the 'remaining IMR eligible portion' of a modified request, or None
        claims_administrator_guideline     text or None
        maximus_guideline                  text or None
        rationale                          the full decision rationale
    outcome               'Upheld' / 'Overturned' / 'Partially overturned' / None
    pages                 page count (PDF) or None
    source                the input path
    format                'pdf' / 'html' / 'txt'
    layout                which layout was recognised (indexer.ingest.parser.LAYOUT_NAMES) or 'unknown'
    items_read            how the items were read: 'layout' (that layout's rules) or 'general'
                          (the general pass over decision sentences); None without items
    decisions_unread      True when no item was read although the text states decisions
    partial               True when the layout was unknown and only some fields were found
    synthetic             True for letters made by `imr synth`
    content_hash          sha256 hex of the source file's bytes
    parser_version        PARSER_VERSION when parsed
    warnings              list of one-line strings
"""
from __future__ import annotations

from typing import Any

# Bump when parsing changes: cached records of an older version are re-parsed.
PARSER_VERSION = "2"

Record = dict[str, Any]


class Ref:
    """A letter reference: what choosing one copy per letter, counting and loading its record
    need (id, hash, source, item count ...), read like a record: `ref["id"]`, `ref.get("partial")`.

    A whole rebuild keeps one per letter in place of the record. Slots, not a dict:
    ~100 bytes an object rather than ~370, and no text, summary or items.
    """

    __slots__ = ("id", "case_number", "content_hash", "source", "partial", "format",
                 "decisions_unread", "item_count")

    def __init__(self, **values: Any) -> None:
        for key in self.__slots__:
            setattr(self, key, values.get(key))
        self.item_count = self.item_count or 0

    def __getitem__(self, key: str) -> Any:
        if key not in self.__slots__:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """The value of `key`, as dict.get: `default` for a key a reference does not carry."""
        return getattr(self, key) if key in self.__slots__ else default

    def __contains__(self, key: object) -> bool:
        return key in self.__slots__

    def __repr__(self) -> str:
        return f"Ref({self.id!r}, {self.source!r}, items={self.item_count})"

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for key, value in zip(self.__slots__, state):
            setattr(self, key, value)

HEADER_FIELDS = (
    "case_number", "date_assigned", "date_of_injury", "decision_date",
    "ur_denial_date", "application_received", "priority",
)


def overall_outcome(items: list[dict]) -> str | None:
    """The letter's outcome derived from its items' decisions."""
    decisions = {i.get("decision") for i in items} - {None}
    if not decisions:
        return None
    if decisions == {"Upheld"}:
        return "Upheld"
    if decisions == {"Overturned"}:
        return "Overturned"
    return "Partially overturned"


def letter_id(case_number: str | None, content_hash: str) -> str:
    """The id linking one letter's items: its case number, else a hash-based id."""
    return case_number or "H" + content_hash[:16]


def empty_record() -> Record:
    """A record with every key present and nothing found yet."""
    return {
        "id": None, **{k: None for k in HEADER_FIELDS},
        "license_states": [], "specialties": [], "patient_age": None,
        "patient_gender": None, "summary": "", "items": [], "outcome": None,
        "pages": None, "source": None, "format": None, "layout": None,
        "items_read": None, "decisions_unread": False, "partial": False, "synthetic": False, "content_hash": None,
        "parser_version": PARSER_VERSION, "warnings": [],
    }
