"""The JSON API under /api/v1: flask-smorest, OpenAPI 3 at /api/v1/openapi.json, bearer
tokens, the same permissions as the pages and one JSON error shape."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from utilitycrm.archive.api import blp as archive_api
    from utilitycrm.auth.access import declare_endpoint, public
    from utilitycrm.core import errors
    from utilitycrm.core.api.openapi import PublishedRules, string_patterns
    from utilitycrm.core.extensions import api, csrf

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
    declare_endpoint(app, "api-docs.openapi_json", public)  # the API's description is no secret
    from utilitycrm.accounts.api import blp as accounts_api
    from utilitycrm.contracts.api import blp as contracts_api
    from utilitycrm.projects.api import blp as projects_api
    from utilitycrm.validation.api import blp as validation_api

    # Tokens authenticate the API, and it ignores session cookies: no CSRF token needed.
    for blueprint in (archive_api, validation_api, projects_api, contracts_api, accounts_api):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    # flask-smorest installs its own error handler; the app keeps one error path.
    errors.init_app(app)
