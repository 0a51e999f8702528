"""The figures a role's home leads with: projects on time, open findings, the archive's
topology accuracy, and a small chart; each says what it counts and links to its page."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.auth.test_login import page
from tests.pages import seed_demo
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.demo.seeding import DEMO_PASSWORD
from utilitycrm.projects.models import Project
from utilitycrm.validation.models import Finding
from utilitycrm.validation.reports import latest_full_run


def _home(app, username: str) -> str:
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    return page(client.get("/"))


def test_each_role_sees_its_figures_with_a_chart(app, runner):
    seed_demo(runner)
    completed = db.session.scalar(
        select(func.count()).select_from(Project).where(Project.status == "completed")
    )
    open_findings = db.session.scalar(
        select(func.count()).select_from(Finding).where(Finding.status.in_(["open", "rectifying"]))
    )
    accuracy = latest_full_run().indicators["mv_accuracy"]
    assert completed >= 1 and open_findings > 0 and accuracy is not None
    chief = _home(app, "chief")
    figures = chief.split('id="home-figures"')[1]
    assert f"近 12 个月办结 {completed} 件" in figures
    assert 'data-figure="open-findings"' in figures and f"{open_findings:,}" in figures
    assert f"{accuracy * 100:.1f}%" in figures
    assert figures.count('<text x="') == 12  # a bar a month
    inspector = _home(app, "inspector").split('id="home-figures"')[1]
    assert "业扩按时完成率" not in inspector and f"{accuracy * 100:.1f}%" in inspector
    assert 'class="trend-bar"' in inspector  # the accuracy of the demo's full run
    assert 'id="home-figures"' not in _home(app, "admin")
    # An account manager's figures are of their own customers and projects.
    manager = db.session.scalar(select(User).where(User.username == "manager"))
    own = db.session.scalar(
        select(func.count())
        .select_from(Finding)
        .join(Customer, Finding.customer_id == Customer.id)
        .where(
            Finding.status.in_(["open", "rectifying"]), Customer.account_manager_id == manager.id
        )
    )
    assert 0 < own < open_findings
    mine = _home(app, "manager").split('id="home-figures"')[1]
    assert f'href="/validation/findings?account_manager_id={manager.id}"' in mine
    assert f'<div class="fs-4 fw-semibold text-body">{own:,}</div>' in mine
