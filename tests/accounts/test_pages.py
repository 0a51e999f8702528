"""Key-account pages as staff use them: the visit form, the consumption import page,
reassignment, the lists."""

from __future__ import annotations

import io

from tests.accounts.conftest import managed, year
from tests.accounts.test_consumption import book
from tests.factories import create_user
from utilitycrm.accounts.models import FollowUp, MonthlyConsumption, Visit
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db


def test_a_visit_with_a_follow_up_through_the_form(client, login_as, manager, users):
    customer = managed(manager, value_class="B")
    login_as(Role.ACCOUNT_MANAGER)
    form = client.get(f"/accounts/customers/{customer.account_no}/visits/new")
    assert form.status_code == 200
    due = local_today().isoformat()
    response = client.post(f"/accounts/customers/{customer.account_no}/visits/new", data={
        "visited_on": due, "people_met": "王总", "topics": "功率因数考核",
        "follow_ups-0-action": "送无功补偿方案", "follow_ups-0-owner_id": str(users[Role.MARKETING].id),
        "follow_ups-0-due_on": due,
    }, follow_redirects=True)  # fmt: skip
    page = response.get_data(as_text=True)
    assert "走访已登记" in page and "送无功补偿方案" in page
    assert db.session.query(Visit).count() == 1
    assert db.session.query(FollowUp).one().owner_id == users[Role.MARKETING].id
    refused = client.post(f"/accounts/customers/{customer.account_no}/visits/new",
                          data={"visited_on": "2099-01-01", "people_met": "王总", "topics": "x"},
                          follow_redirects=True)  # fmt: skip
    assert "走访发生后才能登记" in refused.get_data(as_text=True)
    assert db.session.query(Visit).count() == 1


def test_the_consumption_import_page(client, login_as, manager):
    customer = managed(manager)
    login_as(Role.MARKETING)
    bad = client.post("/accounts/consumption/import", data={
        "workbook": (io.BytesIO(book([("3100099999", "2026-09", 1, 1)])), "c.xlsx"),
    }, content_type="multipart/form-data")  # fmt: skip
    assert bad.status_code == 422 and "没有此户号的客户" in bad.get_data(as_text=True)
    good = client.post("/accounts/consumption/import", data={
        "workbook": (io.BytesIO(book([(customer.account_no, "2026-09", 1000, 600)])), "c.xlsx"),
    }, content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "新增 1 个月份" in good.get_data(as_text=True)
    assert db.session.query(MonthlyConsumption).count() == 1
    lists = client.get("/accounts/consumption?month=2026-09").get_data(as_text=True)
    assert customer.name in lists


def test_the_chief_reassigns_and_sees_the_load(client, login_as, manager):
    customer = managed(manager, value_class="A")
    year(customer, 1000)
    other = create_user(role=Role.ACCOUNT_MANAGER, username="manager-2", display_name="赵经理")
    login_as(Role.CHIEF)
    home = client.get("/").get_data(as_text=True)
    assert 'id="key-account-loads"' in home and manager.display_name in home
    response = client.post("/accounts/reassign", data={
        "account_nos": f"{customer.account_no}\n", "to_id": str(other.id), "reason": "片区调整",
    }, follow_redirects=True)  # fmt: skip
    assert "已移交 1 户" in response.get_data(as_text=True)
    db.session.refresh(customer)
    assert customer.account_manager_id == other.id
    unknown = client.post("/accounts/reassign", data={
        "account_nos": "0000000000", "to_id": str(other.id), "reason": "x",
    }, follow_redirects=True)  # fmt: skip
    assert "0000000000" in unknown.get_data(as_text=True)
