"""Customer archives (客户档案): customers, power sources, network, transformers, metering."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from utilitycrm.archive import enums, models  # noqa: F401 - the tables join the metadata
    from utilitycrm.archive.cli import archive
    from utilitycrm.archive.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(archive)
    app.jinja_env.globals["enums"] = enums
    app.add_template_filter(label, "label")


def label(value: str | None, enum) -> str:
    """The label of a stored code; an unknown code is shown as it is, never hidden."""
    if value is None or value == "":
        return ""
    try:
        return enum(value).label
    except ValueError:
        return value
