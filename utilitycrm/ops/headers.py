"""Security headers on every response: a Content-Security-Policy that allows the app's
own scripts only (no inline script, nothing fetched from elsewhere), no framing, no MIME
sniffing, no referrer leaving the site; nothing but static files kept in a browser's or
a proxy's cache (pages, downloads and API answers carry customer data); HSTS once the
app is served over HTTPS only (the secure-cookie setting)."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from utilitycrm.core.routing import is_static

# Inline style attributes are allowed (tables and pictures size themselves with them);
# scripts, fonts, images and connections come from this site only.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


HSTS = "max-age=31536000"


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if not is_static(request.endpoint or ""):
        response.headers["Cache-Control"] = "no-store"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
