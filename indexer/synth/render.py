"""Write a letter's blocks (see indexer.synth.layouts) as txt, html or pdf.

Besides the blocks of indexer.synth.layouts: ("columns", [[(label, value), ...], ...])
is a header block of rows with label/value pairs side by side (the 2013 notice),
a "line" may hold '\n' (a heading printed over two lines), and ("page", None) starts a
new PDF page (tests put page breaks where they want them).
"""
from __future__ import annotations

import html
import textwrap
from pathlib import Path

WRAP = 90
STYLES = ("plain", "wrapped")   # txt/html: paragraphs on one line, or wrapped at WRAP columns


def _table_rows(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    # As in the real letters: the case number alone, then two label/value pairs a row.
    return [pairs[:1]] + [pairs[i:i + 2] for i in range(1, len(pairs), 2)]


def _wrap(text: str, style: str) -> list[str]:
    return textwrap.wrap(text, WRAP, break_on_hyphens=False) if style == "wrapped" else [text]


def to_txt(blocks: list[tuple], style: str = "plain") -> str:
    """The letter as UTF-8 text, one blank line between blocks."""
    out: list[str] = []
    for kind, value in blocks:
        if kind in ("table", "columns"):
            rows = _table_rows(value) if kind == "table" else value
            out += ["\t".join(f"{k}\t{v}" for k, v in row) for row in rows]
        elif kind == "line":
            out += [w for part in value.split("\n") for w in _wrap(part, style)]
        else:
            out += _wrap(value, style)
        out.append("")
    return "\n".join(out)


def _esc(text: str) -> str:
    # Typographic apostrophes as the entity real HTML exports use.
    return html.escape(text, quote=False).replace("'", "&#8217;")


def to_html(blocks: list[tuple], style: str = "plain") -> str:
    """The letter as a simple HTML document with the header as a <table>."""
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
           "<title>Independent Medical Review Final Determination</title></head>", "<body>"]
    for kind, value in blocks:
        if kind in ("table", "columns"):
            out.append("<table>")
            for row in (_table_rows(value) if kind == "table" else value):
                cells = "".join(f"<td>{_esc(k)}</td><td>{_esc(v)}</td>" for k, v in row)
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
        elif kind == "line" and value.isupper():
            out.append("<h3>" + "<br>".join(map(_esc, value.split("\n"))) + "</h3>")
        elif kind == "line":
            out.append("<p><b>" + "<br>".join(map(_esc, value.split("\n"))) + "</b></p>")
        else:
            out.append("<p>" + "<br>\n".join(_esc(x) for x in _wrap(value, style)) + "</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_pdf(blocks: list[tuple], path: Path, footer: bool = False, header: str | None = None) -> int:
    """Write the letter as a PDF with reportlab's standard fonts; returns its page count.

    `footer` prints 'Page N of M'; `header` (the case number) is printed at the top of every
    page, as real letters repeat it."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    body, bold = styles["BodyText"], styles["Heading4"]
    story = []
    for kind, value in blocks:
        if kind == "page":
            story.append(PageBreak())
            continue
        if kind in ("table", "columns"):
            rows = [[x for pair in row for x in pair]
                    for row in (_table_rows(value) if kind == "table" else value)]
            story.append(Table([r + [""] * (4 - len(r)) for r in rows], hAlign="LEFT"))
        else:
            style = bold if kind == "line" else body
            story.append(Paragraph("<br/>".join(html.escape(x, quote=False) for x in value.split("\n")),
                                   style))
        story.append(Spacer(1, 4))
    doc = SimpleDocTemplate(str(path), pagesize=letter, invariant=1,
                            title="Independent Medical Review Final Determination")
    canvasmaker = _page_canvas(footer, header) if footer or header else None
    if canvasmaker:
        doc.build(story, canvasmaker=canvasmaker)
    else:
        doc.build(story)
    return doc.page


def _page_canvas(footer: bool, header: str | None):
    """A canvas class that writes 'Page N of M' once the page count is known, and the running header."""
    from reportlab.pdfgen.canvas import Canvas

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                if footer:
                    self.drawCentredString(306, 30, f"Page {self._pageNumber} of {total}")
                if header:
                    self.drawString(72, 760, header)
                super().showPage()
            super().save()

    return FooterCanvas
