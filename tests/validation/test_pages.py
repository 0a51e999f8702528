from datetime import date, timedelta

from sqlalchemy import select

from tests.archive.form_data import customer_form
from tests.validation.dbarchive import change, key_account
from utilitycrm.auth.roles import Role
from utilitycrm.core import jobs
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job
from utilitycrm.validation.models import Finding, ValidationRun


def _broken_account(runner):
    account = key_account()
    change(account.meter, multiplier=80)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    return account, db.session.scalars(select(Finding)).one()


def test_the_findings_list_filters_and_explains(client, login_as, runner):
    account, finding = _broken_account(runner)
    login_as(Role.MARKETING)
    html = client.get("/validation/findings?family=metering").get_data(as_text=True)
    assert "综合倍率不等于 CT × PT" in html and account.customer.account_no in html
    assert "CT × PT 为 800" in html  # what would be right
    html = client.get("/validation/findings?family=tariff").get_data(as_text=True)
    assert "没有符合条件的问题" in html
    page = client.get(f"/validation/findings/{finding.id}").get_data(as_text=True)
    assert (
        f"/archive/customers/{account.customer.account_no}/meters/{account.meter.id}/edit" in page
    )
    assert "倍率错了，每张电费单都按比例出错" in page  # why the rule matters, in Chinese
    assert "scales every bill" not in page


def test_assign_rectify_and_resolve(client, login_as, users, runner):
    _account, finding = _broken_account(runner)
    login_as(Role.INSPECTOR)
    marketing = users[Role.MARKETING]
    due = (date.today() + timedelta(days=5)).isoformat()
    response = client.post(
        f"/validation/findings/{finding.id}/assign",
        data={"assignee_id": marketing.id, "due_on": due, "version": finding.version},
    )
    assert response.status_code == 302
    db.session.refresh(finding)
    assert finding.assignee_id == marketing.id and finding.due_on.isoformat() == due
    # The assignee works on it; a stale version is refused.
    client.post("/logout")
    login_as(Role.MARKETING)
    client.post(f"/validation/findings/{finding.id}/rectify", data={"version": finding.version})
    db.session.refresh(finding)
    assert finding.status == "rectifying"
    response = client.post(
        f"/validation/findings/{finding.id}/resolve",
        data={"version": finding.version - 1},
        follow_redirects=True,
    )
    assert "有人修改了此问题" in response.get_data(as_text=True)
    client.post(f"/validation/findings/{finding.id}/resolve", data={"version": finding.version})
    db.session.refresh(finding)
    assert finding.status == "resolved"
    # The archive still breaks the rule: the next run reopens it.
    runner.invoke(args=["validate", "run"])
    db.session.refresh(finding)
    assert finding.status == "open"


def test_a_waiver_needs_a_reason_and_only_inspectors_waive(client, login_as, runner):
    _account, finding = _broken_account(runner)
    login_as(Role.MARKETING)
    assert (
        client.post(f"/validation/findings/{finding.id}/waive", data={"reason": "x"}).status_code
        == 403
    )
    client.post("/logout")
    login_as(Role.INSPECTOR)
    response = client.post(
        f"/validation/findings/{finding.id}/waive", data={"reason": " "}, follow_redirects=True
    )
    db.session.refresh(finding)
    assert finding.status == "open"
    assert "该字段是必填字段" in response.get_data(as_text=True)  # the reason is required
    client.post(
        f"/validation/findings/{finding.id}/waive",
        data={"reason": "已报批改造", "version": finding.version},
    )
    db.session.refresh(finding)
    assert finding.status == "waived" and finding.waive_reason == "已报批改造"


def test_overdue_rectification_is_marked(client, login_as, runner):
    _account, finding = _broken_account(runner)
    finding.due_on = date.today() - timedelta(days=1)
    db.session.commit()
    login_as(Role.INSPECTOR)
    assert "已超期" in client.get("/validation/findings").get_data(as_text=True)


def test_a_run_started_in_the_browser_is_a_job_whose_progress_the_page_polls(client, login_as):
    key_account()
    login_as(Role.MARKETING)
    assert client.post("/validation/runs", data={}).status_code == 403
    client.post("/logout")
    inspector = login_as(Role.INSPECTOR)
    response = client.post("/validation/runs", data={})
    assert response.status_code == 302
    run = db.session.scalars(select(ValidationRun).execution_options(populate_existing=True)).one()
    assert run.status == "done" and run.progress == 100 and run.customers_checked == 1
    job = db.session.scalars(select(Job)).one()
    assert job.kind == "validation.run" and job.actor_id == inspector.id
    progress = client.get(f"/jobs/{job.id}/progress").get_json()
    assert progress["status"] == "done" and progress["percent"] == 100
    assert progress["result"]["run_id"] == run.id and progress["summary"] == "已完成"
    assert "中压拓扑关系准确率" in client.get(f"/validation/runs/{run.id}").get_data(as_text=True)


