"""Upload limits per page, in force before anything reads the request body.

The app-wide MAX_CONTENT_LENGTH suits forms; a page that takes a file names its own limit
(`@upload_limit("IMPORT_MAX_BYTES")`). The limit must be set before CSRF protection reads
the form, so the hook that sets it runs first of all; a file over it gets a 413 page that
states the limit in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request

# What the form's other fields and the multipart framing may add to the file itself.
FORM_ALLOWANCE = 2**16


def upload_limit(config_key: str) -> Callable:
    """Let the decorated view take a file of up to `current_app.config[config_key]` bytes."""

    def decorate(view: Callable) -> Callable:
        view.upload_limit_key = config_key  # copied onto the wrappers by functools.wraps
        return view

    return decorate


def file_limit() -> int | None:
    """The largest file this request's page takes, None for pages that take none."""
    view = current_app.view_functions.get(request.endpoint or "")
    key = getattr(view, "upload_limit_key", None)
    return current_app.config[key] if key else None


def _apply_limit() -> None:
    limit = file_limit()
    if limit is not None:
        request.max_content_length = limit + FORM_ALLOWANCE


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _apply_limit)
