"""The rules that judge a customer against the whole archive, read by set-based queries
(`snapshot.load_across`): here a meter number recorded twice."""

from __future__ import annotations

from tests.clock import TODAY
from tests.factories import create_customer, create_meter, create_metering_point
from utilitycrm.validation import engine
from utilitycrm.validation.registry import RULES
from utilitycrm.validation.snapshot import Scope

NUMBER = "3310000000000000999"


def _twins(scope: Scope) -> list[tuple[str, str]]:
    found, _ = engine.evaluate(scope, [RULES["identity.duplicate_meter"]], today=TODAY)
    return sorted(
        (item.hit.params["asset_no"], item.hit.params["others"]) for item in found.found.values()
    )


def test_a_number_shared_with_a_closed_account_is_no_duplicate_but_two_open_ones_are(app):
    open_one = create_customer(account_no="3100000901")
    create_meter(create_metering_point(open_one, code="MP-1"), asset_no=NUMBER)
    closed = create_customer(account_no="3100000902", status="closed")
    create_meter(create_metering_point(closed, code="MP-2"), asset_no=NUMBER)
    assert _twins(Scope()) == []
    other = create_customer(account_no="3100000903")
    create_meter(create_metering_point(other, code="MP-3"), asset_no=NUMBER)
    expected = [(NUMBER, "3100000901 (MP-1)"), (NUMBER, "3100000903 (MP-3)")]
    assert _twins(Scope()) == expected
    assert _twins(Scope(customer_ids=(open_one.id,))) == [(NUMBER, "3100000903 (MP-3)")]
