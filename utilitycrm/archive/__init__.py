"""Customer archives (客户档案): customers, power sources, network, transformers, metering."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.archive import enums, jobs, models  # noqa: F401 - tables, kinds of job
    from utilitycrm.archive.api import blp as api_blueprint
    from utilitycrm.archive.cli import archive
    from utilitycrm.archive.views import bp
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core.api import register_api
    from utilitycrm.core.navigation import NavItem, register_nav_item

    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_nav_item(
        app, NavItem(_l("Customers"), "archive.customers", Permission.VIEW_ARCHIVE, 10)
    )
    register_nav_item(app, NavItem(_l("Lines"), "archive.lines", Permission.VIEW_ARCHIVE, 11))
    register_nav_item(
        app, NavItem(_l("Transformers"), "archive.transformers", Permission.VIEW_ARCHIVE, 12)
    )
    register_nav_item(app, NavItem(_l("Meters"), "archive.meters", Permission.VIEW_ARCHIVE, 13))
    register_nav_item(
        app, NavItem(_l("Imports"), "archive.import_batches", Permission.VIEW_ARCHIVE, 14)
    )
    app.cli.add_command(archive)
    app.jinja_env.globals["enums"] = enums
