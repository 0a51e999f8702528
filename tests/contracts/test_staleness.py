"""A signed contract goes stale when the archive changes a term it states."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.contracts.conftest import TODAY
from tests.factories import create_line
from tests.validation.dbarchive import change
from utilitycrm.auth.roles import Role
from utilitycrm.contracts import services
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding
from utilitycrm.validation.services import begin_run, execute_run
from utilitycrm.validation.snapshot import Scope


def _changes(contract):
    return {c.key: c for c in services.stale_changes([contract])[contract.id]}


def test_a_fresh_contract_is_not_stale(signed):
    assert _changes(signed) == {}


def test_each_tracked_term_makes_it_stale(signed, account):
    other = create_line(code="L0999", name="城西二线")
    change(account.source, line_id=other.id, line_name=other.name, property_boundary="2号杆")
    change(account.transformer, rated_kva=800)
    change(account.customer, contract_capacity_kva=800, category="general_commercial")
    change(account.point, ct_primary_a=50)
    change(account.customer, pf_standard="0.85")
    changes = _changes(signed)
    assert set(changes) == {"lines", "boundary", "capacity", "category", "metering", "tariff"}
    assert "城西二线" in changes["lines"].now and account.line.name in changes["lines"].was
    assert changes["capacity"].was.startswith("630 kVA") and changes["capacity"].now.startswith(
        "800 kVA"
    )


def test_a_meter_replaced_by_rotation_is_not_a_change_of_terms(signed, account):
    change(account.meter, asset_no="3310999999999999", installed_on=date(2026, 11, 20))
    change(account.customer, phone="13900000000")  # not a term
    assert _changes(signed) == {}


def test_the_customer_page_shows_the_stale_contract(signed, account, client, login_as):
    change(account.source, property_boundary="2号杆T接开关负荷侧")
    login_as(Role.ACCOUNT_MANAGER)
    page = client.get(f"/archive/customers/{account.customer.account_no}").get_data(as_text=True)
    assert signed.number in page
    assert "合同已过时" in page
    assert "2号杆T接开关负荷侧" in page
    contract_page = client.get(f"/contracts/{signed.number}").get_data(as_text=True)
    assert 'id="contract-changes"' in contract_page


def _found(today) -> set[tuple[str, str, int]]:
    run = begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    execute_run(run.id, Scope(), rule_ids=["contract.stale", "contract.expiry"], today=today)
    findings = db.session.scalars(
        select(Finding).where(Finding.status == "open").execution_options(populate_existing=True)
    )
    return {(f.rule_id, f.objects[0]["label"], f.customer_id) for f in findings}


def test_the_validation_rules_find_stale_and_expiring_contracts(signed, account):
    assert _found(TODAY) == set()
    change(account.customer, category="general_commercial")
    assert _found(TODAY) == {("contract.stale", signed.number, account.customer.id)}
    change(account.customer, category="large_industry")
    assert _found(date(2031, 9, 1)) == {("contract.expiry", signed.number, account.customer.id)}


def test_an_expired_contract_without_a_successor_is_found(signed, account):
    services.expire_due(date(2031, 12, 1))
    db.session.commit()
    (finding,) = _found(date(2031, 12, 1))
    assert finding[:2] == ("contract.expiry", signed.number)
