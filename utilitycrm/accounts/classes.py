"""Value classes A/B/C from the last twelve months: energy, revenue and growth.

Each measure is turned into a percentile rank among the key accounts (ties share their
rank), the ranks are weighted into a score, and the best scores take A and B by the
configured shares; customers tied at a cut-off all take the better class. A key account
with no consumption in the last twelve months is C: there is nothing to rank it by.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.enums import CustomerStatus, ValueClass
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import Customer
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db

CHUNK = 900
CLASSIFICATION_REASON = "value classification"  # a code: the history reads it in words


@dataclass(frozen=True)
class Figures:
    customer_id: int
    kwh: int  # the last twelve months
    revenue: Decimal
    prior_kwh: int  # the twelve months before

    @property
    def growth(self) -> float:
        """Year-on-year change of energy; 0 when there is no year before to compare."""
        return (self.kwh - self.prior_kwh) / self.prior_kwh if self.prior_kwh else 0.0

    @property
    def has_data(self) -> bool:
        return self.kwh > 0 or self.revenue > 0


def percentile_ranks(values: Mapping[int, float]) -> dict[int, float]:
    """0 for the lowest, 1 for the highest; equal values get the mean of their ranks."""
    ordered = sorted(values.items(), key=lambda item: item[1])
    n = len(ordered)
    ranks: dict[int, float] = {}
    start = 0
    while start < n:
        end = start
        while end + 1 < n and ordered[end + 1][1] == ordered[start][1]:
            end += 1
        rank = ((start + end) / 2) / (n - 1) if n > 1 else 1.0
        for key, _value in ordered[start : end + 1]:
            ranks[key] = rank
        start = end + 1
    return ranks


def scores(figures: Sequence[Figures], weights: Mapping[str, float]) -> dict[int, float]:
    ranked = [f for f in figures if f.has_data]
    measures = {
        "consumption": percentile_ranks({f.customer_id: f.kwh for f in ranked}),
        "revenue": percentile_ranks({f.customer_id: float(f.revenue) for f in ranked}),
        "growth": percentile_ranks({f.customer_id: f.growth for f in ranked}),
    }
    total = sum(weights.values()) or 1.0
    return {
        f.customer_id: sum(weights[m] * measures[m][f.customer_id] for m in measures) / total
        for f in ranked
    }


def assign(
    customer_ids: Sequence[int], score_of: Mapping[int, float], shares: Mapping[str, float]
) -> dict[int, ValueClass]:
    """A for the best `shares["A"]` of the ranked customers, B for the next `shares["B"]`."""
    ordered = sorted(score_of.values(), reverse=True)
    classes = {customer_id: ValueClass.C for customer_id in customer_ids}
    if not ordered:
        return classes
    a_count = math.ceil(len(ordered) * shares["A"])
    b_count = math.ceil(len(ordered) * (shares["A"] + shares["B"]))
    a_floor = ordered[a_count - 1] if a_count else math.inf
    b_floor = ordered[b_count - 1] if b_count else math.inf
    for customer_id, score in score_of.items():
        if score >= a_floor:
            classes[customer_id] = ValueClass.A
        elif score >= b_floor:
            classes[customer_id] = ValueClass.B
    return classes


def key_account_ids() -> list[int]:
    """Customers in an account manager's portfolio that are supplied."""
    return list(
        db.session.scalars(
            select(Customer.id)
            .where(
                Customer.account_manager_id.is_not(None),
                Customer.status.in_([CustomerStatus.ACTIVE.value, CustomerStatus.SUSPENDED.value]),
            )
            .order_by(Customer.id)
        )
    )


def load_figures(customer_ids: Sequence[int], today: date) -> list[Figures]:
    """The two twelve-month periods before the current month, one grouped query per chunk."""
    this_month = today.replace(day=1)
    year_ago, two_years_ago = add_months(this_month, -12), add_months(this_month, -24)
    recent = MonthlyConsumption.month >= year_ago
    found = {}
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start : start + CHUNK]
        for customer_id, kwh, revenue, prior in db.session.execute(
            select(
                MonthlyConsumption.customer_id,
                func.sum(case((recent, MonthlyConsumption.kwh), else_=0)),
                func.sum(case((recent, MonthlyConsumption.amount_yuan), else_=0)),
                func.sum(case((recent, 0), else_=MonthlyConsumption.kwh)),
            )
            .where(
                MonthlyConsumption.customer_id.in_(chunk),
                MonthlyConsumption.month >= two_years_ago,
                MonthlyConsumption.month < this_month,
            )
            .group_by(MonthlyConsumption.customer_id)
        ):
            found[customer_id] = Figures(
                customer_id, int(kwh or 0), Decimal(revenue or 0), int(prior or 0)
            )
    return [found.get(cid, Figures(cid, 0, Decimal(0), 0)) for cid in customer_ids]


@dataclass(frozen=True)
class Change:
    customer_id: int
    account_no: str
    name: str
    old: str | None
    new: str


def classify(today: date, *, dry_run: bool, actor=None) -> tuple[list[Change], dict[str, int]]:
    """Every key account's class; unless `dry_run`, changed classes are saved as one
    recorded change set (the archive history keeps each customer's earlier class)."""
    ids = key_account_ids()
    figures = load_figures(ids, today)
    standards = standards_on(today)
    classes = assign(ids, scores(figures, standards.value_weights), standards.value_shares)
    counts = {c.value: 0 for c in ValueClass}
    for value in classes.values():
        counts[value.value] += 1
    changes = []
    saving = (
        nullcontext()
        if dry_run
        else recording(actor, source=ChangeSource.SYSTEM, reason=CLASSIFICATION_REASON)
    )
    with saving:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for customer in db.session.scalars(select(Customer).where(Customer.id.in_(chunk))):
                new = classes[customer.id].value
                if customer.value_class != new:
                    changes.append(Change(customer.id, customer.account_no, customer.name,
                                          customer.value_class, new))  # fmt: skip
                    if not dry_run:
                        customer.value_class = new
            if not dry_run:
                db.session.flush()
    return changes, counts
