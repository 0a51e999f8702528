"""The consumption API: months read and written, a bad month refusing them all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.accounts.conftest import managed
from tests.clock import TODAY
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(MonthlyConsumption))


@pytest.fixture
def manager(users):
    return users[Role.ACCOUNT_MANAGER]


def month(back: int) -> str:
    """The month `back` months before TODAY's, as the API writes it (0 = this month)."""
    return add_months(TODAY.replace(day=1), -back).strftime("%Y-%m")


def test_the_api_reads_and_writes_months(manager, api):
    customer = managed(manager)
    url = f"/api/v1/customers/{customer.account_no}/consumption"
    body = {"months": [{"month": month(2), "kwh": 1000, "amount_yuan": "600.00"},
                       {"month": month(1), "kwh": 1200, "amount_yuan": "720.50"}]}  # fmt: skip
    written = api(Role.MARKETING).put(url, json=body)
    assert written.status_code == 200, written.json
    assert [m["month"] for m in written.json["months"]] == [month(2), month(1)]
    read = api(Role.ACCOUNT_MANAGER).get(url).json
    assert read["months"][1] == {"month": month(1), "kwh": 1200, "amount_yuan": "720.50"}
    bad = api(Role.MARKETING).put(url, json={"months": [
        {"month": month(3), "kwh": 5, "amount_yuan": "1.00"},
        {"month": month(0), "kwh": 5, "amount_yuan": "1.00"},  # not over yet
    ]})  # fmt: skip
    assert bad.status_code == 409 and "只记录已结束的月份" in bad.json["error"]["message"]
    assert stored() == 2  # the good month of the bad request was not written either
