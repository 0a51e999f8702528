"""Migrations build the same schema as the models, from empty, and step back down."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from tests.conftest import settings_for
from utilitycrm import create_app
from utilitycrm.core.database import schema_filter
from utilitycrm.core.extensions import db

pytestmark = pytest.mark.commits  # migrations run DDL on the database itself


@contextmanager
def scratch_database(database_url: str, tmp_path):
    """An empty database of the same kind as the suite's, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"utilitycrm_migrations_{uuid.uuid4().hex[:8]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture
def scratch_app(database_url, tmp_path):
    """An app on an empty scratch database, inside its app context; nothing migrated yet."""
    with scratch_database(database_url, tmp_path) as url:
        app = create_app(settings_for(url))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def migrated_app(scratch_app):
    upgrade()
    return scratch_app


def test_upgrade_from_empty_matches_the_models(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": schema_filter(connection.dialect.name)},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_one_step_and_back(migrated_app):
    tables_before = set(inspect(db.engine).get_table_names())
    downgrade(revision="-1")
    upgrade()
    assert set(inspect(db.engine).get_table_names()) == tables_before


def test_downgrade_to_empty(migrated_app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_upgrade_keeps_existing_archive_data(scratch_app):
    """Rebuilding tables (SQLite batch mode) must neither fail on references nor lose rows."""
    from sqlalchemy import text

    upgrade(revision="0002")
    db.session.execute(
        text(
            "INSERT INTO substation (id, code, name, voltage_kv, version) VALUES (1, 'B1', '城东变', '110', 1);"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO customer (id, account_no, name, category, voltage_kv, contract_capacity_kva, "
            "operating_capacity_kva, tariff_structure, pf_standard, is_time_of_use, importance, status, "
            "created_at, updated_at, version) VALUES (1, '3100000001', '示范', 'large_industry', '10', 630, "
            "630, 'single', '0.90', false, 'none', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO power_source (id, customer_id, kind, substation_id, has_generator, version) "
            "VALUES (7, 1, 'main', 1, false, 1)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO transformer (id, code, name, kind, ownership, customer_id, rated_kva, state, "
            "source_id, version) VALUES (1, 'T1', '', 'transformer', 'dedicated', 1, 630, 'running', 7, 1)"
        )
    )
    db.session.commit()
    upgrade()
    assert db.session.execute(text("SELECT code FROM power_source")).scalar() == "3100000001-S7"
    assert db.session.execute(text("SELECT source_id FROM transformer")).scalar() == 7


def test_json_text_becomes_json_documents(scratch_app):
    """Migration 0012 turns the JSON kept as text into documents the models read as such."""
    from sqlalchemy import select, text

    from utilitycrm.archive.models import ThresholdSet
    from utilitycrm.validation.models import ValidationRun

    upgrade(revision="0011")
    db.session.execute(
        text(
            "INSERT INTO validation_run (id, started_at, trigger, status, scope, progress, "
            "customers_checked, counts, indicators) VALUES (1, CURRENT_TIMESTAMP, 'cli', "
            """'done', '{"line": "L0001"}', 100, 3, '{"new": 2}', '{}')"""
        )
    )
    db.session.execute(
        text(
            'INSERT INTO threshold_set (id, effective_on, "values", note, created_at) '
            """VALUES (1, '2026-01-01', '{"pause_max_months": 5}', '', CURRENT_TIMESTAMP)"""
        )
    )
    db.session.commit()
    upgrade()
    run = db.session.scalars(select(ValidationRun)).one()
    assert (run.scope, run.counts, run.indicators) == ({"line": "L0001"}, {"new": 2}, {})
    assert not run.is_full
    assert db.session.scalars(select(ThresholdSet)).one().values == {"pause_max_months": 5}
    assert db.session.scalar(select(ValidationRun.id).where(ValidationRun.scope == {})) is None
