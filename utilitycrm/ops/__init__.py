"""Running utilitycrm in production: security headers, structured request logs, a health
check for the load balancer, and backup / restore of the database."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from utilitycrm.ops import backup, headers, health, requestlog

    headers.init_app(app)
    requestlog.init_app(app)
    app.register_blueprint(health.bp)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
