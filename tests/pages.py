"""The demo's page shapes, one page of each kind, walked by the tests that look at every page
of every role (the overflow walk in Chromium, the language walk)."""

from __future__ import annotations

from sqlalchemy import select

from utilitycrm.accounts.models import Complaint
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db
from utilitycrm.projects.models import Project
from utilitycrm.validation.models import Finding, ValidationRun

DEMO_USERS = ("admin", "marketing", "manager", "inspector", "chief")


def seed_demo(runner) -> None:
    result = runner.invoke(args=["demo", "seed", "--customers", "150"])
    assert result.exit_code == 0, result.output


def _first(column):
    return db.session.scalar(select(column).order_by(column).limit(1))


def page_shapes() -> list[str]:
    """One page of each kind, with the demo's first record where a page needs one."""
    key = db.session.scalar(
        select(Customer.account_no)
        .where(Customer.account_manager_id.is_not(None))
        .order_by(Customer.id)
        .limit(1)
    )
    made_here = db.session.scalar(  # the first is signed on paper: one signed here too
        select(Contract.number).where(Contract.frozen_data.is_not(None)).order_by(Contract.id)
    )
    return [
        "/", "/inbox", "/archive/customers", f"/archive/customers/{key}",
        f"/archive/customers/{key}/edit", f"/archive/customers/{key}/history",
        "/archive/lines", f"/archive/lines/{_first(FeederLine.id)}", "/archive/substations",
        "/archive/transformers", "/archive/meters", "/archive/imports",
        "/validation/findings", f"/validation/findings/{_first(Finding.id)}", "/validation/runs",
        f"/validation/runs/{_first(ValidationRun.id)}", "/validation/thresholds",
        "/projects", f"/projects/{_first(Project.number)}", "/projects/new", "/contracts",
        f"/contracts/{_first(Contract.number)}", f"/contracts/{made_here}", "/contracts/paper",
        f"/contracts/{_first(Contract.number)}/paper", "/accounts", f"/accounts/customers/{key}",
        "/accounts/complaints", f"/accounts/complaints/{_first(Complaint.number)}",
        "/calendar", "/profile", "/admin/users", "/admin/jobs", "/admin/security-log",
        "/archive/customers/new", f"/archive/customers/{key}/sources/new",
        f"/archive/customers/{key}/contacts/new", "/archive/network/lines/new",
        "/archive/import", "/archive/meters?rotation_due_by=2030-12-31", "/projects/profiles",
        "/projects/report?start=2026-01-01&end=2026-12-31", "/accounts/complaints/new",
        "/accounts/consumption", "/accounts/consumption/import", "/admin/users/new",
        "/calendar?year=2027", "/validation/findings?status=", "/projects?status=completed",
        "/network/losses", "/network/losses?kind=area&abnormal=y",
        f"/network/losses/lines/{_first(FeederLine.id)}", "/network/readings/import",
    ]  # fmt: skip
