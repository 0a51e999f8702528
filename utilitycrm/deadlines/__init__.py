"""Deadlines on the Chinese working-day calendar, shared by expansion projects and
key-account work: one clock, one alert mechanism."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core.extensions import mail
    from utilitycrm.core.inbox import register_source
    from utilitycrm.core.navigation import NavItem, register_nav_item
    from utilitycrm.deadlines import inbox, models, services
    from utilitycrm.deadlines.cli import alerts_command, calendar_cli
    from utilitycrm.deadlines.views import bp

    mail.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(
        alerts_command(None, "Every due-soon and overdue deadline; --send mails what is new.")
    )
    app.jinja_env.globals["alert_level_enum"] = models.AlertLevel
    app.jinja_env.globals["pause_reason_enum"] = services.PauseReason
    register_source(app, inbox.SOURCE)
    register_source(app, inbox.CALENDAR_SOURCE)
    register_nav_item(
        app,
        NavItem(
            _l("Working-day calendar"), "deadlines.calendar", Permission.EDIT_CALENDAR, 93, "admin"
        ),
    )
