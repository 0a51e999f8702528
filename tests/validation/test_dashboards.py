"""Home pages show rectification work: overdue findings for inspectors, own ones for all."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from tests.validation.dbarchive import change, key_account
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding


def _assigned_finding(runner, assignee, *, due_on):
    account = key_account()
    change(account.meter, multiplier=80)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    db.session.execute(update(Finding).values(assignee_id=assignee.id, due_on=due_on))
    db.session.commit()
    return account, db.session.scalars(select(Finding)).one()


def test_the_inspector_sees_overdue_rectifications(client, login_as, users, runner):
    account, finding = _assigned_finding(
        runner, users[Role.MARKETING], due_on=date.today() - timedelta(days=3)
    )
    login_as(Role.INSPECTOR)
    html = client.get("/").get_data(as_text=True)
    overdue = html.split('id="overdue-findings"')[1].split("</table>")[0]
    assert account.customer.account_no in overdue and "已超期" in overdue
    assert users[Role.MARKETING].display_name in overdue
    assert 'id="overdue-count">1<' in html
    listed = client.get("/validation/findings?overdue=y").get_data(as_text=True)
    assert f"/validation/findings/{finding.id}" in listed


def test_a_finding_due_later_is_not_overdue(client, login_as, users, runner):
    _assigned_finding(runner, users[Role.MARKETING], due_on=date.today() + timedelta(days=3))
    login_as(Role.INSPECTOR)
    html = client.get("/").get_data(as_text=True)
    assert 'id="overdue-count">0<' in html
    assert "没有符合条件的问题" in client.get("/validation/findings?overdue=y").get_data(
        as_text=True
    )


def test_the_assignee_sees_their_findings_on_their_home(client, login_as, users, runner):
    account, _finding = _assigned_finding(
        runner, users[Role.ACCOUNT_MANAGER], due_on=date.today() - timedelta(days=1)
    )
    login_as(Role.ACCOUNT_MANAGER)
    html = client.get("/").get_data(as_text=True)
    mine = html.split('id="inbox-head"')[1].split("</table>")[0]
    assert account.customer.account_no in mine and "已超期" in mine
    client.post("/logout")
    login_as(Role.MARKETING)
    others = client.get("/").get_data(as_text=True).split('id="inbox-head"')[1]
    assert account.customer.account_no not in others.split("</table>")[0]
