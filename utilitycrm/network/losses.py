"""Line losses (同期线损) of a month, for every 10 kV line and 台区 in one set-based pass.

A line's loss rate is (supplied − sold) / supplied: supplied is its head (关口) meter's
month; sold is what the archive puts on it: the month's energy of the dedicated-
transformer customers whose main source names the line, and the meters of the 台区 whose
public transformer is recorded on it. A 台区's rate compares its transformer's meter with
what the low-voltage customers on it were sold. Three aggregate queries read a month,
whatever the archive's size; the results replace the month's earlier ones.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased, joinedload

from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.enums import SourceKind
from utilitycrm.archive.models import Customer, FeederLine, NetworkNode, PowerSource, Transformer
from utilitycrm.archive.standards import Standards
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.core.database import bulk_insert, utcnow
from utilitycrm.core.dates import add_months
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.search import Page, paginate
from utilitycrm.network.models import AreaReading, LineReading, LossComputation, LossResult
from utilitycrm.network.types import Band, LossKind


@dataclass(frozen=True)
class Limits:
    """The bands of a month (domain.md §3): negative at or below −negative, high from
    high_line on a line and high_area in a 台区."""

    negative: float
    high_line: float
    high_area: float

    @classmethod
    def of(cls, standards: Standards) -> Limits:
        return cls(
            standards.loss_negative_share,
            standards.loss_high_share_line,
            standards.loss_high_share_area,
        )

    def as_dict(self) -> dict:
        return {"negative": self.negative, "high_line": self.high_line, "high_area": self.high_area}

    def high(self, kind: LossKind) -> float:
        return self.high_line if kind is LossKind.LINE else self.high_area


def rate_of(supplied: int | None, sold: int) -> float | None:
    """The loss rate; none without a positive supply to divide by."""
    if not supplied:
        return None
    return (supplied - sold) / supplied


def band_of(rate: float | None, kind: LossKind, limits: Limits) -> tuple[Band, float]:
    """The band of a rate and how far beyond it the rate lies (0 in band)."""
    if rate is None:
        return Band.NO_READING, 0.0
    if rate <= -limits.negative:
        return Band.NEGATIVE, -limits.negative - rate
    if rate >= limits.high(kind):
        return Band.HIGH, rate - limits.high(kind)
    return Band.NORMAL, 0.0


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def check_month(month: date, today: date) -> date:
    """The first of a month that is over; a month still running has no losses yet."""
    month = month.replace(day=1)
    if month >= today.replace(day=1):
        raise UtilityCRMError(
            _l("Only a month that is over has losses: %(month)s is not.",
               month=month.isoformat()[:7])
        )  # fmt: skip
    return month


# -- the month's pass ------------------------------------------------------------------


def _main_source():
    """Each customer's main source: its first, when a legacy record has two."""
    first = aliased(PowerSource)
    return (
        select(func.min(first.id))
        .where(first.customer_id == Customer.id, first.kind == SourceKind.MAIN.value)
        .scalar_subquery()
    )


def dedicated_sales(month: date) -> dict[int | None, tuple[int, int]]:
    """Line id → (kWh, customers) sold in the month to customers not on a 台区, by the line
    their main source names (None: a source naming no line, or no main source)."""
    rows = db.session.execute(
        select(PowerSource.line_id, func.sum(MonthlyConsumption.kwh), func.count())
        .select_from(MonthlyConsumption)
        .join(Customer, Customer.id == MonthlyConsumption.customer_id)
        .outerjoin(PowerSource, PowerSource.id == _main_source())
        .where(MonthlyConsumption.month == month, Customer.supply_transformer_id.is_(None))
        .group_by(PowerSource.line_id)
    )
    return {line_id: (int(kwh), count) for line_id, kwh, count in rows}


def _area_rows(month: date):
    customers = (
        select(Customer.supply_transformer_id.label("transformer_id"), func.count().label("n"))
        .where(Customer.supply_transformer_id.is_not(None))
        .group_by(Customer.supply_transformer_id)
        .subquery()
    )
    return db.session.execute(
        select(
            AreaReading.transformer_id,
            NetworkNode.line_id,
            AreaReading.supplied_kwh,
            AreaReading.sold_kwh,
            func.coalesce(customers.c.n, 0),
        )
        .join(Transformer, Transformer.id == AreaReading.transformer_id)
        .outerjoin(NetworkNode, NetworkNode.id == Transformer.node_id)
        .outerjoin(customers, customers.c.transformer_id == AreaReading.transformer_id)
        .where(AreaReading.month == month)
    )


def _result(month, kind, line_id, transformer_id, supplied, sold, counted, limits, now) -> dict:
    rate = rate_of(supplied, sold)
    band, excess = band_of(rate, kind, limits)
    return {
        "month": month,
        "kind": kind,
        "line_id": line_id,
        "transformer_id": transformer_id,
        "supplied_kwh": supplied,
        "sold_kwh": sold,
        "rate": rate,
        "band": band,
        "excess": excess,
        "counted": counted,
        "computed_at": now,
    }


