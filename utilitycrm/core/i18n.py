"""The language of a request: the user's choice, else the session's, else the default."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from utilitycrm.core.config import SUPPORTED_LOCALES
from utilitycrm.core.extensions import babel
from utilitycrm.core.forms import Form

# Each language is named in itself, so a user who cannot read the page still finds theirs.
LOCALE_LABELS = {"zh_CN": "简体中文", "en": "English"}  # the switch: each in itself
# A document's language, named in the reader's (a contract drafted in English: 英文).
LANGUAGE_NAMES = {"zh_CN": _l("Chinese"), "en": _l("English")}


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


class LanguageForm(Form):
    locale = SelectField(
        choices=[SelectChoice(code, LOCALE_LABELS[code]) for code in SUPPORTED_LOCALES]
    )
    next = HiddenField()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
