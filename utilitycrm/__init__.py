"""utilitycrm: key-account archive, validation, expansion projects and supply contracts."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from sqlalchemy.orm import configure_mappers

from utilitycrm.core.config import Config


def create_app(config: object | Mapping[str, object] | None = None) -> Flask:
    """Build the app; `config` (an object or a mapping) replaces the environment's settings."""
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_relative_config=True,
    )
    app.config.from_object(Config)
    if config is None:
        app.config.update(Config.from_env(app.instance_path))
    elif isinstance(config, Mapping):
        app.config.update(config)
    else:
        app.config.from_object(config)

    from utilitycrm import (
        accounts,
        archive,
        auth,
        contracts,
        deadlines,
        demo,
        home,
        network,
        ops,
        projects,
        validation,
    )
    from utilitycrm.auth.access import check_declarations
    from utilitycrm.core import api, errors, i18n, jobs, routing, templating, uploads
    from utilitycrm.core.extensions import bootstrap, csrf, db, migrate

    routing.init_app(app)  # before any route is added
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "migrations"))
    jobs.init_app(app)
    csrf.init_app(app)
    uploads.init_app(app)  # its limit is set before CSRF reads the form
    bootstrap.init_app(app)
    i18n.init_app(app)
    api.init_app(app)
    # After the Api: flask-smorest installs its own error handler; the app keeps one path.
    errors.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    home.init_app(app)
    archive.init_app(app)
    deadlines.init_app(app)
    projects.init_app(app)
    contracts.init_app(app)
    accounts.init_app(app)
    validation.init_app(app)
    network.init_app(app)
    demo.init_app(app)
    ops.init_app(app)
    check_declarations(app)
    # Every model is known now: configured here, not in the middle of the first request
    # or job that queries one (a bulk import notices a quarter of a second).
    configure_mappers()
    return app
