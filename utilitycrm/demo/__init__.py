"""The demo utility: `flask demo seed` builds a realistic, deterministic data set."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from utilitycrm.demo import models  # noqa: F401 - the table joins the metadata
    from utilitycrm.demo.cli import demo

    app.cli.add_command(demo)
