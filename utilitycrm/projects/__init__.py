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
        attachments,
        defects,
        grid_works,
        jobs,  # noqa: F401 (registers the schedule)
        models,  # noqa: F401
        return_visits,
        stage_views,  # noqa: F401 (its routes join the blueprint)
        supply_plan,
        units,
    )
    from utilitycrm.projects.api import blp as api_blueprint
    from utilitycrm.projects.chains import stage_label
    from utilitycrm.projects.cli import projects_cli
    from utilitycrm.projects.queries import describe_deadlines
    from utilitycrm.projects.types import (
        AttachmentKind,
        BusinessType,
        GridWorkKind,
        LicenceClass,
        PlanStatus,
        ProjectStatus,
        Satisfaction,
        UnitRole,
    )
    from utilitycrm.projects.views import bp, customer_panel
    from utilitycrm.projects.workflow import KIND, register_stage_exit_check

    register_kind(KIND, _l("Expansion project"), describe_deadlines)
    register_kind(grid_works.KIND, _l("Grid-side work"), grid_works.describe_deadlines)
    register_kind(return_visits.KIND, _l("Return visit (回访)"), return_visits.describe_visits)
    register_kind(return_visits.FOLLOW_UP, _l("Follow-up of a dissatisfied customer"),
                  return_visits.describe_follow_ups)  # fmt: skip
    register_stage_exit_check(supply_plan.PLAN_STAGE, supply_plan.plan_stage_refusal)
    for stage in defects.INSPECTIONS:
        register_stage_exit_check(stage, units.licence_refusal)
        register_stage_exit_check(stage, defects.defects_refusal)
    register_stage_exit_check(grid_works.BLOCKED_STAGE, grid_works.works_refusal)
    for stage in attachments.REQUIRED:
        register_stage_exit_check(stage, attachments.required_refusal)
    app.jinja_env.globals.update(
        business_type_enum=BusinessType,
        project_status_enum=ProjectStatus,
        plan_status_enum=PlanStatus,
        unit_role_enum=UnitRole,
        licence_class_enum=LicenceClass,
        grid_work_kind_enum=GridWorkKind,
        attachment_kind_enum=AttachmentKind,
        visit_rating_enum=Satisfaction,
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
