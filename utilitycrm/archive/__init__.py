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
    from utilitycrm.core.navigation import NavItem, NavMenu, register_nav_item, register_nav_menu

    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_nav_menu(app, NavMenu("archive", _l("Archive"), 10))
    register_nav_menu(app, NavMenu("network", _l("Network"), 15))
    for label, endpoint, order, menu in (
        (_l("Customers"), "archive.customers", 10, "archive"),
        (_l("Meters"), "archive.meters", 11, "archive"),
        (_l("Imports"), "archive.import_batches", 12, "archive"),
        (_l("Substations"), "archive.substations", 15, "network"),
        (_l("Lines"), "archive.lines", 16, "network"),
        (_l("Transformers"), "archive.transformers", 17, "network"),
    ):
        register_nav_item(app, NavItem(label, endpoint, Permission.VIEW_ARCHIVE, order, menu))
    app.cli.add_command(archive)
    app.jinja_env.globals["enums"] = enums
