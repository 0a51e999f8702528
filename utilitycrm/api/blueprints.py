"""The API's blueprint: flask-smorest's, with every request's text tidied before its
schema sees it, as forms and imports tidy theirs (utilitycrm.text)."""

from __future__ import annotations

import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from utilitycrm.text import tidy_block, tidy_data


class TidyParser(FlaskParser):
    def _raw_load_json(self, req):
        data = super()._raw_load_json(req)
        return data if data is core.missing else tidy_data(data)

    def load_querystring(self, req, schema):
        tidied = MultiDict((key, tidy_block(value)) for key, value in req.args.items(multi=True))
        return self._makeproxy(tidied, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = TidyParser()
