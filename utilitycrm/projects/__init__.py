"""Expansion projects (业扩报装): stages, working-day time limits, alerts, completion."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core import numbering  # noqa: F401 - its table belongs to the schema
    from utilitycrm.core.api import register_api
    from utilitycrm.core.navigation import NavItem, NavMenu, register_nav_item, register_nav_menu
    from utilitycrm.core.panels import Panel, register_panel
    from utilitycrm.deadlines.services import register_kind
    from utilitycrm.projects import (
        jobs,  # noqa: F401 (registers the schedule)
        models,  # noqa: F401
    )
    from utilitycrm.projects.api import blp as api_blueprint
    from utilitycrm.projects.chains import stage_label
    from utilitycrm.projects.cli import projects_cli
    from utilitycrm.projects.queries import describe_deadlines
    from utilitycrm.projects.types import BusinessType, ProjectStatus
    from utilitycrm.projects.views import bp, customer_panel
    from utilitycrm.projects.workflow import KIND

    register_kind(KIND, _l("Expansion project"), describe_deadlines)
    app.jinja_env.globals.update(
        business_type_enum=BusinessType,
        project_status_enum=ProjectStatus,
        stage_label=stage_label,
    )
    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_panel(
        app, "archive.customer", Panel("projects/_customer_panel.html", customer_panel, "side", 10)
    )
    register_nav_menu(app, NavMenu("projects", _l("Projects"), 30))
    register_nav_item(
        app,
        NavItem(
            _l("Expansion projects"), "projects.index", Permission.VIEW_ARCHIVE, 30, "projects"
        ),
    )
    app.cli.add_command(projects_cli)
