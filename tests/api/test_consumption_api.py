"""The consumption API: months read and written, a bad month refusing them all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.accounts.conftest import managed
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.auth.roles import Role
from utilitycrm.extensions import db


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(MonthlyConsumption))


@pytest.fixture
def manager(users):
    return users[Role.ACCOUNT_MANAGER]


def test_the_api_reads_and_writes_months(manager, api):
    customer = managed(manager)
    url = f"/api/v1/customers/{customer.account_no}/consumption"
    body = {"months": [{"month": "2026-09", "kwh": 1000, "amount_yuan": "600.00"},
                       {"month": "2026-10", "kwh": 1200, "amount_yuan": "720.50"}]}  # fmt: skip
    written = api(Role.MARKETING).put(url, json=body)
    assert written.status_code == 200, written.json
    assert [m["month"] for m in written.json["months"]] == ["2026-09", "2026-10"]
    read = api(Role.ACCOUNT_MANAGER).get(url).json
    assert read["months"][1] == {"month": "2026-10", "kwh": 1200, "amount_yuan": "720.50"}
    bad = api(Role.MARKETING).put(url, json={"months": [
        {"month": "2026-08", "kwh": 5, "amount_yuan": "1.00"},
        {"month": "2026-11", "kwh": 5, "amount_yuan": "1.00"},  # not over yet
    ]})  # fmt: skip
    assert bad.status_code == 422 and "只记录已结束的月份" in bad.json["error"]["message"]
    assert stored() == 2  # the good month of the bad request was not written either
