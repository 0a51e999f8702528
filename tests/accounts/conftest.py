"""Key-account fixtures: managed customers with consumption, and a fixed today."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.clock import TODAY
from tests.factories import create_customer
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db


@pytest.fixture
def manager(users):
    return users[Role.ACCOUNT_MANAGER]


def managed(manager, **fields):
    return create_customer(account_manager_id=manager.id, **fields)


def months(customer, kwh_by_month: dict[int, int], *, price: str = "0.6") -> None:
    """Consumption `kwh` in the month `n` months before TODAY's (1 = last month)."""
    for back, kwh in kwh_by_month.items():
        db.session.add(
            MonthlyConsumption(
                customer_id=customer.id,
                month=add_months(TODAY.replace(day=1), -back),
                kwh=kwh,
                amount_yuan=Decimal(price) * kwh,
            )
        )
    db.session.commit()


def year(customer, kwh: int, *, prior: int | None = None) -> None:
    """Twelve months of `kwh` each, and the year before at `prior` each."""
    figures = {back: kwh for back in range(1, 13)}
    if prior is not None:
        figures |= {back: prior for back in range(13, 25)}
    months(customer, figures)
