"""Running utilitycrm in production: the proxy in front, security headers, structured
request logs, a health check for the load balancer, and backup / restore of the database."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    from utilitycrm.ops import backup, headers, health, jobs, requestlog  # noqa: F401

    if hops := app.config["TRUSTED_PROXY_HOPS"]:
        # Behind nginx every request comes from 127.0.0.1: the client's address (for the
        # sign-in throttle and the logs) and scheme are taken from the X-Forwarded-*
        # headers the trusted proxies add, never from a header a client sent itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    headers.init_app(app)
    requestlog.init_app(app)
    app.register_blueprint(health.bp)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
