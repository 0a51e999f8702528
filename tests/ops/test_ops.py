"""Security headers, the health check, request logs, backup and restore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask_migrate import stamp
from sqlalchemy import select, text

from tests.conftest import settings_for
from tests.factories import create_customer
from tests.validation.dbarchive import change
from utilitycrm import create_app
from utilitycrm.archive.models import Customer
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "utilitycrm" / "migrations" / "versions"


def test_every_response_carries_the_security_headers(client, login_as):
    for response in (client.get("/login"), client.get("/api/v1/openapi.json")):
        headers = response.headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert (
            "'unsafe-inline'"
            not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        )
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    login_as(Role.MARKETING)
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "onclick=" not in page  # no inline script to allow


def test_pages_with_customer_data_are_never_cached_static_files_are(client, login_as):
    customer = create_customer()
    login_as(Role.MARKETING)
    for url in ("/", f"/archive/customers/{customer.account_no}", "/archive/customers/export.xlsx",
                f"/api/v1/customers/{customer.account_no}"):  # fmt: skip
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_once_cookies_are_https_only(database_url):
    app = create_app(settings_for(database_url, SESSION_COOKIE_SECURE=True))
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.commits  # the health check reads on a connection of its own
def test_health_checks_the_database_and_its_migrations(client, app):
    try:
        healthy = client.get("/healthz")
        assert healthy.status_code == 200 and healthy.json["status"] == "ok"
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = '0009'"))
            db.session.commit()
        behind = client.get("/healthz")
        assert behind.status_code == 503
        newest = sorted(path.name[:4] for path in MIGRATIONS.glob("0*.py"))[-1]
        assert behind.json["migrations"] == {"current": ["0009"], "expected": [newest]}
    finally:
        with app.app_context():
            stamp(revision="head")


def test_health_says_when_the_database_is_unreachable(tmp_path):
    down = create_app(settings_for("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    response = down.test_client().get("/healthz")
    assert response.status_code == 503 and "unreachable" in response.json["database"]


def test_each_request_is_logged_as_one_json_line(client, login_as, request_log):
    user = login_as(Role.INSPECTOR)
    request_log.clear()  # the sign-in's line
    client.get("/archive/customers")
    (line,) = [
        json.loads(r.message) for r in request_log.records if r.name == "utilitycrm.requests"
    ]
    assert (line["method"], line["path"], line["status"], line["user"]) == (
        "GET", "/archive/customers", 200, user.id,
    )  # fmt: skip
    assert line["ms"] >= 0


@pytest.mark.commits  # the backup copies the committed database
def test_backup_and_restore_round_trip(runner, tmp_path):
    customer = create_customer(name="备份前的名称")
    account_no = customer.account_no
    path = tmp_path / "utilitycrm.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0
    change(customer, name="备份后改的名称")
    create_customer(name="备份后新建")
    refused = runner.invoke(args=["backup", str(path)])
    assert refused.exit_code == 1 and "exists" in refused.output
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    names = db.session.scalars(select(Customer.name)).all()
    assert names == ["备份前的名称"]
    assert db.session.scalar(select(Customer).where(Customer.account_no == account_no))


@pytest.mark.commits  # the backup copies the committed database
def test_the_nightly_backup_job_writes_one_file_a_day_and_keeps_two_weeks(app, tmp_path, clock):
    from utilitycrm.core import jobs

    app.config["BACKUP_FOLDER"] = str(tmp_path)
    try:
        for stale in range(15):  # backups of the fortnight before
            (tmp_path / f"utilitycrm-2026-10-{stale + 1:02d}.{_suffix()}").write_bytes(b"old")
        create_customer(name="备份里的客户")
        db.session.commit()
        job = jobs.enqueue("ops.backup", key="ops.backup@test")
        today_file = tmp_path / f"utilitycrm-2026-11-23.{_suffix()}"
        assert job.status is jobs.JobStatus.DONE, job.error
        assert job.result["file"] == str(today_file) and today_file.stat().st_size > 100
        assert len(job.result["removed"]) == 2  # fifteen old and today's: fourteen kept
        assert len(list(tmp_path.glob("utilitycrm-*"))) == 14
        again = jobs.enqueue("ops.backup", key="ops.backup@retry")
        assert again.result["bytes"] == job.result["bytes"]  # the day's file is kept
        assert not list(tmp_path.glob("*.partial"))
    finally:
        app.config["BACKUP_FOLDER"] = None


def _suffix() -> str:
    return "sqlite" if db.engine.dialect.name == "sqlite" else "dump"


@pytest.mark.commits  # ANALYZE sees the committed tables
def test_the_nightly_statistics_job_gives_the_planner_fresh_statistics(app):
    from utilitycrm.core import jobs

    create_customer(name="统计里的客户")
    if _analyzed() and db.engine.dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM sqlite_stat1"))  # SQLite keeps no time
    db.session.commit()
    before = _analyzed()
    job = jobs.enqueue("ops.statistics", key="ops.statistics@test")
    assert job.status is jobs.JobStatus.DONE, job.error
    db.session.commit()
    after = _analyzed()
    assert after is not None and (before is None or after > before)


def _analyzed():
    """When the customer table was last analyzed (PostgreSQL), or whether SQLite holds
    statistics on it (the time it took them is not kept)."""
    if db.engine.dialect.name == "sqlite":
        tables = db.session.scalars(
            text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        )
        if not tables.first():
            return None
        rows = db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'customer'"))
        return rows or None
    return db.session.scalar(
        text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'customer'")
    )
