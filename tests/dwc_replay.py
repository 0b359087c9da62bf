"""A local replay of the DWC's IMR decision search, for the fetch tests (loopback only, stdlib http.server).

It answers the form as `indexer/fetch/site.py` documents the site: result pages
generated from a list of case rows, 25 rows a page, a `table.tabborder`, the
total in a `<strong>` after it, a `form name=Nextpage` while there are more
pages; one case's treatments at `?caseno=`; the letters at
`/dwc/imr/decisions/<case>.pdf`. Faults are scripted per path: `replay.script(path, 503, 503)`
answers the next two requests for that path with 503 (then serves normally);
`replay.storm = True` answers every request with 503; `replay.shape` changes the markup.
"""
from __future__ import annotations

import html
import threading
import time
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SEARCH = "/dwc/imr/IMRDecisionSearch.asp"
LETTERS = "/dwc/imr/decisions/"
PAGE = 25
TO_SITE = {"Upheld": "Uphold", "Overturned": "Overturn", "Partially overturned": "Partial Overturn"}


def _us(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%m/%d/%Y") if iso else ""


def _day(text: str) -> date | None:
    return datetime.strptime(text, "%m/%d/%Y").date() if text else None


class Replay:
    """The replay's state: cases, letters, scripted faults, and a log of every request."""

    def __init__(self, cases: list[dict], letters: dict[str, bytes]) -> None:
        self.cases = sorted(cases, key=lambda c: (c["decision_date"], c["case_number"]))
        self.letters = letters
        self.scripted: dict[str, list] = {}
        self.storm = False
        self.shape = "dwc"          # or: no-table, no-total, no-next, no-link
        self.letter_delay = 0.0
        self.log: list[tuple[str, str, str, dict]] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def script(self, path: str, *answers) -> None:
        """The next requests of `path` get these answers in turn: a status, or 'truncated' / 'html'."""
        self.scripted.setdefault(path, []).extend(answers)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "Replay":
        replay = self

        class Handler(_Handler):
            state = replay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests(self, kind: str = "") -> list:
        """Logged requests whose method+path start with `kind` ('POST', 'GET /dwc/imr/decisions')."""
        return [r for r in self.log if f"{r[0]} {r[1]}".startswith(kind)]

    # --- pages -------------------------------------------------------------------------
    def matching(self, form: dict) -> list[dict]:
        start, end = _day(form.get("DecStart", "")), _day(form.get("DecEnd", ""))
        found = []
        for case in self.cases:
            day = date.fromisoformat(case["decision_date"])
            if (start and day < start) or (end and day > end):
                continue
            if form.get("CaseOutcomeV") and TO_SITE[case["outcome"]] != form["CaseOutcomeV"]:
                continue
            if form.get("SpecialtyV") and case["specialty"] != form["SpecialtyV"]:
                continue
            found.append(case)
        return found

    def link(self, case: dict) -> str:
        href = f"{LETTERS}{case['case_number']}.pdf"
        if self.shape == "no-link":
            return html.escape(case["case_number"])
        return f'<a href="{href}">{case["case_number"]}</a>'

    def case_rows(self, cases: list[dict]) -> list[str]:
        return [f"<tr><td>{self.link(c)} <strong>+</strong></td><td>{TO_SITE[c['outcome']]}</td>"
                f"<td>{_us(c['decision_date'])}</td><td>{_us(c.get('date_of_injury'))}</td>"
                f"<td>{_us(c.get('received_date'))}</td><td>{html.escape(c['specialty'])}</td></tr>" for c in cases]

    def treatment_rows(self, cases: list[dict]) -> list[str]:
        rows = []
        for c in cases:
            for n, (category, sub, decision) in enumerate(c["treatments"]):
                tail = f"<td>{html.escape(category)}</td><td>{html.escape(sub)}</td><td>{decision}</td>"
                if n == 0:
                    rows.append(f"<tr><td>{self.link(c)}</td><td>{_us(c['decision_date'])}</td>"
                                f"<td>{_us(c.get('date_of_injury'))}</td><td>{_us(c.get('received_date'))}</td>"
                                f"<td>{html.escape(c['specialty'])}</td>{tail}</tr>")
                else:
                    rows.append(f'<tr><td colspan="5">&nbsp;</td>{tail}</tr>')
        return rows

    def page(self, rows: list[str], number: int, heading: str) -> str:
        if not rows:
            return "<html><body><p>No records found for the selected search criteria.</p></body></html>"
        shown = rows[(number - 1) * PAGE:number * PAGE]
        more = number * PAGE < len(rows)
        table = f'<table class="tabborder" width="100%"><tr>{heading}</tr>{"".join(shown)}</table>'
        if self.shape == "no-table":
            table = table.replace('class="tabborder"', 'class="results"')
        total = f"\n<p>Total: <strong>{len(rows)}</strong> results found.</p>"
        if self.shape == "no-total":
            total = f"\n<p>Total: {len(rows)} results found.</p>"
        form = ('<form name="Nextpage" method="post" action="IMRDecisionSearch.asp">'
                f'<input type="hidden" name="newpageno" value="{number + 1}">'
                '<input type="submit" name="Submit" value="Next"></form>') if more and self.shape != "no-next" else ""
        return f"<html><body><h1>IMR Decision Search</h1>{table}{total}{form}</body></html>"

    def answer_search(self, form: dict) -> str:
        number = int(form.get("newpageno") or 1)
        cases = self.matching(form)
        if form.get("Fname") == "Case":
            heading = "<th>Case Number</th><th>Case Outcome</th><th>Decision Date</th><th>Date of Injury</th>" \
                      "<th>Received Date</th><th>IMRO Reviewer Specialty</th>"
            return self.page(self.case_rows(cases), number, heading)
        heading = "<th>Case Number</th><th>Decision Date</th><th>Date of Injury</th><th>Received Date</th>" \
                  "<th>Specialty</th><th>Request Category</th><th>SubCategory/Drug</th><th>Request Decision</th>"
        return self.page(self.treatment_rows(cases), number, heading)


class _Handler(BaseHTTPRequestHandler):
    state: Replay

    def log_message(self, *args) -> None:   # quiet
        pass

    def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None, length: int | None = None):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _fault(self, path: str) -> bool:
        with self.state.lock:
            queue = self.state.scripted.get(path) or []
            answer = queue.pop(0) if queue else None
        if self.state.storm:
            answer = 503
        if answer is None:
            return False
        if answer == "truncated":
            data = self.state.letters[path.rsplit("/", 1)[1][:-4]]
            self._send(200, data[: len(data) // 2], "application/pdf", length=len(data))
            self.close_connection = True
        elif answer == "html":
            self._send(200, b"<html><body><h1>Server Error</h1><p>Please try again.</p></body></html>", "text/html")
        elif answer == 429:
            self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
        else:
            self._send(int(answer), b"busy", "text/plain")
        return True

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size).decode("ascii")
        self.state.log.append(("POST", self.path, body, dict(self.headers)))
        if self._fault("search"):
            return
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        self._send(200, self.state.answer_search(form).encode(), "text/html; charset=utf-8")

    def do_GET(self) -> None:
        self.state.log.append(("GET", self.path, "", dict(self.headers)))
        parts = urlsplit(self.path)
        if self._fault(parts.path):
            return
        if parts.path == SEARCH:
            number = parse_qs(parts.query).get("caseno", [""])[0].upper()
            cases = [c for c in self.state.cases if c["case_number"] == number]
            heading = "<th>Case Number</th><th>Decision Date</th><th>Date of Injury</th><th>Received Date</th>" \
                      "<th>Specialty</th><th>Request Category</th><th>SubCategory/Drug</th><th>Request Decision</th>"
            page = self.state.page(self.state.treatment_rows(cases), 1, heading)
            self._send(200, page.encode(), "text/html; charset=utf-8")
        elif parts.path.startswith(LETTERS) and parts.path[len(LETTERS):-4] in self.state.letters:
            time.sleep(self.state.letter_delay)
            self._send(200, self.state.letters[parts.path[len(LETTERS):-4]], "application/pdf")
        else:
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")
