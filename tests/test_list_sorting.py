"""Every list sorts by its column headers, both ways, and keeps its filters while sorting
(the customer list's sorts and saved filters: tests/e2e/test_workday_journey.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.auth.test_login import page
from tests.pages import seed_demo
from utilitycrm.accounts import complaints
from utilitycrm.accounts.models import Complaint
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User
from utilitycrm.contracts.models import Contract
from utilitycrm.core.dates import local_now
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.demo.seeding import DEMO_PASSWORD
from utilitycrm.projects.models import Project


@pytest.fixture
def chief(app, runner):
    seed_demo(runner)
    customer = db.session.scalars(select(Customer).order_by(Customer.id)).first()
    actor = db.session.scalar(select(User).where(User.username == "marketing"))
    received = local_now() - timedelta(days=2)
    complaints.log_complaint(  # the demo logs one complaint: a second one to sort
        complaints.ComplaintRequest(customer, "12398", "quality", received, "电压偏低"),
        actor=actor, calendar=WorkCalendar(), now=received,
    )  # fmt: skip
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "chief", "password": DEMO_PASSWORD})
    return client


def _order(html: str, numbers: list[str]) -> list[str]:
    return sorted((n for n in numbers if n in html), key=html.index)


@pytest.mark.parametrize(
    ("path", "model", "key"),
    [
        ("/projects?status=active", Project, "number"),
        ("/contracts", Contract, "number"),
        ("/accounts/complaints?show=all", Complaint, "number"),
    ],
)
def test_a_list_sorts_by_number_both_ways(chief, path, model, key):
    numbers = sorted(db.session.scalars(select(model.number)))
    assert len(numbers) >= 2
    ascending = page(chief.get(f"{path}&sort={key}" if "?" in path else f"{path}?sort={key}"))
    shown = _order(ascending, numbers)
    assert len(shown) >= 2 and shown == sorted(shown)
    descending = page(chief.get(f"{path}&sort=-{key}" if "?" in path else f"{path}?sort=-{key}"))
    assert _order(descending, numbers) == sorted(shown, reverse=True)
    assert 'aria-sort="descending"' in descending


def test_complaints_filter_by_category_and_step_and_keep_them_while_sorting(chief):
    logged = db.session.scalars(select(Complaint)).all()
    for field in ("category", "step"):
        value = getattr(logged[0], field)
        html = page(chief.get(f"/accounts/complaints?show=all&{field}={value}"))
        expected = {c.number for c in logged if getattr(c, field) == value}
        assert {c.number for c in logged if c.number in html} == expected
        # The column headers keep the filter.
        assert f'href="/accounts/complaints?show=all&amp;{field}={value}&amp;sort=number"' in html
    assert 'id="saved-filters"' in html