def compute(month: date, *, today: date, actor_id: int | None = None) -> LossComputation:
    """Compute and keep the month's losses of every line and 台区 (the caller commits)."""
    month = check_month(month, today)
    limits = Limits.of(standards_on(month_end(month)))
    now = utcnow()
    results: list[dict] = []
    on_line: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # kWh, 台区
    for transformer_id, line_id, supplied, sold, customers in _area_rows(month):
        results.append(_result(month, LossKind.AREA, line_id, transformer_id, supplied, sold,
                               customers, limits, now))  # fmt: skip
        if line_id is not None:
            on_line[line_id][0] += supplied
            on_line[line_id][1] += 1
    dedicated = dedicated_sales(month)
    heads = dict(
        db.session.execute(
            select(LineReading.line_id, LineReading.supplied_kwh).where(LineReading.month == month)
        ).all()
    )
    for line_id in sorted((set(heads) | set(dedicated) | set(on_line)) - {None}):
        kwh, customers = dedicated.get(line_id, (0, 0))
        area_kwh, areas = on_line.get(line_id, (0, 0))
        results.append(_result(month, LossKind.LINE, line_id, None, heads.get(line_id),
                               kwh + area_kwh, customers + areas, limits, now))  # fmt: skip
    db.session.execute(delete(LossResult).where(LossResult.month == month))
    bulk_insert(db.session.connection(), LossResult.__table__, results)
    counts: dict[str, Counter] = {kind.value: Counter() for kind in LossKind}
    for row in results:
        counts[row["kind"].value][row["band"].value] += 1
    unplaced = dedicated.get(None, (0, 0))
    counts_document = {kind: dict(counter) for kind, counter in counts.items()}
    counts_document["unplaced"] = {"kwh": unplaced[0], "customers": unplaced[1]}
    computation = db.session.get(LossComputation, month) or LossComputation(month=month)
    computation.computed_at = now
    computation.actor_id = actor_id
    computation.limits = limits.as_dict()
    computation.counts = counts_document
    db.session.add(computation)
    db.session.flush()
    return computation


# -- reading back ------------------------------------------------------------------------


def computed_months(limit: int = 36) -> list[date]:
    """The months whose losses are kept, latest first."""
    return list(
        db.session.scalars(
            select(LossComputation.month).order_by(LossComputation.month.desc()).limit(limit)
        )
    )


def latest_month(before: date) -> date | None:
    """The latest month computed before `before`'s month."""
    return db.session.scalar(
        select(func.max(LossComputation.month)).where(LossComputation.month < before.replace(day=1))
    )


@dataclass(frozen=True)
class LossFilter:
    kind: LossKind = LossKind.LINE
    band: Band | None = None  # None: every band, the worst first
    abnormal: bool = False


def ranked(month: date, filters: LossFilter, *, page: int, per_page: int, limit: int) -> Page:
    """The month's lines or 台区, furthest outside their band first."""
    query = (
        select(LossResult)
        .options(
            joinedload(LossResult.line).joinedload(FeederLine.substation),
            joinedload(LossResult.transformer),
        )
        .where(LossResult.month == month, LossResult.kind == filters.kind)
        .order_by(LossResult.excess.desc(), LossResult.rate.desc(), LossResult.id)
    )
    if filters.band is not None:
        query = query.where(LossResult.band == filters.band)
    elif filters.abnormal:
        query = query.where(LossResult.band.in_([Band.NEGATIVE, Band.HIGH]))
    return paginate(query, page=page, per_page=per_page, limit=limit)


def line_result(line_id: int, month: date) -> LossResult | None:
    return db.session.scalar(
        select(LossResult).where(
            LossResult.kind == LossKind.LINE, LossResult.line_id == line_id,
            LossResult.month == month,
        )
    )  # fmt: skip


def line_trend(line_id: int, month: date, months: int = 12) -> list[LossResult]:
    """The line's results of the `months` months up to `month`, oldest first."""
    return list(
        db.session.scalars(
            select(LossResult)
            .where(
                LossResult.kind == LossKind.LINE,
                LossResult.line_id == line_id,
                LossResult.month > add_months(month, -months),
                LossResult.month <= month,
            )
            .order_by(LossResult.month)
        )
    )


def areas_of_line(line_id: int, month: date) -> list[LossResult]:
    """The 台区 recorded on the line in the month, the worst first."""
    return list(
        db.session.scalars(
            select(LossResult)
            .options(joinedload(LossResult.transformer))
            .where(
                LossResult.kind == LossKind.AREA,
                LossResult.line_id == line_id,
                LossResult.month == month,
            )
            .order_by(LossResult.excess.desc(), LossResult.rate.desc(), LossResult.id)
        )
    )
