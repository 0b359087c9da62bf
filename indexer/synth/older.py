"""The 2013-2015 layouts rendered as the real letters are (see indexer.ingest.parser.notice2013,
maximus_fs and mpr2013 for the shapes), with the text-layer quirks seen in them.

Each renderer takes the ground-truth record and a random generator for the
letter's variant, and returns its blocks. A variant may change the record it
renders (fields the letter does not show become None; an ageless summary
opening drops the age), so the expected JSON is written after rendering.
Variants: the letterhead, title and date run onto one line; no header block;
`notmedically` glued; long headings wrapped onto a second line; headings in
title case instead of capitals; `The injured worker is a female who ...`
without an age.
"""
from __future__ import annotations

import random
import re
from datetime import date

Block = tuple

MAXIMUS_INC = "MAXIMUS Federal Services, Inc."
LETTERHEAD = ("MAXIMUS FEDERAL SERVICES, INC.", "Independent Medical Review", "P.O. Box 138009",
              "Sacramento, CA 95813-8009")
NOTICE_TITLE = "Notice of Independent Medical Review Determination"
_VERDICT = {"Upheld": "is not medically necessary and appropriate",
            "Overturned": "is medically necessary and appropriate"}
_QUALIFIED = ("He/she has been in active clinical practice for more than five years and is "
              "currently working at least 24 hours a week in active practice.")
_HOW_MADE = (
    "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no "
    "affiliation with the employer, employee, providers or the claims administrator. The expert "
    "reviewer was selected based on his/her clinical experience, education, background, and "
    "expertise in the same or similar specialties that evaluate and/or treat the medical condition "
    "and disputed items/services.")


def short_date(iso: str) -> str:
    """'2013-09-06' -> '9/6/2013', as the 2013 letters print dates."""
    d = date.fromisoformat(iso)
    return f"{d.month}/{d.day}/{d.year}"


def _wrap_heading(text: str, rng: random.Random) -> str:
    """A long heading, sometimes broken over two lines as the text layers give it."""
    words = text.split()
    if len(words) < 5 or rng.random() >= 0.5:
        return text
    cut = len(words) - rng.randint(1, 3)
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _ageless(record: dict, rng: random.Random) -> None:
    """Sometimes open the summary 'X is a female who ...' (no age), as some real summaries do."""
    if record["patient_gender"] and rng.random() < 0.2:
        new = re.sub(r"^(\S+(?: \S+)?) is a \d+[- ]year[- ]old (male|female) who", r"\1 is a \2 who",
                     record["summary"], count=1)
        if new != record["summary"]:
            record["summary"], record["patient_age"] = new, None


def _decided(record: dict, glue: bool) -> list[Block]:
    out = []
    for n, it in enumerate(record["items"], 1):
        verdict = _VERDICT[it["decision"]]
        if glue:
            verdict = verdict.replace("not medically", "notmedically")
        out.append(("para", f"{n}) {MAXIMUS_INC} has determined the request for {it['item']} {verdict}."))
    return out


def notice2013(r: dict, rng: random.Random) -> list[Block]:
    """The 2013 Notice of Independent Medical Review Determination."""
    _ageless(r, rng)
    for it in r["items"]:
        it["claims_administrator_guideline"] = None   # the notice cites the reviewer's guidelines only
    glued_title, header, glue = rng.random() < 0.4, rng.random() < 0.75, rng.random() < 0.4
    dated = f"Dated: {short_date(r['decision_date'])}"
    if glued_title:
        out: list[Block] = [("line", f"{LETTERHEAD[0]} {NOTICE_TITLE} {dated}"),
                            *[("line", x) for x in LETTERHEAD[1:]]]
    else:
        out = [*[("line", x) for x in LETTERHEAD], ("line", NOTICE_TITLE), ("line", dated)]
    if header:
        out.append(("columns", [
            [("IMR Case Number:", r["case_number"]), ("Date of UR Decision:", short_date(r["ur_denial_date"]))],
            [("Date of Injury:", short_date(r["date_of_injury"])),
             ("IMR Application Received:", short_date(r["application_received"]))]]))
    else:
        r["case_number"] = None
    decided = _decided(r, glue)
    out += decided
    out.append(("para", f"An application for Independent Medical Review was filed on "
                        f"{short_date(r['application_received'])} disputing the Utilization Review "
                        f"Denial dated {short_date(r['ur_denial_date'])}. A Notice of Assignment and "
                        "Request for Information was provided to the above parties on "
                        f"{short_date(r['date_assigned'])}. The determination below is based on the "
                        "review of the medical records submitted."))
    out += [("line", "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE"), *decided,
            ("line", "Medical Qualifications of the Expert Reviewer:"),
            ("para", f"The physician reviewer is Board Certified in {r['specialties'][0]} and is "
                     f"licensed to practice in {r['license_states'][0]}. {_QUALIFIED}"),
            ("line", "Case Summary:"),
            ("para", "Disclaimer: The following case summary was taken directly from the utilization "
                     f"review denial/modification dated {short_date(r['ur_denial_date'])}."),
            ("para", f"\"{r['summary']}\""),
            ("line", "Documents Reviewed for Determination:"),
            *[("line", doc) for doc in r["_documents"]]]
    guideline = "Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:"
    for n, it in enumerate(r["items"], 1):
        out += [("line", f"{n}) Regarding the request for {it['item']}:"),
                ("line", _wrap_heading(guideline, rng)), ("para", it["maximus_guideline"]),
                ("line", "Rationale for the Decision:"), ("para", it["rationale"])]
    return out


