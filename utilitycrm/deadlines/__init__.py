"""Deadlines on the Chinese working-day calendar, shared by expansion projects and
key-account work: one clock, one alert mechanism."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user


def init_app(app: Flask) -> None:
    from utilitycrm.core.extensions import mail
    from utilitycrm.deadlines import models, services
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
    app.context_processor(_alert_badge)


def _alert_badge() -> dict[str, object]:
    """The navigation bar's count of the user's due-soon and overdue deadlines."""
    from utilitycrm.core.dates import local_today
    from utilitycrm.deadlines.alerts import alert_count

    if not current_user or not current_user.is_authenticated:  # no request: a command
        return {}
    return {"my_alert_count": alert_count(local_today(), owner_id=current_user.id)}
