"""Coded columns hold enum members: what a form or an import writes as a code comes
back as the member, and the database still refuses a code outside the set."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import create_customer
from utilitycrm.archive.enums import CustomerStatus, VoltageLevel
from utilitycrm.archive.models import Customer
from utilitycrm.core.extensions import db


def test_a_code_written_as_text_loads_as_its_member():
    customer = create_customer(voltage_kv="10")
    db.session.commit()
    db.session.expire_all()

    loaded = db.session.get(Customer, customer.id)

    assert loaded.voltage_kv is VoltageLevel.V10
    assert loaded.voltage_kv.is_high_voltage
    assert loaded.status is CustomerStatus.ACTIVE


def test_the_stored_value_is_the_code():
    customer = create_customer(voltage_kv=VoltageLevel.V0_4)
    db.session.commit()

    stored = db.session.execute(
        text("SELECT voltage_kv, status FROM customer WHERE id = :id"), {"id": customer.id}
    ).one()

    assert tuple(stored) == ("0.4", "active")


def test_a_code_outside_the_set_is_refused_by_the_database():
    customer = create_customer()
    db.session.commit()

    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE customer SET status = 'gone' WHERE id = :id"), {"id": customer.id}
        )
    db.session.rollback()
