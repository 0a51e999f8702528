"""Two hand-built 10 kV lines of one substation with readings, for the line-loss tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests import factories
from tests.clock import month_start
from tests.validation.dbarchive import KeyAccount, key_account
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.core.extensions import db
from utilitycrm.network.models import AreaReading, LineReading

MONTH = month_start(1)


def sell(customer, kwh: int, month=MONTH) -> None:
    db.session.add(MonthlyConsumption(customer_id=customer.id, month=month, kwh=kwh,
                                      amount_yuan=Decimal(kwh) * Decimal("0.6")))  # fmt: skip


def head(line, kwh: int, month=MONTH) -> None:
    db.session.add(LineReading(line_id=line.id, month=month, supplied_kwh=kwh))


@dataclass
class TwoLines:
    east: object  # 城东一线
    west: object  # 城东二线
    a: KeyAccount  # on east
    b: KeyAccount  # on west
    public: object  # a 台区 on east


@pytest.fixture
def two_lines() -> TwoLines:
    """East: customer A (100,000 kWh) and a 台区 (20,000 kWh in, 19,000 sold), head meter
    126,000 kWh: 4.8%. West: customer B (200,000 kWh), head meter 210,000 kWh: 4.8%."""
    substation = factories.create_substation()
    east = factories.create_line(substation, name="城东一线")
    west = factories.create_line(substation, name="城东二线")
    for line in (east, west):
        bay = factories.create_node(line, kind="bus_bay")
        factories.create_edge(bay, factories.create_node(line))
    a = key_account(east, account_no="3100000123", name="甲厂")
    b = key_account(west, tariff=False, account_no="3100000456", name="乙厂")
    pole = factories.create_node(east)
    public = factories.create_transformer(None, code="G-01",
                                          rated_kva=400, node_id=pole.id)  # fmt: skip
    for number in range(3):
        factories.create_customer(account_no=f"390000000{number}", voltage_kv="0.4",
                                  supply_transformer_id=public.id)  # fmt: skip
    sell(a.customer, 100_000)
    sell(b.customer, 200_000)
    db.session.add(AreaReading(transformer_id=public.id, month=MONTH, supplied_kwh=20_000,
                               sold_kwh=19_000))  # fmt: skip
    head(east, 126_000)
    head(west, 210_000)
    db.session.commit()
    return TwoLines(east, west, a, b, public)
