"""Response headers that make every page inert to injected markup and framing; absolute links
that a request's Host header cannot point elsewhere."""
from __future__ import annotations

from flask import Flask, Response, url_for

from webapp.state import app_settings

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_headers(response: Response) -> Response:
    """Set the security headers on one response (a view's own stricter policy is kept: the
    original letters get one of their own)."""
    for name, value in HEADERS.items():
        if name != "Content-Security-Policy" or name not in response.headers:
            response.headers[name] = value
    return response


def external_url(endpoint: str, **values: object) -> str:
    """The absolute address of a page: Settings.site_url and the page's path when a site URL is
    configured (never the request's Host header, which any client sets), else the request's own."""
    site = app_settings().site_url
    if site:
        return site.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def register(app: Flask) -> None:
    """Add the headers to every response of `app`, error pages included; `external_url` for templates."""
    app.after_request(add_headers)
    app.jinja_env.globals["external_url"] = external_url
