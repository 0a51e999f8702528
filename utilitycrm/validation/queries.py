"""Reading findings and runs for pages, reports and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.archive.queries import lines_named
from utilitycrm.core.extensions import db
from utilitycrm.core.search import Page, paginate, starts_with
from utilitycrm.core.sorting import Sorts, sort_order
from utilitycrm.validation.models import (
    EventAction,
    Finding,
    FindingEvent,
    FindingStatus,
    ValidationRun,
)

OPEN_STATUSES = (FindingStatus.OPEN.value, FindingStatus.RECTIFYING.value)
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class FindingFilters:
    family: str = ""
    severity: str = ""
    status: str = "current"  # open or in rectification; "" for all
    substation_id: int | None = None
    line_id: int | None = None
    line_code: str = ""
    account_manager_id: int | None = None
    assignee_id: int | None = None
    q: str = ""  # a customer's 户号 or name, from its start
    rule_id: str = ""
    customer_id: int | None = None
    account_no: str = ""  # one customer, by its 户号
    overdue_on: date | None = None  # only rectifications past their due date on that day
    sort: str = "severity"


# Each led by an indexed column (models.Finding), ending with the id.
FINDING_SORTS: Sorts = {
    "severity": (Finding.severity, Finding.rule_id, Finding.id),
    "rule": (Finding.rule_id, Finding.id),
    "status": (Finding.status, Finding.severity, Finding.id),
}


def finding_query(filters: FindingFilters) -> Select:
    query = select(Finding).options(
        selectinload(Finding.customer), selectinload(Finding.line), selectinload(Finding.assignee)
    )
    if filters.status == "current":
        query = query.where(Finding.status.in_(OPEN_STATUSES))
    elif filters.status:
        query = query.where(Finding.status == filters.status)
    if filters.q:
        query = query.where(
            Finding.customer_id.in_(
                select(Customer.id).where(
                    starts_with(Customer.account_no, filters.q)
                    | starts_with(Customer.name, filters.q)
                )
            )
        )
    if filters.family:
        query = query.where(Finding.family == filters.family)
    if filters.severity:
        query = query.where(Finding.severity == filters.severity)
    if filters.rule_id:
        query = query.where(Finding.rule_id == filters.rule_id)
    if filters.line_id:
        query = query.where(Finding.line_id == filters.line_id)
    if filters.line_code:  # the line's number or its name, as the table shows it
        query = query.where(Finding.line_id.in_(lines_named(filters.line_code)))
    if filters.substation_id:
        query = query.where(
            Finding.line_id.in_(
                select(FeederLine.id).where(FeederLine.substation_id == filters.substation_id)
            )
        )
    if filters.account_manager_id:
        query = query.where(
            Finding.customer_id.in_(
                select(Customer.id).where(Customer.account_manager_id == filters.account_manager_id)
            )
        )
    if filters.assignee_id:
        query = query.where(Finding.assignee_id == filters.assignee_id)
    if filters.customer_id:
        query = query.where(Finding.customer_id == filters.customer_id)
    if filters.account_no:
        query = query.where(
            Finding.customer_id.in_(
                select(Customer.id).where(Customer.account_no == filters.account_no)
            )
        )
    if filters.overdue_on:
        query = query.where(Finding.status.in_(OPEN_STATUSES), Finding.due_on < filters.overdue_on)
    return query.order_by(*sort_order(FINDING_SORTS, filters.sort, "severity"))


def finding_count(filters: FindingFilters, *, up_to: int) -> int:
    """How many findings the filters select, counted no further than up_to + 1."""
    selected = finding_query(filters).order_by(None).limit(up_to + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(selected))


def finding_page(filters: FindingFilters, *, page: int, per_page: int, limit: int) -> Page:
    return paginate(finding_query(filters), page=page, per_page=per_page, limit=limit)


def customer_findings(customer_id: int) -> list[Finding]:
    """The findings still open on one customer, errors first."""
    findings = db.session.scalars(
        select(Finding)
        .where(Finding.customer_id == customer_id, Finding.status.in_(OPEN_STATUSES))
        .order_by(Finding.id)
    ).all()
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.id))


def summary(filters: FindingFilters) -> dict:
    """Counts by family and severity, and by line, of the findings the filters select."""
    base = finding_query(filters).order_by(None).subquery()
    by_family = {
        (family, severity): count
        for family, severity, count in db.session.execute(
            select(base.c.family, base.c.severity, func.count()).group_by(
                base.c.family, base.c.severity
            )
        )
    }
    by_line = list(
        db.session.execute(
            select(FeederLine.name, base.c.severity, func.count())
            .join(base, base.c.line_id == FeederLine.id)
            .group_by(FeederLine.name, FeederLine.name_sort, base.c.severity)
            .order_by(FeederLine.name_sort)
        )
    )
    lines: dict[str, dict[str, int]] = {}
    for name, severity, count in by_line:
        lines.setdefault(name, {})[severity] = count
    return {"by_family": by_family, "by_line": lines}


def run_page(*, page: int, per_page: int, limit: int, include_saves: bool = False) -> Page:
    query = select(ValidationRun).order_by(ValidationRun.id.desc())
    if not include_saves:
        query = query.where(ValidationRun.trigger != "save")
    return paginate(query, page=page, per_page=per_page, limit=limit)


def run_changes(run: ValidationRun, action: EventAction, *, limit: int) -> list[Finding]:
    """Findings a run found first, found again or found gone."""
    return list(
        db.session.scalars(
            select(Finding)
            .join(FindingEvent, FindingEvent.finding_id == Finding.id)
            .where(FindingEvent.run_id == run.id, FindingEvent.action == action.value)
            .options(selectinload(Finding.customer))
            .order_by(Finding.id)
            .limit(limit)
        )
    )


def overdue_findings(today: date, *, limit: int) -> tuple[list[Finding], int]:
    """Rectifications past their due date, most overdue first, and how many there are."""
    query = finding_query(FindingFilters(overdue_on=today))
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(
        query.options(selectinload(Finding.assignee))
        .order_by(None)
        .order_by(Finding.due_on, Finding.id)
        .limit(limit)
    ).all()
    return list(items), count


def open_by_severity(*, account_manager_id: int | None = None) -> dict[str, int]:
    """Open findings by severity; of one account manager's customers when given."""
    query = (
        select(Finding.severity, func.count())
        .where(Finding.status.in_(OPEN_STATUSES))
        .group_by(Finding.severity)
    )
    if account_manager_id is not None:
        query = query.where(
            Finding.customer_id.in_(
                select(Customer.id).where(Customer.account_manager_id == account_manager_id)
            )
        )
    return dict(db.session.execute(query).all())


def open_count(customer_ids: list[int]) -> int:
    return db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.customer_id.in_(customer_ids), Finding.status.in_(OPEN_STATUSES)
        )
    )
