"""Monthly consumption and billed amounts: the import (workbook, CSV or API rows), and
what is read back: a customer's months, top-N and year-on-year lists.

An import is all or nothing: every row is checked first (unknown 户号, a month twice,
a month not yet over, negative figures), and only a file without problems is written,
upserted on (customer, month) in batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.models import Customer
from utilitycrm.archive.workbook.importing import import_limits
from utilitycrm.archive.workbook.layout import Column, Sheet
from utilitycrm.archive.workbook.monthly import MONTH, monthly_rows
from utilitycrm.archive.workbook.reading import Problem, open_archive
from utilitycrm.core.database import utcnow
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db

SHEET = Sheet("consumption", "月度电量电费", "Monthly consumption", (
    Column("account_no", "户号", "Account no.", required=True),
    MONTH,
    Column("kwh", "电量", "Energy, kWh", "int", required=True),
    Column("amount_yuan", "电费", "Amount, yuan", "decimal", required=True),
), ("account_no", "month"))  # fmt: skip
CHUNK = 900


@dataclass(frozen=True)
class Row:
    account_no: str
    month: date
    kwh: int
    amount_yuan: Decimal


@dataclass
class ConsumptionImport:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    committed: bool = False

    @property
    def count(self) -> int:
        return len(self.rows)


def check_rows(raw_rows: Iterable[tuple[int, dict]], today: date) -> ConsumptionImport:
    """Parse and check rows given as (row number, {column key: cell})."""
    result = ConsumptionImport()
    numbers = []
    for number, values in monthly_rows(
        SHEET, raw_rows, today, result.problems, figures=("kwh", "amount_yuan"),
        twice=lambda row: _l("The same customer and month appear twice (row %(row)d).", row=row),
    ):  # fmt: skip
        numbers.append(number)
        result.rows.append(Row(**values))
    known = _customer_ids({row.account_no for row in result.rows})
    account_no = SHEET.columns[0]
    for number, row in zip(numbers, result.rows, strict=True):
        if row.account_no not in known:
            result.problems.append(Problem(SHEET.title, number, account_no.header, row.account_no,
                                           str(_l("No customer has this account number (户号)."))))  # fmt: skip
    return result


def _customer_ids(account_nos: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    numbers = sorted(account_nos)
    for start in range(0, len(numbers), CHUNK):
        found.update(db.session.execute(
            select(Customer.account_no, Customer.id)
            .where(Customer.account_no.in_(numbers[start : start + CHUNK]))
        ).all())  # fmt: skip
    return found


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(MonthlyConsumption)


def save(result: ConsumptionImport) -> None:
    """Write a checked import (the caller commits): upserts, counted new and changed."""
    if result.problems:
        raise ValueError("an import with problems is never written")
    ids = _customer_ids({row.account_no for row in result.rows})
    records = [
        {"customer_id": ids[r.account_no], "month": r.month, "kwh": r.kwh,
         "amount_yuan": r.amount_yuan}
        for r in result.rows
    ]  # fmt: skip
    existing = _existing({(r["customer_id"], r["month"]) for r in records})
    result.inserted = sum(1 for r in records if (r["customer_id"], r["month"]) not in existing)
    result.updated = len(records) - result.inserted
    for start in range(0, len(records), CHUNK // 4):
        statement = _insert().values(records[start : start + CHUNK // 4])
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["customer_id", "month"],
                set_={
                    "kwh": statement.excluded.kwh,
                    "amount_yuan": statement.excluded.amount_yuan,
                    "updated_at": utcnow(),
                },
            )
        )
    result.committed = True


def _existing(keys: set[tuple[int, date]]) -> set[tuple[int, date]]:
    customers = sorted({customer_id for customer_id, _month in keys})
    found = set()
    for start in range(0, len(customers), CHUNK):
        rows = db.session.execute(
            select(MonthlyConsumption.customer_id, MonthlyConsumption.month)
            .where(MonthlyConsumption.customer_id.in_(customers[start : start + CHUNK]))
        )  # fmt: skip
        found.update((customer_id, month) for customer_id, month in rows)
    return found & keys


def import_file(data: bytes, filename: str, *, today: date, dry_run: bool) -> ConsumptionImport:
    """Read, check and (unless `dry_run` or any problem) write a consumption file."""
    with open_archive(data, filename, import_limits(), sheets=[SHEET]) as book:
        rows = [(raw.number, raw.values) for raw in book.rows(SHEET)] if book.parts else []
    if book.problems:
        return ConsumptionImport(problems=book.problems)
    result = check_rows(rows, today)
    if not result.problems and not dry_run:
        save(result)
    return result


# -- reading back ------------------------------------------------------------------------


def months_of(customer_id: int, today: date, count: int = 24) -> list[MonthlyConsumption]:
    """The customer's last `count` months that are over, oldest first (missing months are
    simply absent)."""
    this_month = today.replace(day=1)
    return list(db.session.scalars(
        select(MonthlyConsumption)
        .where(MonthlyConsumption.customer_id == customer_id,
               MonthlyConsumption.month >= add_months(this_month, -count),
               MonthlyConsumption.month < this_month)
        .order_by(MonthlyConsumption.month)
    ))  # fmt: skip


@dataclass(frozen=True)
class Ranked:
    customer: Customer
    kwh: int
    amount_yuan: Decimal
    prior_kwh: int | None  # the same month a year before

    @property
    def change(self) -> float | None:
        if not self.prior_kwh:
            return None
        return (self.kwh - self.prior_kwh) / self.prior_kwh


def ranking(month: date, *, limit: int, by: str = "kwh",
            manager_id: int | None = None) -> list[Ranked]:  # fmt: skip
    """The month's customers by energy, or by change against the same month a year
    before; sorted and cut in the database (an index on month and energy serves it)."""
    prior = aliased(MonthlyConsumption)
    query = (
        select(Customer, MonthlyConsumption.kwh, MonthlyConsumption.amount_yuan, prior.kwh)
        .join(Customer, MonthlyConsumption.customer_id == Customer.id)
        .outerjoin(prior, and_(prior.customer_id == MonthlyConsumption.customer_id,
                               prior.month == add_months(month, -12)))
        .where(MonthlyConsumption.month == month)
        .limit(limit)
    )  # fmt: skip
    if manager_id is not None:
        query = query.where(Customer.account_manager_id == manager_id)
    if by == "growth":
        change = (MonthlyConsumption.kwh - prior.kwh) * 1.0 / prior.kwh
        query = query.where(prior.kwh > 0).order_by(change.desc(), Customer.account_no)
    else:
        query = query.order_by(MonthlyConsumption.kwh.desc(), Customer.account_no)
    return [Ranked(*row) for row in db.session.execute(query)]
