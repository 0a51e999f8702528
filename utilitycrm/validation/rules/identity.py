"""Identity: one customer, one record; one meter, one place.

Both are judged against the whole archive (rule scope "archive"): the run finds the
customers concerned with one GROUP BY each (`snapshot.load_across`). A legacy archive
brings such errors with it, and the import accepts them so that these rules report them.
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
    why=_l("Two records of one customer split its history and can bill one supply twice."),
)
def duplicate_customer(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        others = snap.across.namesakes.get(customer.id)
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


@rule(
    "identity.duplicate_meter",
    family=Family.IDENTITY,
    severity=Severity.ERROR,
    title=_l("Meter asset number recorded twice"),
    messages={
        "default": _l(
            "Meter %(asset_no)s is recorded at %(others)s as well: one meter cannot measure "
            "two supplies, so one record names the wrong meter and its readings bill the "
            "wrong customer."
        )
    },
    scope="archive",
    why=_l("An asset number is one physical meter; two records of it mean one is wrong."),
)
def duplicate_meter(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        for meter in snap.meters.get(point.id, ()):
            if others := snap.across.meter_twins.get(meter.id):
                shown = ", ".join(f"{account_no} ({code})" for account_no, code in others)
                yield Hit(
                    (refs.meter(meter), refs.point(point), refs.customer(customer)),
                    customer.id,
                    params={"asset_no": meter.asset_no, "others": shown},
                )
