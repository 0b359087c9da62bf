"""How an item of a letter is cited: the form lawyers recognise for an IMR determination, a short
form for later references, and a line with the link (the page offers the three, the first chosen)."""
from __future__ import annotations

from datetime import date

from flask import url_for

from indexer.search.show.display import clean

# Month abbreviations of legal citation (The Bluebook, table T12).
MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
FORMS = (("full", "Full citation"), ("short", "Short form"), ("link", "With the link"))
BODY = "Maximus Federal Services"        # the IMR organisation whose letters these are


def cited_date(iso: str | None) -> str | None:
    """'Dec. 1, 2016' for '2016-12-01' (None when there is no readable date)."""
    try:
        day = date.fromisoformat(str(iso or ""))
    except ValueError:
        return None
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _treatment(item: dict) -> str:
    return " ".join(clean(item.get("item")).split())


def citations(record: dict, number: int, item: dict) -> dict[str, str]:
    """The item's citation in each of FORMS (plain text; the template escapes it)."""
    case = clean(record.get("case_number")) or f"letter {clean(record.get('id'))}"
    decided = cited_date(record.get("decision_date"))
    decision = clean(item.get("decision")).lower() or "no decision"
    when = f"{BODY} {decided}" if decided else f"{BODY}, date not stated"
    full = (f"Independent Medical Review Final Determination, Case No. {case}, item {number} ({when}) "
            f"({_treatment(item)}: {decision}).")
    short = f"IMR Case No. {case}, item {number}" + (f" ({decided})." if decided else ".")
    link = url_for("letters.letter_page", letter_id=record["id"], _external=True) + f"#item-{number}"
    plain = " · ".join([case, f"decided {record['decision_date']}" if record.get("decision_date")
                        else "decision date not stated", f"item {number}: {_treatment(item)}",
                        clean(item.get("decision")) or "no decision", link])
    return {"full": full, "short": short, "link": plain}
