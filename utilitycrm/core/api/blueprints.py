"""The API's blueprint: flask-smorest's, refusing text that holds characters the forms
and imports drop (utilitycrm.core.text): a program gets told, rather than have its data
changed silently. The OpenAPI document publishes the same rule as a pattern."""

from __future__ import annotations

import flask_smorest
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser

from utilitycrm.core.text import unclean_paths

UNCLEAN = _l("Text must not hold control or text-direction characters (NUL, U+202E …).")


def _refuse_unclean(data: object) -> None:
    paths = unclean_paths(data)
    if not paths:
        return
    errors: dict = {}
    for path in paths:
        node = errors
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1] if path else "_schema"] = [str(UNCLEAN)]
    raise ValidationError(errors)


class CleanTextParser(FlaskParser):
    def _raw_load_json(self, req):
        data = super()._raw_load_json(req)
        if data is not core.missing:
            _refuse_unclean(data)
        return data

    def load_querystring(self, req, schema):
        _refuse_unclean(req.args.to_dict(flat=False))
        return super().load_querystring(req, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = CleanTextParser()
