"""Demo supply contracts: a few signed ones (one due for renewal) and a draft, so that the
register, the reminders and the customer pages have something to show."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User
from utilitycrm.contracts import services, terms
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db

SIGNED = 5  # then one draft


def seed_contracts(today: date) -> int:
    """Contracts for the first high-voltage customers whose archive is complete."""
    actor = db.session.scalar(select(User).where(User.username == "marketing"))
    candidates = db.session.scalars(
        select(Customer.id).where(Customer.voltage_kv != "0.4").order_by(Customer.id).limit(40)
    ).all()
    ready = [
        customer
        for customer in terms.load_customers(candidates).values()
        if not terms.missing(terms.contract_data(customer))
    ][: SIGNED + 1]
    for index, customer in enumerate(ready):
        # Signed over the last years; the first one ends within the renewal notice.
        signed_on = add_months(today, -58 - index) if index == 0 else add_months(today, -index * 7)
        contract = services.create_draft(
            customer,
            services.DraftRequest(starts_on=signed_on, ends_on=add_months(signed_on, 60)),
            actor=actor,
            today=today,
        )
        if index < SIGNED:
            services.sign(
                contract,
                services.Signing(signed_on, signed_on, contract.ends_on, "法定代表人", "王敏"),
                actor=actor,
                today=today,
            )
    return len(ready)
