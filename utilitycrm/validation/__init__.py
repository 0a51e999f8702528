"""Archive validation (稽查): rules over a snapshot of the archive, findings and their rectification."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from utilitycrm.validation import models, registry
    from utilitycrm.validation.cli import validate
    from utilitycrm.validation.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(validate)
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
