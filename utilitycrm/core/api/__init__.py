"""The JSON API under /api/v1: flask-smorest, OpenAPI 3 at /api/v1/openapi.json, bearer
tokens, the same permissions as the pages and one JSON error shape. Each wing adds its
blueprint with `register_api`."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api, Blueprint

from utilitycrm.core.api.errors import ErrorSchema
from utilitycrm.core.api.openapi import PublishedRules, string_patterns
from utilitycrm.core.extensions import csrf


class JSONApi(Api):
    """flask-smorest's Api, publishing the error body the app really sends."""

    ERROR_SCHEMA = ErrorSchema


api = JSONApi()


def init_app(app: Flask) -> None:
    """Before the wings: they register their blueprints on the initialised Api."""
    app.config.setdefault("API_TITLE", "utilitycrm")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api.init_app(app, spec_kwargs={"extra_plugins": [PublishedRules()]})
    api.ma_plugin.converter.add_attribute_function(string_patterns(app.config))


def register_api(blueprint: Blueprint) -> None:
    """Tokens authenticate the API, and it ignores session cookies: no CSRF token needed."""
    api.register_blueprint(blueprint)
    csrf.exempt(blueprint)
