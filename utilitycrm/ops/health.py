"""`/healthz` for load balancers and monitoring: the database answers and its schema is
at the newest migration. 200 when both hold, 503 with what is wrong otherwise."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from utilitycrm.auth.access import public
from utilitycrm.core.extensions import db

bp = Blueprint("health", __name__)


def _heads() -> set[str]:
    migrate = current_app.extensions["migrate"]  # the app's Migrate and its folder
    config = migrate.migrate.get_config(migrate.directory)
    return set(ScriptDirectory.from_config(config).get_heads())


@bp.route("/healthz")
@public
def healthz():
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        return jsonify(status="error", database=f"unreachable: {type(error).__name__}"), 503
    heads = _heads()
    if current != heads:
        return jsonify(status="error", database="reachable",
                       migrations={"current": sorted(current), "expected": sorted(heads)}), 503  # fmt: skip
    return jsonify(status="ok", database="reachable", migrations=sorted(current))
