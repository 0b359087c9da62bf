"""Text clean-up shared by the layouts: lines, page furniture, joining."""
from __future__ import annotations

import re

from indexer.fields import CASE_NUMBER

# Whole lines only: the prose itself says 'page 82 of the MTUS'.
_PAGE_LINE = re.compile(r"^\s*(?:-\s*)?page\s+\d+\s*(?:of\s+\d+)?\s*(?:-\s*)?$", re.IGNORECASE)
_RUNNING_HEADER = re.compile(
    rf"^\s*(?:(?:IMR\s+)?Case\s+(?:Number|No\.?):?\s*{CASE_NUMBER}\s*(?:page\s+\d+.*)?"
    rf"|{CASE_NUMBER}"
    r"|Independent Medical Review\s+Final Determination Letter\s*)$", re.IGNORECASE)


def prepare_lines(text: str) -> list[str]:
    """Split into stripped lines; page breaks become line breaks; page furniture goes."""
    text = text.replace("\f", "\n").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    return [ln for ln in lines if not _PAGE_LINE.match(ln)]


def strip_running_headers(lines: list[str], case_number: str | None) -> list[str]:
    """Drop the case number repeated at the top of each page after its first appearance.

    A page header is a line 'Case Number: CM..' (the first one is the header
    table's) or the case number alone; a text layer may also glue it to the
    page's first line ('CM16-0201554 The MTUS ...'), which would leak it into a
    rationale across the page break. The case number itself is read elsewhere.
    """
    if not case_number:
        return lines
    out, labelled = [], False
    for ln in lines:
        upper = ln.upper()
        if upper == case_number:
            continue
        if _RUNNING_HEADER.match(ln) and case_number in upper:
            if labelled:
                continue
            labelled = True
        elif upper.startswith(case_number + " "):
            ln = ln[len(case_number):].lstrip()
        out.append(ln)
    return out


def join(lines: list[str]) -> str:
    """Lines to one string: single spaces, hyphens at line ends kept as printed."""
    return collapse(" ".join(ln for ln in lines if ln))


def collapse(s: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return re.sub(r"\s+", " ", s).strip()


def paragraphs(lines: list[str]) -> list[list[str]]:
    """Group lines into blank-line separated paragraphs (text inputs keep them)."""
    out: list[list[str]] = [[]]
    for ln in lines:
        if ln:
            out[-1].append(ln)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]
