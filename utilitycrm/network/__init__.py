"""The network as the marketing department manages it: line losses (同期线损) of every
10 kV line and 台区 per month, tied to the archive's errors that cause them; open capacity
(可开放容量) for new connections, checked at the supply plan and at connection; the CIM
export for a GIS or a distribution-management system."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core.api import register_api
    from utilitycrm.core.navigation import NavItem, register_nav_item
    from utilitycrm.core.panels import ListColumn, Panel, register_list_column, register_panel
    from utilitycrm.network import jobs, models, panels, planning, rules  # noqa: F401
    from utilitycrm.network.api import blp as api_blueprint
    from utilitycrm.network.cli import network_cli
    from utilitycrm.network.types import Band, LossKind
    from utilitycrm.network.views import bp
    from utilitycrm.projects.supply_plan import register_approval_check
    from utilitycrm.projects.workflow import register_stage_exit_check

    app.register_blueprint(bp)
    register_api(api_blueprint)
    app.jinja_env.globals.update(loss_band_enum=Band, loss_kind_enum=LossKind)
    register_nav_item(
        app,
        NavItem(_l("Line losses (线损)"), "network.losses_index", Permission.VIEW_ARCHIVE, 18,
                "network"),
    )  # fmt: skip
    register_panel(
        app, "archive.line", Panel("network/_line_capacity.html", panels.line_panel, "top")
    )
    register_panel(
        app,
        "projects.project",
        Panel("network/_project_capacity.html", panels.project_panel, "side", 5),
    )
    register_stage_exit_check("connection", planning.capacity_refusal)
    register_approval_check(planning.capacity_refusal)
    for page, load in (("archive.lines", panels.lines_column),
                       ("archive.substations", panels.substations_column)):  # fmt: skip
        register_list_column(app, page, ListColumn(_l("Open capacity, kVA"), load))
    app.cli.add_command(network_cli)
