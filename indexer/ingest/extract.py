"""file -> text: PDF (pypdfium2 or pdfplumber), HTML (beautifulsoup4), plain text.

Both PDF engines are normalised to the same text shape (one line per text
line, pages separated by form feeds) so the parser gives the same record
whichever engine ran.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import ExtractError
from indexer.settings import Settings

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SUFFIXES = PDF_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES
PAGE_BREAK = "\f"
# pdfplumber glues words set in different fonts ('MAXIMUS guideline:Decision')
# unless the gap tolerance is below the default 3 points.
X_TOLERANCE = 1.5


@dataclass
class Extracted:
    """The text of one file and what we know of its shape."""

    text: str
    fmt: str                # 'pdf' | 'html' | 'txt'
    pages: int | None = None


def extract(path: Path, settings: Settings, data: bytes | None = None) -> Extracted:
    """Read a letter file into text; raises ExtractError with a one-line reason."""
    path = Path(path)
    if data is None:
        data = read_bytes(path, settings)
    if not data.strip():
        raise ExtractError(str(path), "empty file")
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES or data[:5] == b"%PDF-":
        if data[:5] != b"%PDF-" and b"%PDF-" not in data[:1024]:
            raise ExtractError(str(path), "not a PDF (no %PDF header): wrong extension or damaged download")
        return _pdf(path, data, settings)
    if suffix in HTML_SUFFIXES or _looks_like_html(data):
        return Extracted(html_to_text(decode_text(path, data)), "html")
    return Extracted(normalise_text(decode_text(path, data)), "txt")


def read_bytes(path: Path, settings: Settings) -> bytes:
    """The file's bytes; ExtractError when it is too large, gone, unreadable or not a regular file."""
    from indexer.ingest.sources import NotRegularFile, open_regular

    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > settings.max_file_bytes:
                raise ExtractError(str(path), f"too large ({size:,} bytes > limit {settings.max_file_bytes:,})")
            data = fh.read(settings.max_file_bytes + 1)    # bounded even if the file grows meanwhile
        if len(data) > settings.max_file_bytes:
            raise ExtractError(str(path), f"too large (> limit {settings.max_file_bytes:,} bytes)")
        return data
    except NotRegularFile as e:
        raise ExtractError(str(path), e.strerror) from None
    except FileNotFoundError:
        raise ExtractError(str(path), "file vanished before it could be read") from None
    except PermissionError:
        raise ExtractError(str(path), "permission denied: cannot read the file") from None
    except IsADirectoryError:
        raise ExtractError(str(path), "is a directory, not a file") from None
    except OSError as e:
        raise ExtractError(str(path), f"cannot read: {e.strerror or e}") from None


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def decode_text(path: Path, data: bytes) -> str:
    """Bytes to str: UTF-8 (with or without BOM), else cp1252, else latin-1; refuse binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        sample = data[:65536]
        if sample.count(b"\x00") > 0 or _control_ratio(sample) > 0.05:
            raise ExtractError(str(path), "binary data, not text (wrong extension?)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    return text


def _control_ratio(sample: bytes) -> float:
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bad / max(1, len(sample))


def normalise_text(text: str) -> str:
    """CRLF/CR to LF, drop BOMs and NULs, keep form feeds as page breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.replace("\x00", "")


_SKIP_TAGS = frozenset({"script", "style", "head", "noscript"})
_BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "section"})
_CELL_TAGS = ("td", "th")


