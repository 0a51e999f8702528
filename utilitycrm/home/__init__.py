"""The top of the app: each role's home page, the to-do inbox that gathers every wing's
open items for a user, and the lists' saved filters."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from utilitycrm.core.navigation import NavItem, register_nav_item


def init_app(app: Flask) -> None:
    from utilitycrm.home import inbox, saved_filters, views

    app.register_blueprint(views.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(saved_filters.bp)
    app.jinja_env.globals["saved_filters_for"] = saved_filters.saved_filters_for
    app.context_processor(inbox.inbox_badge)
    register_nav_item(app, NavItem(_l("Home"), "home.index", order=0))
