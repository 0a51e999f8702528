"""Archive validation (稽查): rules over a snapshot of the archive, findings and their rectification."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.archive.signals import customers_saved
    from utilitycrm.archive.workbook.importing import register_trial_check
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core.api import register_api
    from utilitycrm.core.inbox import register_source
    from utilitycrm.core.navigation import NavItem, NavMenu, register_nav_item, register_nav_menu
    from utilitycrm.core.panels import Panel, register_panel
    from utilitycrm.validation import inbox, jobs, models, registry  # noqa: F401 (jobs registers)
    from utilitycrm.validation.api import blp as api_blueprint
    from utilitycrm.validation.cli import validate
    from utilitycrm.validation.on_save import check_on_save
    from utilitycrm.validation.preview import findings_by_family
    from utilitycrm.validation.views import bp, customer_panel

    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_panel(
        app, "archive.customer", Panel("validation/_customer_panel.html", customer_panel, "top", 10)
    )
    register_nav_menu(app, NavMenu("validation", _l("Validation"), 20))
    for label, endpoint, order in (
        (_l("Findings"), "validation.findings", 20),
        (_l("Validation runs"), "validation.runs", 21),
        (_l("Thresholds"), "validation.thresholds", 22),
    ):
        register_nav_item(
            app, NavItem(label, endpoint, Permission.VIEW_ARCHIVE, order, "validation")
        )
    app.cli.add_command(validate)
    register_source(app, inbox.SOURCE)
    customers_saved.connect(check_on_save, app)
    register_trial_check(findings_by_family)
    app.jinja_env.globals.update(
        severity_enum=registry.Severity,
        family_enum=registry.Family,
        status_enum=models.FindingStatus,
        action_enum=models.EventAction,
        run_status_enum=models.RunStatus,
        severities=list(registry.Severity),
        families=list(registry.Family),
        severity_style={"error": "danger", "warning": "warning", "info": "secondary"},
    )
