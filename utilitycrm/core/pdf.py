"""PDF documents: Jinja HTML and print CSS rendered by WeasyPrint, locked down.

WeasyPrint would fetch whatever a document names: a URL on the intranet, a `file:` path.
Documents are filled from archive data that anyone with edit rights typed, so the fetcher
serves only the application's own static files (print CSS, images); everything else is
refused and recorded, and fonts come from the system's fontconfig (Noto CJK), embedded and
subset by WeasyPrint so that Chinese text stays extractable and files stay small.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

PDF_MIMETYPE = "application/pdf"


class ResourceRefused(ValueError):
    """A document named a resource outside the application's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `file:` URLs inside the given folders and nothing else: no network, no
    redirects, no other files. Refused URLs are kept in `refused` (tests read them)."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(url2pathname(unquote(parts.path))).resolve() if parts.scheme == "file" else None
        if (
            path is None
            or not path.is_file()
            or not any(path.is_relative_to(r) for r in self.roots)
        ):
            self.refused.append(url)
            raise ResourceRefused(f"not an application resource: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_root() -> Path:
    return Path(current_app.static_folder)


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Render HTML whose relative URLs resolve against the static folder."""
    fetcher = fetcher or StaticOnlyFetcher([static_root()])
    document = HTML(string=html, base_url=path2url(static_root()), url_fetcher=fetcher)
    return document.write_pdf()


def render_pdf(template: str, *, fetcher: StaticOnlyFetcher | None = None, **context) -> bytes:
    """A Jinja template (autoescaped like every page) as a PDF."""
    return html_to_pdf(render_template(template, **context), fetcher=fetcher)
