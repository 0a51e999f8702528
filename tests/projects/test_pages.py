"""Project pages as staff use them: accept, act on stages, see the timeline and report."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.projects.conftest import (
    MONDAY,
    accept,
    advance,
    new_connection,
    prepare_stage,
    record_hv_metering,
)
from utilitycrm.archive.models import Customer
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.projects import acceptance
from utilitycrm.projects.models import Project


@pytest.fixture
def today(monkeypatch):
    """The pages' today: the Friday after the plan clock opened."""
    from datetime import date

    from utilitycrm.projects import views

    monkeypatch.setattr(views, "local_today", lambda: date(2026, 10, 9))
    return date(2026, 10, 9)


def _form(line_code: str, **extra) -> dict[str, str]:
    return {
        "accepted_on": "2026-10-09",
        "account_manager_id": "",
        "profile_id": str(acceptance.default_profile(MONDAY).id),
        "applicant_name": "示范新能源有限公司",
        "category": "large_industry",
        "voltage_kv": "10",
        "added-0-rated_kva": "800",
        "sources-0-kind": "main",
        "sources-0-line_code": line_code,
        "sources-0-property_boundary": "#8杆",
        **extra,
    }


def test_marketing_accepts_a_new_connection_through_the_form(client, login_as, today):
    line = factories.create_line()
    login_as(Role.MARKETING)
    response = client.post("/projects/new?type=new", data=_form(line.code))
    assert response.status_code == 302
    project = db.session.scalar(select(Project))
    assert response.headers["Location"] == f"/projects/{project.number}"
    assert project.customer.name == "示范新能源有限公司"
    assert project.customer.status == "applying"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="project-timeline"' in page
    assert "现场勘查" in page
    assert "2026-10-22" in page  # 10 working days, the make-up Saturday 10 October counted


def test_an_account_manager_accepts_applications_of_their_own(client, login_as, users, today):
    line = factories.create_line()
    manager = login_as(Role.ACCOUNT_MANAGER)
    listing = client.get("/projects").get_data(as_text=True)
    assert 'id="new-project"' in listing  # 受理申请
    response = client.post(
        "/projects/new?type=new", data=_form(line.code, account_manager_id=str(manager.id))
    )
    assert response.status_code == 302
    project = db.session.scalar(select(Project))
    assert project.account_manager_id == manager.id == project.customer.account_manager_id
    # Another manager's customer is not theirs to accept for.
    other = factories.create_customer(account_manager_id=users[Role.CHIEF].id)
    refused = client.get(f"/projects/new?type=increase&customer={other.account_no}")
    assert refused.status_code == 403
    assert "只能受理自己客户的申请" in refused.get_data(as_text=True)
    # Nor can a forged form hand the new project to someone else.
    forged = client.post(
        "/projects/new?type=new",
        data=_form(line.code, account_manager_id=str(users[Role.CHIEF].id)),
    )
    assert forged.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1


