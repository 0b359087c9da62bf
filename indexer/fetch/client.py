"""Polite HTTP: one request at a time, a pause between requests, retries with back-off, a cap per run.

The standard library's urllib is enough for one request at a time to one site
(no pool, no async); it keeps the site's session cookie as a browser would, since
the search pages through results with a form post. Every attempt counts against
the cap, retries included, so a run never makes more requests than it says.
"""
from __future__ import annotations

import email.utils
import http.client
import socket
import time
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Callable
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

from indexer.errors import SiteUnreachable
from indexer.settings import Settings

RETRIED = {429, 500, 502, 503, 504}
MAX_BACKOFF = 300.0        # seconds: the longest pause between two tries of our own choosing
MAX_RETRY_AFTER = 900.0    # a site asking for a longer pause is down for now: stop and say so


class RequestCap(Exception):
    """This run's cap on requests is reached: stop cleanly, the next run continues."""


@dataclass
class Answer:
    """One HTTP answer; `truncated` when the connection closed before the promised length."""

    status: int
    body: bytes
    content_type: str
    truncated: bool = False

    def text(self) -> str:
        """The body as text (the search's pages are Windows-1252 or UTF-8; both read as this)."""
        return self.body.decode("utf-8", "replace")


def user_agent(contact: str | None) -> str:
    """The User-Agent: this project, its version and who to contact about it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("imr-search")
    except PackageNotFoundError:
        own = "dev"
    return f"imr-search/{own} (IMR Search letter fetcher; contact: {contact or 'none given'})"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class Client:
    """Requests to one site, spaced by `settings.fetch_delay`, retried, counted and capped."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.delay, self.timeout = settings.fetch_delay, settings.fetch_timeout
        self.retries, self.cap = settings.fetch_retries, settings.fetch_max_requests
        self.agent = user_agent(settings.fetch_contact)
        self.requests = 0
        self.waits: list[float] = []      # pauses asked for by back-off and Retry-After (reported, tested)
        self._sleep = sleep if sleep is not None else time.sleep
        self._clock, self._last = clock or time.monotonic, None
        self._opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def post(self, url: str, fields: list[tuple[str, str]]) -> Answer:
        """POST a form (application/x-www-form-urlencoded)."""
        return self._request(url, urlencode(fields).encode("ascii"))

    def get(self, url: str) -> Answer:
        """GET a page or a letter."""
        return self._request(url, None)

    def backoff(self, attempt: int) -> float:
        """The pause before try `attempt + 1`: doubling from the delay (at least 2 s), at most 5 min."""
        return min(MAX_BACKOFF, max(2.0, self.delay) * 2 ** attempt)

    def pause(self, seconds: float) -> None:
        """Wait (a back-off chosen by the caller, e.g. before fetching a bad letter again)."""
        self.waits.append(seconds)
        self._sleep(seconds)

    def _space(self) -> None:
        if self._last is not None:
            left = self.delay - (self._clock() - self._last)
            if left > 0:
                self._sleep(left)

    def _request(self, url: str, data: bytes | None) -> Answer:
        headers = {"User-Agent": self.agent, "Accept": "text/html,application/pdf;q=0.9,*/*;q=0.5"}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        problem = ""
        for attempt in range(self.retries + 1):
            if self.requests >= self.cap:
                raise RequestCap(f"the cap of {self.cap} requests for one run is reached")
            self._space()
            self.requests += 1
            wait = None
            try:
                with self._opener.open(Request(url, data, headers), timeout=self.timeout) as answer:
                    kind = answer.headers.get_content_type()
                    try:
                        return Answer(answer.status, answer.read(), kind)
                    except http.client.IncompleteRead as exc:
                        return Answer(answer.status, exc.partial, kind, truncated=True)
            except HTTPError as exc:
                if exc.code not in RETRIED:
                    return Answer(exc.code, exc.read() or b"", exc.headers.get_content_type())
                problem = f"answered {exc.code} {exc.reason}"
                wait = retry_after(exc.headers.get("Retry-After"))
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise SiteUnreachable(f"{url} {problem} and asks to wait {wait:.0f} s; "
                                          "run imr fetch again later") from exc
            except (URLError, socket.timeout, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", exc)
                problem = f"did not answer ({getattr(reason, 'strerror', None) or reason})"
            finally:
                self._last = self._clock()
            if attempt < self.retries:
                self.pause(self.backoff(attempt) if wait is None else wait)
        raise SiteUnreachable(f"{url} {problem}, {self.retries + 1} tries in a row: the site is down, busy "
                              "or out of reach; check the network and --site, and run imr fetch again later "
                              "(what was fetched is kept)")
