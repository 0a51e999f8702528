"""Creating, editing and closing customers (客户); customers are closed, never deleted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.customer_rules import customer_problems
from utilitycrm.archive.enums import CustomerStatus, TariffStructure
from utilitycrm.archive.history import ChangeSource
from utilitycrm.archive.models import Customer, Tariff
from utilitycrm.archive.services.records import (
    ArchiveConflict,
    InvalidRecord,
    ensure_unique,
    save_record,
)
from utilitycrm.auth.models import User
from utilitycrm.core.database import utcnow
from utilitycrm.core.extensions import db

RULE_FIELDS = ("tariff_structure", "basic_charge_basis", "contract_demand_kw")


def _checks(customer: Customer) -> None:
    if customer.tariff_structure == TariffStructure.SINGLE.value:
        customer.basic_charge_basis = None  # a single-part tariff has no basic charge
    if problems := customer_problems({name: getattr(customer, name) for name in RULE_FIELDS}):
        raise InvalidRecord(
            " ".join(str(message) for _field, message in problems),
            fields={field: [str(message)] for field, message in problems},
        )
    ensure_unique(
        Customer,
        "account_no",
        customer.account_no,
        customer,
        _l("The account number (户号) %(no)s exists already.", no=customer.account_no),
    )
    if customer.tariff_code and not _tariff_exists(customer.tariff_code):
        raise ArchiveConflict(_l("Unknown tariff code %(code)s.", code=customer.tariff_code))
    if customer.account_manager_id is not None:
        manager = db.session.get(User, customer.account_manager_id)
        if manager is None or not manager.is_active:
            raise ArchiveConflict(_l("The account manager does not exist or is disabled."))


def _tariff_exists(code: str) -> bool:
    return db.session.scalar(select(Tariff.id).where(Tariff.code == code)) is not None


def create_customer(
    data: dict[str, object],
    *,
    actor: User,
    reason: str = "",
    source: ChangeSource = ChangeSource.FORM,
) -> Customer:
    return save_record(
        Customer(), data, actor=actor, reason=reason, checks=[_checks], source=source
    )


def update_customer(
    customer: Customer,
    data: dict[str, object],
    *,
    actor: User,
    expected_version: int | None,
    reason: str = "",
) -> Customer:
    if customer.is_closed:
        raise ArchiveConflict(_l("A closed account (销户) is kept as it was; it cannot be edited."))
    return save_record(
        customer,
        data,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        checks=[_checks],
    )


def close_customer(
    customer: Customer, *, actor: User, expected_version: int | None, reason: str
) -> Customer:
    if customer.is_closed:
        raise ArchiveConflict(_l("The account is closed already."))
    return save_record(
        customer,
        {"status": CustomerStatus.CLOSED.value, "closed_at": utcnow()},
        actor=actor,
        reason=reason,
        expected_version=expected_version,
    )