def test_saving_a_customer_checks_it_at_once(client, login_as):
    account = key_account()
    login_as(Role.MARKETING)
    response = client.post(
        f"/archive/customers/{account.customer.account_no}/edit",
        data=customer_form(account.customer, operating_capacity_kva=500, reason="核对"),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "运行容量为 500 kVA；运行中的变压器合计 630 kVA" in html
    finding = db.session.scalars(select(Finding)).one()
    assert finding.rule_id == "capacity.transformer_sum"
    run = db.session.get(ValidationRun, finding.first_run_id)
    assert run.trigger == "save"


def test_thresholds_are_kept_as_dated_sets_by_the_admin(client, login_as):
    login_as(Role.INSPECTOR)
    assert client.post("/validation/thresholds", data={}).status_code == 403
    client.post("/logout")
    login_as(Role.ADMIN)
    html = client.get("/validation/thresholds").get_data(as_text=True)
    assert "两部制电价起点" in html
    from dataclasses import asdict

    from utilitycrm.archive.standards import DEFAULT

    data = {
        **asdict(DEFAULT),
        "two_part_min_kva": 400,
        "effective_on": "2027-01-01",
        "note": "新政策",
    }
    response = client.post("/validation/thresholds", data=data, follow_redirects=True)
    assert "阈值已保存" in response.get_data(as_text=True)
    response = client.post("/validation/thresholds", data=data, follow_redirects=True)
    assert "2027-01-01 已有一套阈值生效" in response.get_data(as_text=True)
    data["two_part_min_kva"] = "lots"
    response = client.post("/validation/thresholds", data={**data, "effective_on": "2027-02-01"})
    assert response.status_code == 200  # the form again, with its error; nothing saved
    from utilitycrm.archive.models import ThresholdSet

    assert [s.effective_on.isoformat() for s in db.session.scalars(select(ThresholdSet))] == [
        "2027-01-01"
    ]


def test_the_runs_list_shows_check_on_save_runs_only_when_asked(client, login_as):
    for trigger in ("ui", "save"):
        db.session.add(ValidationRun(trigger=trigger, status="done"))
    db.session.commit()
    login_as(Role.INSPECTOR)

    def listed(query: str) -> int:
        html = client.get("/validation/runs" + query).get_data(as_text=True)
        return html.split('id="runs-table"')[1].count("<tr><td>")

    assert listed("") == 1
    assert listed("?include_saves=y") == 2


def test_a_whole_archive_run_is_refused_while_another_is_going(client, login_as):
    account = key_account()
    going = ValidationRun(trigger="ui", status="running", scope={})
    db.session.add(going)
    db.session.commit()
    login_as(Role.INSPECTOR)
    response = client.post("/validation/runs", data={}, follow_redirects=True)
    assert f"核查 {going.id} 仍在检查全部档案" in response.get_data(as_text=True)
    assert db.session.scalars(select(Job)).all() == []
    line = account.customer.sources[0].line.code
    assert client.post("/validation/runs", data={"line_code": line}).status_code == 302
    nightly = jobs.enqueue("validation.run", {}, key="validation.run@2026-11-24T02:00")
    assert nightly.status is jobs.JobStatus.FAILED and nightly.attempts == 1  # not retried
    assert f"核查 {going.id} 仍在检查全部档案" in nightly.error


def test_the_assignment_form_proposes_the_customers_account_manager(
    client, login_as, users, runner
):
    account, finding = _broken_account(runner)
    login_as(Role.INSPECTOR)
    manager = users[Role.ACCOUNT_MANAGER]
    page = client.get(f"/validation/findings/{finding.id}").get_data(as_text=True)
    picker = page.split('name="assignee_id"')[1].split("</select>")[0]
    assert '<option selected value="">— 请选择 —</option>' in picker  # nobody picked for you
    change(account.customer, account_manager_id=manager.id)
    page = client.get(f"/validation/findings/{finding.id}").get_data(as_text=True)
    picker = page.split('name="assignee_id"')[1].split("</select>")[0]
    assert f'<option selected value="{manager.id}">' in picker


def test_the_findings_filter_takes_a_line_by_its_name_or_its_number(client, login_as, runner):
    account, finding = _broken_account(runner)
    assert finding.line_id == account.line.id
    login_as(Role.INSPECTOR)
    for line in (account.line.name, account.line.code):
        html = client.get(f"/validation/findings?line_code={line}").get_data(as_text=True)
        assert f"/validation/findings/{finding.id}" in html, line
    html = client.get("/validation/findings?line_code=没有这条线").get_data(as_text=True)
    assert f"/validation/findings/{finding.id}" not in html
