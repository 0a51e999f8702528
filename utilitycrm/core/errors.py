"""One error path: domain exceptions, HTML error pages for browsers, JSON for the API."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from utilitycrm.core.extensions import db
from utilitycrm.core.uploads import file_limit

log = logging.getLogger(__name__)


class UtilityCRMError(Exception):
    """A refusal the user can act on; its message is shown to them as it is."""

    status_code = 400

    def __init__(self, message: str | object) -> None:
        super().__init__(str(message))
        self.message = message


class StaleEditError(UtilityCRMError):
    """Someone else saved the record after this form was loaded; nothing was written."""

    status_code = 409

    def __init__(self, message: str | object, changes: list[tuple[str, str, str]] | None = None):
        super().__init__(message)
        self.changes = changes or []


# Titles and explanations shown on error pages, by status code.
ERROR_TEXTS = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Check the form and try again."),
    ),
    403: (
        _l("Access denied"),
        _l("Your role does not allow this page. Ask an administrator if you need it."),
    ),
    404: (
        _l("Page not found"),
        _l("The page or record does not exist. It may have been closed or the link is wrong."),
    ),
    401: (_l("Sign-in required"), _l("Send an API token: Authorization: Bearer <token>.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("The record changed while you were working on it.")),
    422: (_l("Invalid data"), _l("Some fields are missing or wrong; see the field messages.")),
    413: (_l("Upload too large"), _l("The file or form is larger than the server accepts.")),
    429: (
        _l("Too many requests"),
        _l("Too many requests in a short time. Wait a moment and try again."),
    ),
    500: (
        _l("Server error"),
        _l(
            "Something went wrong on our side. Nothing was saved; try again or tell the administrator."
        ),
    ),
    503: (
        _l("Service unavailable"),
        _l("The database cannot be reached right now. Nothing was saved; try again in a minute."),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: object | None = None, fields: dict | None = None):
    title, explanation = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    detail = str(message) if message else str(explanation)
    if _wants_json():
        body = {"status": status, "title": str(title), "message": detail}
        if fields:
            body["fields"] = fields
        return jsonify(error=body), status
    return render_template("errors/error.html", status=status, title=title, message=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        # Werkzeug's default descriptions are English boilerplate; ours are translated.
        # Request validation (webargs) leaves its messages per field in error.data.
        fields = (getattr(error, "data", None) or {}).get("messages")
        message = None
        if status == 413 and (limit := file_limit()):
            message = _l("The file is larger than %(mb)s MB, the most this page takes.",
                         mb=format_decimal(limit / 2**20, "#,##0.#"))  # fmt: skip
        response = make_response(render_error(status, message, fields=fields))
        # What the exception says beside its body: Allow (405), Retry-After, WWW-Authenticate.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _l(
                "The form expired or was sent without its security token. "
                "Reload the page and submit it again."
            ),
        )

    @app.errorhandler(UtilityCRMError)
    def domain_error(error: UtilityCRMError):
        db.session.rollback()
        changes = getattr(error, "changes", None)
        fields = {"changed_since": [vars(c) | {"occurred_at": c.occurred_at.isoformat()}
                                    for c in changes]} if changes else None  # fmt: skip
        fields = getattr(error, "fields", None) or fields
        return render_error(error.status_code, error.message, fields=fields)

    @app.errorhandler(DataError)
    def unstorable_data(error: DataError):
        # e.g. a NUL character, which PostgreSQL text cannot hold; never a server error.
        db.session.rollback()
        return render_error(
            400, _l("The input holds characters or values the database cannot store.")
        )

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def lost_race(error: Exception):
        # Two users doing the same thing at the same moment (signing one draft, undoing one
        # import): the database lets one through; the other learns it came second.
        log.info("concurrent change refused: %s", error)
        db.session.rollback()
        return render_error(
            409,
            _l(
                "Someone else did this at the same moment and came first; nothing of yours "
                "was saved. Reload the page to see the record as it is now."
            ),
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        log.error("database error: %s", error)
        db.session.rollback()
        # The page must not need the database: the signed-in user (expired by the
        # rollback, or never loaded) would be read from it again.
        current_app.login_manager._update_request_context_with_user()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)