def _case_heading(text: str, capitals: bool) -> str:
    return text if capitals else text.title().replace("Imr", "IMR").replace("(S)", "(s)")


def maximus_fs(r: dict, rng: random.Random) -> list[Block]:
    """The 2013-2015 MAXIMUS FEDERAL SERVICES report."""
    _ageless(r, rng)
    capitals = rng.random() < 0.7
    h = lambda text: _case_heading(text, capitals)  # noqa: E731
    table = [("Case Number:", r["case_number"]), ("Date Assigned:", short_date(r["date_assigned"])),
             ("Date of Injury:", short_date(r["date_of_injury"])),
             ("Decision Date:", short_date(r["decision_date"])),
             ("UR Denial Date:", short_date(r["ur_denial_date"])), ("Priority:", r["priority"]),
             ("Application Received:", short_date(r["application_received"]))]
    head: list[Block] = ([("line", f"{LETTERHEAD[0]} {LETTERHEAD[1]}")] if rng.random() < 0.3
                         else [("line", LETTERHEAD[0]), ("line", LETTERHEAD[1])])
    out = [*head, ("table", table), ("line", h("HOW THE IMR FINAL DETERMINATION WAS MADE")),
           ("para", f"{_HOW_MADE} {_QUALIFIED}"),
           ("line", "The Expert Reviewer has the following credentials:"),
           ("line", "State(s) of Licensure: " + ", ".join(r["license_states"])),
           ("line", "Certification(s)/Specialty: " + ", ".join(r["specialties"])),
           ("line", h("DOCUMENTS REVIEWED")), *[("line", f"- {doc}") for doc in r["_documents"]],
           ("line", h("CLINICAL CASE SUMMARY")), ("para", r["summary"]),
           ("line", h("IMR DECISION(S) AND RATIONALE(S)"))]
    for it in r["items"]:
        out += [("line", f"{it['item']}: {it['decision']}"),
                ("para", f"Claims Administrator guideline: {it['claims_administrator_guideline']}"),
                ("para", f"MAXIMUS guideline: {it['maximus_guideline']}"),
                ("para", f"Decision rationale: {it['rationale']}")]
    return out


def mpr2013(r: dict, rng: random.Random) -> list[Block]:
    """The MEDICAL PROFESSIONAL REVIEW report: one guideline and one rationale section for all items."""
    _ageless(r, rng)
    capitals = rng.random() < 0.7
    h = lambda text: _wrap_heading(text if capitals else text.title(), rng)  # noqa: E731
    items = r["items"]
    guideline = " ".join(it["maximus_guideline"] for it in items)
    for it in items:    # the report cites one guideline text for every item
        it["claims_administrator_guideline"], it["maximus_guideline"] = None, guideline
    issues = ([("para", items[0]["item"])] if len(items) == 1
              else [("para", f"{n}) {it['item']}") for n, it in enumerate(items, 1)])
    return [("line", "MEDICAL PROFESSIONAL REVIEW"), ("line", h("ISSUE AT DISPUTE:")), *issues,
            ("line", h("CASE SUMMARY:")), ("para", r["summary"]),
            ("line", h("DOCUMENTS REVIEWED FOR DETERMINATION:")),
            *[("line", doc) for doc in r["_documents"]],
            ("line", h("MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:")),
            ("para", guideline),
            ("line", h("RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:")),
            *[("para", it["rationale"]) for it in items],
            ("line", h("MEDICAL REVIEWER QUALIFICATIONS:")),
            ("para", f"The physician reviewer is Board Certified in {r['specialties'][0]} and is "
                     f"licensed to practice in {r['license_states'][0]}. {_QUALIFIED}")]
