"""Response headers that make every page inert to injected markup and framing."""
from __future__ import annotations

from flask import Flask, Response

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


def register(app: Flask) -> None:
    """Add the headers to every response of `app`, error pages included."""
    app.after_request(add_headers)
