"""URL converters (`<int:...>` in a route is a database id) and what a route is."""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """Ids run from 1 to the largest 32-bit integer; any other number is no record (404)
    instead of a value the database cannot even compare. The API documents the bounds."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def arg_id(name: str) -> int | None:
    """A record id from the query string; anything else (text, "²", a number no id can
    be) is no id, never a value the database is asked to compare."""
    value = request.args.get(name, "")
    if value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def is_static(endpoint: str) -> bool:
    """The app's or an extension's static files (Bootstrap-Flask's), and the icon."""
    return endpoint in ("static", "favicon") or endpoint.endswith(".static")


def init_app(app) -> None:
    app.url_map.converters["int"] = RecordIdConverter
    # Asked for by browsers (and for PDFs and downloads, which have no <link rel=icon>).
    app.add_url_rule(
        "/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"), methods=["GET"]
    )
