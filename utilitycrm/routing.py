"""URL converters: `<int:...>` in a route is a database id."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """Ids run from 1 to the largest 32-bit integer; any other number is no record (404)
    instead of a value the database cannot even compare. The API documents the bounds."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def init_app(app) -> None:
    app.url_map.converters["int"] = RecordIdConverter
