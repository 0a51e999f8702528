"""Identity: one customer, one record.

One meter asset number on two customers or two metering points cannot happen here: the
database holds asset numbers unique, and imports refuse a meter already on another customer.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from utilitycrm.validation.facts import Snapshot
from utilitycrm.validation.registry import Family, Hit, Ref, Severity, rule
from utilitycrm.validation.rules import refs


@rule(
    "identity.duplicate_customer",
    family=Family.IDENTITY,
    severity=Severity.ERROR,
    title=_l("Duplicate customer"),
    messages={
        "default": _l(
            "Same name, address and category as %(others)s: one customer kept twice, or one "
            "supply billed under two accounts."
        )
    },
    scope="archive",
)
def duplicate_customer(snap: Snapshot) -> Iterator[Hit]:
    """Two records of one customer split its history and can bill one supply twice."""
    for customer in snap.customers:
        others = snap.namesakes.get(customer.id)
        if others:
            yield Hit(
                (
                    refs.customer(customer),
                    *tuple(
                        Ref("customer", other_id, account_no) for other_id, account_no in others
                    ),
                ),
                customer.id,
                params={"others": ", ".join(account_no for _id, account_no in others)},
            )
