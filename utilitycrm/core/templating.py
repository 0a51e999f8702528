"""What every template gets: the navigation for the current user, the language switch, filters."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import format_datetime
from flask_login import current_user

from utilitycrm.core.i18n import (
    LANGUAGE_NAMES,
    LOCALE_LABELS,
    LanguageForm,
    html_lang,
    select_locale,
)
from utilitycrm.core.labels import label
from utilitycrm.core.navigation import nav_for


def _template_context() -> dict[str, object]:
    locale = select_locale()
    if not has_request_context():  # documents rendered by commands and scheduled jobs
        return {"current_locale": locale, "html_lang": html_lang(locale)}
    return {
        "nav_menus": nav_for(current_user),
        "language_form": LanguageForm(
            formdata=None, locale=locale, next=request.full_path.rstrip("?")
        ),
        "current_locale": locale,
        "html_lang": html_lang(locale),
        "locale_labels": LOCALE_LABELS,
        "language_names": LANGUAGE_NAMES,
    }


def _datetime(value, style: str = "short") -> str:
    return format_datetime(value, style) if value else ""


def init_app(app: Flask) -> None:
    app.context_processor(_template_context)
    app.add_template_filter(_datetime, "datetime")
    app.add_template_filter(label, "label")
