"""Archive validation (稽查): rules over a snapshot of the archive, findings and their rectification."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from utilitycrm.validation import models  # noqa: F401 - the tables join the metadata
    from utilitycrm.validation.cli import validate

    app.cli.add_command(validate)
