"""Write a letter's blocks (see indexer.synth.layouts) as txt, html or pdf."""
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
        if kind == "table":
            out += ["\t".join(f"{k}\t{v}" for k, v in row) for row in _table_rows(value)]
        elif kind == "line":
            out += _wrap(value, style)
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
        if kind == "table":
            out.append("<table>")
            for row in _table_rows(value):
                cells = "".join(f"<td>{_esc(k)}</td><td>{_esc(v)}</td>" for k, v in row)
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
        elif kind == "line" and value.isupper():
            out.append(f"<h3>{_esc(value)}</h3>")
        elif kind == "line":
            out.append(f"<p><b>{_esc(value)}</b></p>")
        else:
            out.append("<p>" + "<br>\n".join(_esc(x) for x in _wrap(value, style)) + "</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_pdf(blocks: list[tuple], path: Path, footer: bool = False) -> int:
    """Write the letter as a PDF with reportlab's standard fonts; returns its page count."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    body, bold = styles["BodyText"], styles["Heading4"]
    story = []
    for kind, value in blocks:
        if kind == "table":
            rows = [[x for pair in row for x in pair] for row in _table_rows(value)]
            story.append(Table([r + [""] * (4 - len(r)) for r in rows], hAlign="LEFT"))
        else:
            style = bold if kind == "line" else body
            story.append(Paragraph(html.escape(value, quote=False), style))
        story.append(Spacer(1, 4))
    doc = SimpleDocTemplate(str(path), pagesize=letter, invariant=1,
                            title="Independent Medical Review Final Determination")
    canvasmaker = _footer_canvas() if footer else None
    if canvasmaker:
        doc.build(story, canvasmaker=canvasmaker)
    else:
        doc.build(story)
    return doc.page


def _footer_canvas():
    """A canvas class that writes 'Page N of M' once the page count is known."""
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
                self.drawCentredString(306, 30, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return FooterCanvas
