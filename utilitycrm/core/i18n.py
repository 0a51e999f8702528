"""The language of a request: the user's choice, else the session's, else the default."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_login import current_user

from utilitycrm.core.config import SUPPORTED_LOCALES
from utilitycrm.core.extensions import babel


def select_locale() -> str:
    if not has_request_context():  # CLI commands and scheduled jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    if session.get("locale") in SUPPORTED_LOCALES:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang(locale: str) -> str:
    return locale.replace("_", "-")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