def test_a_refused_application_lists_every_reason_and_saves_nothing(client, login_as, today):
    login_as(Role.MARKETING)
    response = client.post(
        "/projects/new?type=new", data=_form("NO-SUCH-LINE", **{"added-0-rated_kva": ""})
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "NO-SUCH-LINE" in html
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0
    response = client.post("/projects/new?type=new", data=_form("", **{"added-0-rated_kva": ""}))
    assert "请填写客户申请的变压器" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_a_change_of_use_needs_an_account(client, login_as):
    login_as(Role.MARKETING)
    response = client.get("/projects/new?type=rename")
    assert response.status_code == 200
    assert 'id="choose-form"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_the_own_manager_drives_the_stages_others_cannot(client, login_as, users, today):
    manager = users[Role.ACCOUNT_MANAGER]
    project = accept(new_connection(factories.create_line(), manager), users[Role.MARKETING])
    other = factories.create_user(role="account_manager", username="zhao")
    client.post("/login", data={"username": "zhao", "password": factories.DEFAULT_PASSWORD})
    assert (
        client.post(f"/projects/{project.number}/finish", data={"day": "2026-09-30"}).status_code
        == 403
    )
    client.post("/logout")
    assert other.id != manager.id

    login_as(Role.ACCOUNT_MANAGER)
    refused = client.post(
        f"/projects/{project.number}/finish", data={"day": "2026-09-30"}, follow_redirects=True
    )
    assert "主体资格证明" in refused.get_data(as_text=True)  # the application's documents
    prepare_stage(project, manager, date(2026, 9, 30))
    db.session.commit()
    client.post(f"/projects/{project.number}/finish", data={"day": "2026-09-30"})
    client.post(
        f"/projects/{project.number}/pause",
        data={"starts_on": "2026-09-30", "reason": "documents", "note": "补充用电设备清单"},
    )
    page = client.get(f"/projects/{project.number}").get_data(as_text=True)
    assert "补充用电设备清单" in page
    assert 'class="pause"' in page
    # Finishing while paused is refused with a message, nothing changes.
    response = client.post(
        f"/projects/{project.number}/finish", data={"day": "2026-10-09"}, follow_redirects=True
    )
    assert "计时已暂停" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.current_stage.code == "plan"


def test_the_worklist_puts_overdue_first_and_the_report_lists_it(client, login_as, users, today):
    manager = users[Role.ACCOUNT_MANAGER]
    line = factories.create_line()
    late = accept(
        new_connection(line, manager, on=MONDAY.replace(day=1)), users[Role.MARKETING], MONDAY
    )
    fresh = accept(new_connection(line, manager), users[Role.MARKETING])
    login_as(Role.ACCOUNT_MANAGER)
    html = client.get("/projects").get_data(as_text=True)
    assert html.index(late.number) < html.index(fresh.number)
    assert 'data-level="overdue"' in html
    assert 'id="portfolio-timeline"' in html
    report = client.get("/projects/report?start=2026-09-01&end=2026-12-31").get_data(as_text=True)
    assert late.number in report and fresh.number not in report
    assert 'id="chart-high_voltage"' in report


def test_profiles_page_shows_both_seeded_profiles(client, login_as):
    login_as(Role.INSPECTOR)
    html = client.get("/projects/profiles").get_data(as_text=True)
    assert "国网供电服务承诺 2023" in html and "省公司考核标准" in html


def test_the_contract_stage_prepares_the_projects_contract(client, login_as, manager, staff):
    from tests.validation.dbarchive import change
    from utilitycrm.contracts.models import Contract
    from utilitycrm.core.dates import local_today

    project = accept(new_connection(factories.create_line(), manager), staff)
    record_hv_metering(project, ct_primary_a=50, meter_asset_no="3310001230001")
    advance(project, staff, until=lambda p: p.current_stage.code == "contract")
    factories.create_tariff()
    change(project.customer, tariff_code="DGY-10", pf_standard="0.90")

    login_as(Role.MARKETING)
    page = client.get(f"/projects/{project.number}").get_data(as_text=True)
    assert 'id="project-new-contract"' in page
    form = client.get(f"/contracts/new?project={project.number}").get_data(as_text=True)
    assert "#12杆T接点" in form and "630 kVA" in form  # the project's plan
    made = client.post(f"/contracts/new?project={project.number}", data={"language": "zh_CN"})
    assert made.status_code == 302
    contract = db.session.scalars(select(Contract)).one()
    assert contract.project_id == project.id and contract.starts_on == local_today()
    page = client.get(f"/projects/{project.number}").get_data(as_text=True)
    assert contract.number in page and 'id="project-new-contract"' not in page


def test_the_project_page_offers_the_current_stages_actions_and_reads_its_clocks(
    client, login_as, users, today
):
    manager = users[Role.ACCOUNT_MANAGER]
    late = accept(
        new_connection(factories.create_line(), manager, on=MONDAY.replace(day=1)),
        users[Role.MARKETING],
        MONDAY,
    )
    login_as(Role.ACCOUNT_MANAGER)
    html = client.get(f"/projects/{late.number}").get_data(as_text=True)
    # Only what the current stage allows: finish (confirmed first) and pause; cancelling
    # the project sits folded away; the metering form waits for 装表接电.
    assert 'id="finish-form"' in html and "确认“现场勘查”已完成" in html
    assert 'id="pause-form"' in html and '<details class="mb-3" id="cancel-section">' in html
    assert 'id="metering-form"' not in html
    rows = {
        row.split('data-stage="')[1].split('"')[0]: row
        for row in html.split('<tr class="stage-row"')[1:]
    }
    survey = rows["survey"]
    assert survey.count("个工作日") >= 2  # the limit and the days used, with their unit
    assert "超期" in survey and 'class="badge text-bg-danger"' in survey
    assert "与上方“现场勘查" in rows["plan"]  # one clock times survey and plan
    assert "不设法定时限" in rows["contract"]
