"""The registry's read side: a contract by number, a customer's contracts, the register
with its filters, and how reminders name a contract. A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from utilitycrm.archive.models import Customer
from utilitycrm.contracts.models import Contract
from utilitycrm.contracts.types import ContractStatus
from utilitycrm.core.extensions import db
from utilitycrm.core.search import Page, paginate, starts_with
from utilitycrm.core.sorting import Sorts, sort_key, sort_order
from utilitycrm.deadlines.models import Deadline
from utilitycrm.deadlines.services import Described


def numbered(number: str) -> Select:
    """The contract of a number with what its page shows (`db.first_or_404` it)."""
    return (
        select(Contract)
        .where(Contract.number == number)
        .options(
            joinedload(Contract.customer),
            selectinload(Contract.files),
            selectinload(Contract.events),
        )
    )


def for_customer(customer_id: int) -> list[Contract]:
    """Newest first."""
    return _newest_first(Contract.customer_id == customer_id)


def for_project(project_id: int) -> list[Contract]:
    return _newest_first(Contract.project_id == project_id)


def _newest_first(condition) -> list[Contract]:
    return list(db.session.scalars(select(Contract).where(condition).order_by(Contract.id.desc())))


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    # Signed contracts that end within this many days.
    ending_within: int | None = None
    sort: str = ""  # newest first; soonest ending first when filtered by ending


REGISTER_SORTS: Sorts = {
    "number": (Contract.number,),
    "ends_on": (Contract.ends_on, Contract.number),
}


def register_sort(filters: RegisterFilters) -> str:
    """The register's order: as asked, else newest first, or soonest ending first when
    filtered by ending."""
    default = "ends_on" if filters.ending_within is not None else "-number"
    return sort_key(REGISTER_SORTS, filters.sort, default)


def register_query(filters: RegisterFilters, today: date):
    sort = register_sort(filters)
    query = (
        select(Contract)
        .join(Customer, Contract.customer_id == Customer.id)
        .options(contains_eager(Contract.customer))
        .order_by(*sort_order(REGISTER_SORTS, sort, sort))
    )
    if filters.q:
        text = filters.q.strip()
        query = query.where(
            or_(
                starts_with(Contract.number, text),
                starts_with(Customer.account_no, text),
                starts_with(Customer.name, text),
            )
        )
    if filters.status in set(ContractStatus):
        query = query.where(Contract.status == filters.status)
    if filters.kind:
        query = query.where(Contract.kind == filters.kind)
    if filters.ending_within is not None:
        query = query.where(
            Contract.status == ContractStatus.SIGNED.value,
            Contract.ends_on <= today + timedelta(days=filters.ending_within),
        )
    return query


def register_page(
    filters: RegisterFilters, today: date, *, page: int, per_page: int, limit: int
) -> Page:
    return paginate(register_query(filters, today), page=page, per_page=per_page, limit=limit)


def describe_deadlines(deadlines: list[Deadline]) -> dict[int, Described]:
    """How alerts name a contract's expiry: one query for all of them."""
    contracts = {
        c.id: c
        for c in db.session.scalars(
            select(Contract)
            .where(Contract.id.in_({d.subject_id for d in deadlines}))
            .options(joinedload(Contract.customer))
        )
    }
    described = {}
    for deadline in deadlines:
        contract = contracts[deadline.subject_id]
        described[deadline.id] = Described(
            f"{contract.number} {contract.kind_enum.label}",
            str(contract.customer),
            url_for("contracts.contract", number=contract.number),
        )
    return described