def html_to_text(html: str) -> str:
    """HTML letter to text lines: table rows become tab-separated lines, <br> newlines.

    One walk over the parsed tree with an explicit stack, so the time is linear in
    the document and any nesting depth is fine (editing the tree per block, as
    before, was quadratic: 20,000 paragraphs took 38 CPU-s).
    """
    from bs4 import BeautifulSoup, CData, NavigableString

    text_types = (NavigableString, CData)    # what get_text() takes: not comments, doctypes, ...
    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    stack: list[object] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if type(node) in text_types or type(node) is str:   # str: a newline pushed below
                out.append(node)
            continue
        name = node.name
        if name in _SKIP_TAGS:
            continue
        if name == "br":
            out.append("\n")
        elif name == "tr":
            out.append("\n" + "\t".join(c.get_text(" ", strip=True) for c in _row_cells(node)) + "\n")
        elif name in _BLOCK_TAGS:
            stack.append("\n")
            stack.extend(reversed(node.contents))
            out.append("\n")
        else:
            stack.extend(reversed(node.contents))
    text = "".join(out)
    text = re.sub(r"[ \t\xa0]*\n[ \t\xa0]*", "\n", text.replace("\xa0", " "))
    return normalise_text(re.sub(r"\n{3,}", "\n\n", text)).strip() + "\n"


def _row_cells(row) -> list:
    """The cells of a table row, not those of tables nested in them (their text is in their cell)."""
    cells, stack = [], list(reversed(row.contents))
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) is None or node.name in _SKIP_TAGS:
            continue
        if node.name in _CELL_TAGS:
            cells.append(node)
        elif node.name != "tr":
            stack.extend(reversed(node.contents))
    return cells


def _pdf(path: Path, data: bytes, settings: Settings) -> Extracted:
    if settings.pdf_engine == "pdfplumber":
        pages = _pdfplumber_pages(path, data, settings)
    elif settings.pdf_engine == "pdfium":
        pages = _pdfium_pages(path, data, settings)
    else:
        raise ExtractError(str(path), f"unknown PDF engine {settings.pdf_engine!r} (use pdfium or pdfplumber)")
    pages = [normalise_page(p) for p in pages]
    if not any(p.strip() for p in pages):
        raise ExtractError(str(path), "no text layer (scanned image?); OCR is not supported")
    return Extracted(PAGE_BREAK.join(pages), "pdf", len(pages))


def normalise_page(text: str) -> str:
    """One engine-independent shape: LF lines, no trailing spaces, one space runs."""
    text = normalise_text(text)
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(lines).strip("\n")


def _check_pages(path: Path, n: int, settings: Settings) -> None:
    if n > settings.max_pages:
        raise ExtractError(str(path), f"too many pages ({n} > limit {settings.max_pages}); not a letter")


def _pdfium_pages(path: Path, data: bytes, settings: Settings) -> list[str]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as e:
        raise ExtractError(str(path), _pdf_reason(str(e))) from None
    try:
        _check_pages(path, len(doc), settings)
        out = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            # pdfium marks a hyphen at a line end as \x02; pdfplumber keeps "-\n".
            out.append(textpage.get_text_bounded().replace("\x02", "-\n"))
            textpage.close()
            page.close()
        return out
    finally:
        doc.close()


def _pdfplumber_pages(path: Path, data: bytes, settings: Settings) -> list[str]:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="")
    except Exception as e:  # pdfminer raises many unrelated types for damaged files
        inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e  # pdfplumber wraps them
        if isinstance(inner, PDFPasswordIncorrect):
            raise ExtractError(str(path), "password-protected PDF (needs a password); cannot read") from None
        raise ExtractError(str(path), _pdf_reason(f"{type(inner).__name__}: {inner}")) from None
    try:
        _check_pages(path, len(pdf.pages), settings)
        out = []
        for page in pdf.pages:
            out.append(page.extract_text(x_tolerance=X_TOLERANCE) or "")
            page.close()  # frees the page's layout objects as we go
        return out
    except ExtractError:
        raise
    except Exception as e:
        raise ExtractError(str(path), _pdf_reason(f"{type(e).__name__}: {e}")) from None
    finally:
        pdf.close()


def _pdf_reason(message: str) -> str:
    low = message.lower()
    if "password" in low:
        return "password-protected PDF (needs a password); cannot read"
    if "format" in low or "eof" in low or "xref" in low or "trailer" in low or "syntax" in low:
        return f"damaged or truncated PDF ({message.strip()[:120]})"
    return f"unreadable PDF ({message.strip()[:120]})"
