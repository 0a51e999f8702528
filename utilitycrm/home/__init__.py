"""The top of the app: each role's home page and the to-do inbox that gathers every
wing's open items for a user."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from utilitycrm.core.navigation import NavItem, register_nav_item


def init_app(app: Flask) -> None:
    from utilitycrm.home import inbox, views

    app.register_blueprint(views.bp)
    app.register_blueprint(inbox.bp)
    app.context_processor(inbox.inbox_badge)
    register_nav_item(app, NavItem(_l("Home"), "home.index", order=0))
