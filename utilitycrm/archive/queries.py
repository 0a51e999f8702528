"""The archive's read side: lists with filters, the customer page, history. Every list
reads a page in a fixed number of queries, whatever its length."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from utilitycrm.archive import history_display, standards
from utilitycrm.archive.models import (
    ArchiveChange,
    ChangeSet,
    Customer,
    FeederLine,
    ImportBatch,
    Meter,
    MeteringPoint,
    NetworkNode,
    PowerSource,
    Substation,
    Transformer,
)
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.core.search import Page, contains_any, paginate, starts_with
from utilitycrm.core.sorting import Sorts, sort_order

# Each served by an index that ends with the account number (models/customer.py).
CUSTOMER_SORTS: Sorts = {
    "account_no": (Customer.account_no,),
    "name": (Customer.name, Customer.account_no),
    "category": (Customer.category, Customer.account_no),
    "voltage_kv": (Customer.voltage_kv, Customer.account_no),
    "capacity": (Customer.contract_capacity_kva, Customer.account_no),
    "value_class": (Customer.value_class, Customer.account_no),
    "status": (Customer.status, Customer.account_no),
}


@dataclass
class CustomerFilters:
    q: str = ""
    anywhere: bool = False
    substation_id: int | None = None
    line: str = ""  # a line's name or number
    line_id: int | None = None
    category: str | None = None
    voltage_kv: str | None = None
    account_manager_id: int | None = None
    value_class: str | None = None
    importance: str | None = None
    status: str | None = None
    sort: str = "account_no"


def _customer_search(query: Select, text: str, anywhere: bool) -> Select:
    """A meter's asset number, else: digits a 户号 prefix, text the name (or, asked to
    look anywhere, a part of the name or address)."""
    if anywhere:
        return query.where(contains_any([Customer.name, Customer.address], text))
    prefix = starts_with(Customer.account_no if text.isdigit() else Customer.name, text)
    # The meter's customers are looked up first: `prefix OR id IN (subquery)` made
    # PostgreSQL scan the million customers twice, where a list of ids (or none, most
    # often) leaves it an index scan or two.
    metered = db.session.scalars(
        select(MeteringPoint.customer_id)
        .join(Meter, Meter.metering_point_id == MeteringPoint.id)
        .where(Meter.asset_no == text)
    ).all()
    return query.where(prefix | Customer.id.in_(metered) if metered else prefix)


def customer_query(filters: CustomerFilters) -> Select:
    query = select(Customer).options(joinedload(Customer.account_manager))
    if filters.q:
        query = _customer_search(query, filters.q, filters.anywhere)
    for column in (
        "category",
        "voltage_kv",
        "account_manager_id",
        "value_class",
        "importance",
        "status",
    ):
        value = getattr(filters, column)
        if value not in (None, ""):
            query = query.where(getattr(Customer, column) == value)
    if filters.line_id or filters.line:
        line_ids = [filters.line_id] if filters.line_id else lines_named(filters.line)
        query = query.where(
            Customer.id.in_(
                select(PowerSource.customer_id).where(PowerSource.line_id.in_(line_ids))
            )
        )
    if filters.substation_id:
        query = query.where(
            Customer.id.in_(
                select(PowerSource.customer_id).where(
                    PowerSource.substation_id == filters.substation_id
                )
            )
        )
    return query.order_by(*sort_order(CUSTOMER_SORTS, filters.sort, "account_no"))


def customer_ids_matching(text: str, *, limit: int = 200) -> list[int]:
    """Customers a filter's text names: by 户号, name or meter, else anywhere in the name
    or address; at most `limit` (a filter, not a search page)."""
    for anywhere in (False, True):
        query = _customer_search(select(Customer.id), text, anywhere)
        ids = list(db.session.scalars(query.order_by(Customer.account_no).limit(limit)))
        if ids:
            return ids
    return []


def lines_named(text: str) -> Select:
    """The ids of lines whose name or number is `text` (names repeat across substations)."""
    return select(FeederLine.id).where((FeederLine.name == text) | (FeederLine.code == text))


def customer_lines(customer_ids: list[int]) -> dict[int, list[str]]:
    """The recorded supply lines of these customers, in one query."""
    lines: dict[int, list[str]] = defaultdict(list)
    if customer_ids:
        rows = db.session.execute(
            select(PowerSource.customer_id, PowerSource.line_name)
            .where(PowerSource.customer_id.in_(customer_ids))
            .order_by(PowerSource.customer_id, PowerSource.id)
        )
        for customer_id, line_name in rows:
            if line_name:
                lines[customer_id].append(line_name)
    return lines


def customer_page(filters: CustomerFilters, *, page: int, per_page: int, limit: int) -> Page:
    return paginate(customer_query(filters), page=page, per_page=per_page, limit=limit)


def customer_by_account_no(account_no: str) -> Customer | None:
    return db.session.scalar(customer_page_query(account_no))


def customer_for_edit(account_no: str) -> Select:
    """The customer of a 户号 as its edit form needs it: the record alone (the page's
    panels would cost a dozen statements a save)."""
    return select(Customer).where(Customer.account_no == account_no)


def customer_page_query(account_no: str) -> Select:
    """The customer of a 户号 with what its page shows (`db.first_or_404` it)."""
    return (
        select(Customer)
        .where(Customer.account_no == account_no)
        .options(
            joinedload(Customer.account_manager),
            joinedload(Customer.tariff),
            selectinload(Customer.sources).joinedload(PowerSource.line),
            selectinload(Customer.sources).joinedload(PowerSource.substation),
            selectinload(Customer.transformers).joinedload(Transformer.node),
            selectinload(Customer.metering_points).selectinload(MeteringPoint.meters),
            selectinload(Customer.contacts),
            selectinload(Customer.documents),
        )
    )


LINE_SORTS: Sorts = {
    "substation": (Substation.name, FeederLine.name_sort, FeederLine.id),
    "name": (FeederLine.name_sort, FeederLine.id),
    "code": (FeederLine.code,),
}


@dataclass
class LineFilters:
    q: str = ""
    substation_id: int | None = None
    sort: str = "substation"


def line_page(filters: LineFilters, *, page: int, per_page: int, limit: int) -> Page:
    query = (
        select(FeederLine)
        .join(Substation)
        .options(contains_eager(FeederLine.substation))
        .order_by(*sort_order(LINE_SORTS, filters.sort, "substation"))
    )
    if filters.q:
        query = query.where(
            starts_with(FeederLine.name, filters.q) | starts_with(FeederLine.code, filters.q)
        )
    if filters.substation_id:
        query = query.where(FeederLine.substation_id == filters.substation_id)
    return paginate(query, page=page, per_page=per_page, limit=limit)


def substation_page(q: str, *, page: int, per_page: int, limit: int) -> Page:
    query = select(Substation).order_by(Substation.name)
    if q:
        query = query.where(starts_with(Substation.name, q) | starts_with(Substation.code, q))
    return paginate(query, page=page, per_page=per_page, limit=limit)


TRANSFORMER_SORTS: Sorts = {"code": (Transformer.code,)}


@dataclass
class TransformerFilters:
    q: str = ""
    line: str = ""
    state: str | None = None
    ownership: str | None = None
    sort: str = "code"


def transformer_page(filters: TransformerFilters, *, page: int, per_page: int, limit: int):
    query = (
        select(Transformer)
        .options(joinedload(Transformer.customer), joinedload(Transformer.node))
        .order_by(*sort_order(TRANSFORMER_SORTS, filters.sort, "code"))
    )
    if filters.q:
        query = query.where(starts_with(Transformer.code, filters.q))
    if filters.state:
        query = query.where(Transformer.state == filters.state)
    if filters.ownership:
        query = query.where(Transformer.ownership == filters.ownership)
    if filters.line:
        query = query.where(
            Transformer.node_id.in_(
                select(NetworkNode.id).where(NetworkNode.line_id.in_(lines_named(filters.line)))
            )
        )
    return paginate(query, page=page, per_page=per_page, limit=limit)


METER_SORTS: Sorts = {
    "asset_no": (Meter.asset_no, Meter.id),
    "verified_on": (Meter.verified_on, Meter.id),
}


@dataclass
class MeterFilters:
    q: str = ""
    verified_from: date | None = None
    verified_to: date | None = None
    rotation_due_by: date | None = None  # due for rotation on or before this day
    sort: str = "asset_no"


def _rotation_due_by(day: date) -> ColumnElement:
    """Meters due for rotation by the day, as predicates each index serves (verified_on,
    installed_on) rather than a computed date no index holds."""
    s = standards_on(day)
    parts = []
    for precise, years in ((True, s.rotation_years_precise), (False, s.rotation_years_other)):
        last_by = standards.years_after(day, -years)
        accuracy = Meter.accuracy.in_(standards.PRECISE_METERS)
        parts.append(
            (accuracy if precise else ~accuracy)
            & (
                (Meter.verified_on <= last_by)
                | (Meter.verified_on.is_(None) & (Meter.installed_on <= last_by))
            )
        )
    return or_(*parts)


def rotation_dues(meters, today: date) -> dict[int, date | None]:
    """Each meter's rotation due date under today's standards (one query for them)."""
    rules = standards_on(today)
    return {
        meter.id: standards.rotation_due(
            meter.verified_on, meter.installed_on, meter.accuracy, rules
        )
        for meter in meters
    }


def meter_page(filters: MeterFilters, *, page: int, per_page: int, limit: int) -> Page:
    query = (
        select(Meter, MeteringPoint.code, Customer.account_no, Customer.name)
        .join(MeteringPoint, Meter.metering_point_id == MeteringPoint.id)
        .join(Customer, MeteringPoint.customer_id == Customer.id)
        .order_by(*sort_order(METER_SORTS, filters.sort, "asset_no"))
    )
    if filters.q:
        query = query.where(starts_with(Meter.asset_no, filters.q))
    if filters.verified_from:
        query = query.where(Meter.verified_on >= filters.verified_from)
    if filters.verified_to:
        query = query.where(Meter.verified_on <= filters.verified_to)
    if filters.rotation_due_by:
        query = query.where(_rotation_due_by(filters.rotation_due_by))
    return paginate(query, page=page, per_page=per_page, limit=limit, scalars=False)


@dataclass
class HistoryEntry:
    change_set_id: int
    occurred_at: object
    actor: str | None
    source: str
    reason: str
    changes: list[history_display.ShownChange] = field(default_factory=list)


def history(
    *,
    customer_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    page: int,
    per_page: int,
    limit: int,
) -> Page:
    """Changes grouped by change set, newest first, for a customer or one object."""
    query = (
        select(ArchiveChange, ChangeSet, User.display_name)
        .join(ChangeSet, ArchiveChange.change_set_id == ChangeSet.id)
        .outerjoin(User, ChangeSet.actor_id == User.id)
        .order_by(ArchiveChange.id.desc())
    )
    if customer_id is not None:
        query = query.where(ArchiveChange.customer_id == customer_id)
    if object_type is not None:
        query = query.where(
            ArchiveChange.object_type == object_type, ArchiveChange.object_id == object_id
        )
    rows = paginate(query, page=page, per_page=per_page, limit=limit, scalars=False)
    names = history_display.Names(change for change, _set, _actor in rows.items)
    entries: list[HistoryEntry] = []
    for change, change_set, actor in rows.items:
        if not entries or entries[-1].change_set_id != change_set.id:
            entries.append(
                HistoryEntry(
                    change_set.id,
                    change_set.occurred_at,
                    actor,
                    history_display.source_label(change_set.source),
                    history_display.reason_text(change_set.reason),
                )
            )
        entries[-1].changes.extend(history_display.shown_changes([change], names))
    entries = [entry for entry in entries if entry.changes]  # only bookkeeping changed
    return Page(entries, rows.page, rows.per_page, rows.total, rows.is_capped)


def recent_customers_changed_by(user_id: int, *, limit: int) -> list[tuple[Customer, object]]:
    """The customers this user changed last, newest first, with when."""
    latest = (
        select(ArchiveChange.customer_id, func.max(ChangeSet.occurred_at).label("at"))
        .join(ChangeSet, ArchiveChange.change_set_id == ChangeSet.id)
        .where(ChangeSet.actor_id == user_id, ArchiveChange.customer_id.is_not(None))
        .group_by(ArchiveChange.customer_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Customer, latest.c.at)
        .join(latest, latest.c.customer_id == Customer.id)
        .order_by(latest.c.at.desc())
        .limit(limit)
    )
    return list(rows)


def import_batches(*, page: int, per_page: int, limit: int) -> Page:
    query = (
        select(ImportBatch, User.display_name)
        .outerjoin(User, ImportBatch.actor_id == User.id)
        .order_by(ImportBatch.id.desc())
    )
    return paginate(query, page=page, per_page=per_page, limit=limit, scalars=False)


def customers_touched(customer: Customer | None, record) -> list[int]:
    """The customers whose checks a saved record can change: its own customer, or the
    customers a public transformer supplies."""
    if customer is not None:
        return [customer.id]
    if isinstance(record, Transformer) and record.customer_id is None:
        return list(
            db.session.scalars(
                select(Customer.id).where(Customer.supply_transformer_id == record.id)
            )
        )
    return []
