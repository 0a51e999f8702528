"""Expansion projects (业扩报装): stages, working-day time limits, alerts, completion."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.core import numbering  # noqa: F401 - its table belongs to the schema
    from utilitycrm.deadlines.services import register_kind
    from utilitycrm.projects import models  # noqa: F401
    from utilitycrm.projects.chains import stage_label
    from utilitycrm.projects.cli import projects_cli
    from utilitycrm.projects.queries import describe_deadlines
    from utilitycrm.projects.services import KIND
    from utilitycrm.projects.types import BusinessType, ProjectStatus
    from utilitycrm.projects.views import bp

    register_kind(KIND, _l("Expansion project"), describe_deadlines)
    app.jinja_env.globals.update(
        business_type_enum=BusinessType,
        project_status_enum=ProjectStatus,
        stage_label=stage_label,
    )
    app.register_blueprint(bp)
    app.cli.add_command(projects_cli)
