"""The to-do inbox: deadlines and findings of a user in one list, most urgent first, with
filters, a count in the menu bar, and done / snooze / reassign where the item allows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.deadlines.conftest import open_test_deadline
from tests.deadlines.test_alerts import _back
from tests.validation.dbarchive import change, key_account
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding


def _assigned_finding(runner, assignee, *, due_in: int = 5) -> Finding:
    account = key_account()
    change(account.meter, multiplier=80)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    finding = db.session.scalars(select(Finding)).one()
    finding.assignee_id, finding.due_on = assignee.id, local_today() + timedelta(days=due_in)
    db.session.commit()
    return finding


def _rows(html: str, table: str = "inbox") -> list[str]:
    body = html.split(f'id="{table}"')[1].split("</table>")[0]
    return body.split('class="inbox-item"')[1:]


def test_the_inbox_gathers_the_users_deadlines_and_findings_most_urgent_first(
    client, login_as, users, runner
):
    manager = login_as(Role.ACCOUNT_MANAGER)
    finding = _assigned_finding(runner, manager)
    open_test_deadline(manager, "late", starts_on=_back(8))  # 5-day limit: overdue
    open_test_deadline(manager, "soon", starts_on=_back(4))  # warned, not late
    open_test_deadline(manager, "later", starts_on=local_today())  # not due soon yet
    open_test_deadline(users[Role.MARKETING], "other", starts_on=_back(8))
    html = client.get("/inbox").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 3
    assert "Task late" in rows[0] and 'data-urgency="overdue"' in rows[0]
    assert "Task soon" in rows[1] and 'data-urgency="due_soon"' in rows[1]
    assert f'data-key="finding:{finding.id}"' in rows[2] and "综合倍率" in rows[2]
    assert "Task other" not in html and "Task later" not in html
    assert 'id="inbox-count">3<' in html
    home = client.get("/").get_data(as_text=True)
    assert "Task late" in home.split('id="inbox-head"')[1]
    # Looking ahead: what falls due within a month, warned or not.
    ahead = (local_today() + timedelta(days=30)).isoformat()
    assert "Task later" in client.get(f"/inbox?due_by={ahead}").get_data(as_text=True)


def test_filters_by_kind_and_customer(client, login_as, users, runner):
    manager = login_as(Role.ACCOUNT_MANAGER)
    finding = _assigned_finding(runner, manager)
    open_test_deadline(manager, "late", starts_on=_back(8))
    only_findings = client.get("/inbox?kind=finding").get_data(as_text=True)
    assert "Task late" not in only_findings and f"finding:{finding.id}" in only_findings
    only_tasks = client.get("/inbox?kind=test").get_data(as_text=True)
    assert "Task late" in only_tasks and f"finding:{finding.id}" not in only_tasks
    customer = finding.customer
    by_number = client.get(f"/inbox?customer={customer.account_no}").get_data(as_text=True)
    assert f"finding:{finding.id}" in by_number and "Task late" not in by_number
    by_name = client.get(f"/inbox?customer={customer.name[:2]}").get_data(as_text=True)
    assert f"finding:{finding.id}" in by_name
    nobody = client.get("/inbox?customer=不存在的客户").get_data(as_text=True)
    assert _rows(nobody) == []
    # A bad filter value is dropped with the rest still applied, never a 500.
    assert client.get("/inbox?due_by=2026-02-30&kind=nonsense").status_code == 200


def test_snoozing_puts_an_item_aside_until_the_day_it_ends(client, login_as, clock):
    manager = login_as(Role.ACCOUNT_MANAGER)
    deadline = open_test_deadline(manager, "late", starts_on=_back(8))
    key = f"deadline:{deadline.id}"
    response = client.post(f"/inbox/{key}/snooze", data={"days": "3", "next": "/inbox?kind=test"})
    assert response.status_code == 302 and response.location.endswith("/inbox?kind=test")
    html = client.get("/inbox").get_data(as_text=True)
    assert "Task late" not in html and 'id="inbox-count"' not in html
    clock.shift(timedelta(days=3))
    login_as(Role.ACCOUNT_MANAGER)  # the session has lapsed meanwhile
    assert "Task late" in client.get("/inbox").get_data(as_text=True)
    # Bad input: an unknown item, a made-up snooze length.
    assert "不存在" in client.post(
        "/inbox/nothing:1/snooze", data={"days": "3"}, follow_redirects=True
    ).get_data(as_text=True)
    client.post(f"/inbox/{key}/snooze", data={"days": "-5"})
    assert "Task late" in client.get("/inbox").get_data(as_text=True)


def test_a_finding_is_resolved_from_the_inbox_with_a_note(client, login_as, runner):
    manager = login_as(Role.ACCOUNT_MANAGER)
    finding = _assigned_finding(runner, manager)
    key = f"finding:{finding.id}"
    client.post(f"/inbox/{key}/finish", data={"note": "  ", "version": finding.version})
    db.session.refresh(finding)
    assert finding.status == "open"  # a note is required: nothing changed
    stale = {"note": "倍率已改为 800", "version": finding.version - 1}
    assert "有人修改了此问题" in client.post(
        f"/inbox/{key}/finish", data=stale, follow_redirects=True
    ).get_data(as_text=True)
    html = client.post(
        f"/inbox/{key}/finish",
        data={"note": "倍率已改为 800", "version": finding.version},
        follow_redirects=True,
    ).get_data(as_text=True)
    db.session.refresh(finding)
    assert finding.status == "resolved" and finding.events[-1].note == "倍率已改为 800"
    assert key not in html
    # A deadline is done on its own page, not here.
    deadline = open_test_deadline(manager, "late", starts_on=_back(8))
    client.post(f"/inbox/deadline:{deadline.id}/finish", data={"note": "x"})
    db.session.refresh(deadline)
    assert deadline.finished_on is None


def test_an_inspector_hands_a_finding_over_and_a_manager_cannot(client, login_as, users, runner):
    manager = users[Role.ACCOUNT_MANAGER]
    finding = _assigned_finding(runner, manager)
    key = f"finding:{finding.id}"
    login_as(Role.ACCOUNT_MANAGER)
    assert "inbox-reassign" not in client.get("/inbox").get_data(as_text=True)
    handover = {"owner_id": users[Role.MARKETING].id, "version": finding.version}
    client.post(f"/inbox/{key}/reassign", data=handover)
    db.session.refresh(finding)
    assert finding.assignee_id == manager.id
    client.post("/logout")
    login_as(Role.INSPECTOR)
    finding.assignee_id = users[Role.INSPECTOR].id
    db.session.commit()
    assert "inbox-reassign" in client.get("/inbox").get_data(as_text=True)
    handover["version"] = finding.version
    client.post(f"/inbox/{key}/reassign", data=handover)
    db.session.refresh(finding)
    assert finding.assignee_id == users[Role.MARKETING].id
    assert key not in client.get("/inbox").get_data(as_text=True)


def test_the_chief_sees_the_teams_items_and_can_narrow_to_one_person(client, login_as, users):
    open_test_deadline(users[Role.ACCOUNT_MANAGER], "managers", starts_on=_back(8))
    open_test_deadline(users[Role.MARKETING], "marketings", starts_on=_back(8))
    login_as(Role.CHIEF)
    html = client.get("/inbox").get_data(as_text=True)
    assert "Task managers" in html and "Task marketings" in html
    assert users[Role.ACCOUNT_MANAGER].display_name in _rows(html)[0] + _rows(html)[1]
    one = client.get(f"/inbox?owner_id={users[Role.MARKETING].id}").get_data(as_text=True)
    assert "Task marketings" in one and "Task managers" not in one
    home = client.get("/").get_data(as_text=True)
    assert "Task managers" in home.split('id="inbox-head"')[1]
