"""Letters on disk: where each goes, whether bytes are a readable PDF, and writing one atomically.

A letter is written to a hidden `.CMyy-nnnnnnn.pdf.part` beside its place,
synced, checked and only then renamed to `CMyy-nnnnnnn.pdf`: a partial file
is never taken for a letter (and `imr add` never lists a hidden or `.part`
file). Letters go in one sub-folder per case-number year (`CM16/`), so no
folder holds the whole corpus.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

_SAFE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,40}$")


def relative_path(case_number: str) -> str:
    """Where a case's letter goes under the output folder: 'CM16/CM16-0213037.pdf'."""
    if not _SAFE.match(case_number):
        raise ValueError(f"not a case number: {case_number!r}")
    return f"{case_number.split('-', 1)[0]}/{case_number}.pdf"


def pdf_problem(data: bytes) -> str | None:
    """Why `data` is not a whole, readable PDF ('an HTML page', 'truncated' ...), None when it is one."""
    head = data[:1024].lstrip()
    if not data:
        return "empty"
    if not head.startswith(b"%PDF-"):
        if head[:1] == b"<" or b"<html" in head.lower():
            return "an HTML page, not a PDF (an error page?)"
        return "not a PDF"
    if b"%%EOF" not in data[-2048:]:
        return "truncated (no %%EOF at its end)"
    import pypdfium2   # imported here: only a download needs it

    try:
        document = pypdfium2.PdfDocument(data)
        try:
            if len(document) < 1:
                return "a PDF without pages"
        finally:
            document.close()
    except pypdfium2.PdfiumError as exc:
        return f"an unreadable PDF ({exc})"
    return None


def sha256(data: bytes) -> str:
    """sha256 hex of bytes."""
    return hashlib.sha256(data).hexdigest()


def _part(final: Path) -> Path:
    return final.with_name(f".{final.name}.part")


def write_atomically(final: Path, data: bytes) -> None:
    """Write `data` to `final` so that `final` is either absent or whole (temporary, fsync, rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    part = _part(final)
    try:
        with open(part, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, final)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    try:
        fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)       # the rename itself survives a power cut
        finally:
            os.close(fd)
    except OSError:
        pass


def existing(final: Path) -> bytes | None:
    """The bytes of a letter already at `final` when they are a readable PDF (kept, not fetched again)."""
    try:
        data = final.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return data if pdf_problem(data) is None else None


def clean_parts(folder: Path) -> int:
    """Remove partial downloads a killed run left (hidden `.part` files one folder down); how many."""
    removed = 0
    for part in list(folder.glob("*/.*.pdf.part")) + list(folder.glob(".*.pdf.part")):
        part.unlink(missing_ok=True)
        removed += 1
    return removed
