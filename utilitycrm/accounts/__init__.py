"""Key-account relationship work (大客户经理): portfolios, consumption and value classes,
visit plans, complaints with statutory time limits, expiring documents."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.accounts import (  # noqa: F401
        classes,
        complaints,
        documents,
        jobs,
        models,
        visits,
    )
    from utilitycrm.accounts.api import blp as api_blueprint
    from utilitycrm.accounts.cli import accounts_cli
    from utilitycrm.accounts.describe import (
        describe_complaints,
        describe_documents,
        describe_visits,
    )
    from utilitycrm.accounts.types import Channel, ComplaintCategory, Satisfaction, Step
    from utilitycrm.accounts.views import bp, customer_panel
    from utilitycrm.archive.history_display import register_system_reason
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core.api import register_api
    from utilitycrm.core.navigation import NavItem, NavMenu, register_nav_item, register_nav_menu
    from utilitycrm.core.panels import Panel, register_panel
    from utilitycrm.deadlines.services import register_kind

    register_system_reason(classes.CLASSIFICATION_REASON, _l("Value classification (A/B/C)"))
    register_kind(visits.VISIT, _l("Key-account visit"), describe_visits)
    register_kind(visits.FOLLOW_UP, _l("Visit follow-up"), describe_visits)
    register_kind(complaints.KIND, _l("Complaint"), describe_complaints)
    register_kind(documents.KIND, _l("Qualification document"), describe_documents)
    app.jinja_env.globals.update(
        channel_enum=Channel,
        complaint_category_enum=ComplaintCategory,
        complaint_step_enum=Step,
        satisfaction_enum=Satisfaction,
    )
    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_panel(
        app, "archive.customer", Panel("accounts/_customer_panel.html", customer_panel, "side", 20)
    )
    register_nav_menu(app, NavMenu("accounts", _l("Key accounts"), 50))
    register_nav_item(
        app, NavItem(_l("Portfolio"), "accounts.index", Permission.VIEW_ARCHIVE, 50, "accounts")
    )
    register_nav_item(
        app,
        NavItem(
            _l("Complaints"), "accounts.complaints_index", Permission.VIEW_ARCHIVE, 51, "accounts"
        ),
    )
    app.cli.add_command(accounts_cli)
