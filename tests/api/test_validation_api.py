"""Runs and findings through the API: the same selection as the findings page."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from tests.validation.dbarchive import change, key_account
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding, ValidationRun


def _run_with_findings(runner):
    broken = key_account()
    change(broken.meter, multiplier=80)
    quiet = key_account(broken.line, tariff=False, phone=None)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    return broken, quiet


def test_findings_are_listed_with_filters_and_messages(api, runner):
    broken, quiet = _run_with_findings(runner)
    body = api(Role.INSPECTOR).get("/api/v1/findings?family=metering").json
    assert body["total"] == 1
    (finding,) = body["items"]
    assert finding["customer_account_no"] == broken.customer.account_no
    assert finding["rule_id"] == "metering.multiplier"
    assert finding["line_code"] == broken.line.code
    assert finding["objects"][0]["type"] == "meter"
    assert finding["objects"][0]["id"] == broken.meter.id
    assert "CT × PT 为 800" in finding["message"]  # the caller's language: Chinese by default
    by_customer = (
        api(Role.INSPECTOR).get(f"/api/v1/findings?account_no={quiet.customer.account_no}").json
    )
    assert [f["severity"] for f in by_customer["items"]] == ["warning"]


def test_findings_page_with_links(api, runner):
    _run_with_findings(runner)
    body = api(Role.MARKETING).get("/api/v1/findings?per_page=1").json
    assert body["total"] == 2 and body["links"]["prev"] is None
    second = api(Role.MARKETING).get(body["links"]["next"]).json
    assert second["page"] == 2 and second["links"]["next"] is None
    assert second["items"][0]["id"] != body["items"][0]["id"]


def test_overdue_and_closed_findings(api, runner):
    _run_with_findings(runner)
    first = db.session.scalars(select(Finding).order_by(Finding.id)).first()
    db.session.execute(
        update(Finding)
        .where(Finding.id == first.id)
        .values(due_on=date.today() - timedelta(days=1))
    )
    db.session.commit()
    overdue = api(Role.INSPECTOR).get("/api/v1/findings?overdue=true").json
    assert [f["id"] for f in overdue["items"]] == [first.id]
    assert api(Role.INSPECTOR).get("/api/v1/findings?status=resolved").json["total"] == 0


def test_a_run_and_a_finding_by_id(api, runner):
    _run_with_findings(runner)
    run = db.session.scalars(select(ValidationRun)).one()
    body = api(Role.ACCOUNT_MANAGER).get(f"/api/v1/validation-runs/{run.id}").json
    assert body["status"] == "done" and body["customers_checked"] == 2
    assert body["indicators"]["mv_accuracy"] == 1.0
    runs = api(Role.ACCOUNT_MANAGER).get("/api/v1/validation-runs").json
    assert [r["id"] for r in runs["items"]] == [run.id]
    finding = db.session.scalars(select(Finding)).first()
    assert api(Role.ADMIN).get(f"/api/v1/findings/{finding.id}").json["id"] == finding.id
    missing = api(Role.ADMIN).get("/api/v1/findings/999999")
    assert missing.status_code == 404 and missing.json["error"]["status"] == 404


def test_bad_filters_are_a_clear_422(api):
    response = api(Role.INSPECTOR).get("/api/v1/findings?severity=fatal")
    assert response.status_code == 422
    assert "severity" in response.json["error"]["fields"]["query"]
