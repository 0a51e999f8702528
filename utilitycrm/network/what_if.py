"""What a line's abnormal loss points at in the archive, and what correcting it would do.

A negative loss on one line and a high one on its neighbour classically mean a customer
recorded on the wrong line, or a multiplier that scales its bills. The open findings of
the topology and metering rules on the line are listed beside its loss; those that move
energy become what-if rows: the customer moved to the line the network traces it to, or
billed with CT × PT, and both lines' rates recomputed from the month's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.core.extensions import db
from utilitycrm.network.losses import rate_of
from utilitycrm.network.models import LossResult
from utilitycrm.network.types import LossKind
from utilitycrm.validation.models import Finding, FindingStatus
from utilitycrm.validation.registry import Family

# Rules whose finding names the line the network traces the customer to (traced_line_id).
MOVES = ("topology.line_mismatch", "topology.line_name_format")
MULTIPLIER = "metering.multiplier"
OPEN = (FindingStatus.OPEN, FindingStatus.RECTIFYING)
# The findings on the line shown beside its loss: its own loss finding among them.
FAMILIES = [Family.LINE_LOSS.value, Family.TOPOLOGY.value, Family.METERING.value]
RELATED_LIMIT = 50


@dataclass(frozen=True)
class Correction:
    """One finding's correction and its effect on the month's figures."""

    finding: Finding
    customer: Customer
    kwh: int  # the customer's energy in the month, as billed
    change_here: int  # to this line's sold energy
    rate_here: float | None
    other_line: FeederLine | None = None  # the line the energy moves to or from
    change_other: int = 0
    rate_other: float | None = None
    multiplier: tuple[float, float] | None = None  # recorded, CT × PT


@dataclass
class WhatIf:
    result: LossResult
    related: list[Finding] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)

    @property
    def rate_all(self) -> float | None:
        """This line's rate once every correction is made."""
        change = sum(c.change_here for c in self.corrections)
        return rate_of(self.result.supplied_kwh, self.result.sold_kwh + change)


def related_findings(line_id: int, limit: int = RELATED_LIMIT) -> list[Finding]:
    """Open line-loss, topology and metering findings on the line (its customers' are on
    their recorded line), and those of customers the network traces to it from another
    line (or from none)."""
    traced_here = Finding.params["traced_line_id"].as_integer() == line_id
    return list(
        db.session.scalars(
            select(Finding)
            .options(joinedload(Finding.customer), joinedload(Finding.line))
            .where(
                Finding.status.in_(OPEN),
                or_(
                    (Finding.line_id == line_id) & Finding.family.in_(FAMILIES),
                    Finding.rule_id.in_(MOVES) & traced_here,
                ),
            )
            .order_by(Finding.severity, Finding.rule_id, Finding.id)
            .limit(limit)
        ).unique()
    )


def what_if(result: LossResult) -> WhatIf:
    """The line's related findings and the corrections among them, for its month."""
    assert result.kind is LossKind.LINE
    line_id, month = result.line_id, result.month
    related = related_findings(line_id)
    sales = _sales({f.customer_id for f in related if f.customer_id}, month)
    movers = [f for f in related if f.rule_id in MOVES and f.customer_id in sales]
    others = {_other_line(f, line_id) for f in movers} - {None}
    other_results = _line_results(others, month)
    lines = {line.id: line for line in db.session.scalars(
        select(FeederLine).where(FeederLine.id.in_(others)))}  # fmt: skip
    corrections, seen = [], set()
    for finding in related:
        kwh = sales.get(finding.customer_id)
        # A customer moves (or is rescaled) once, however many transformers found it.
        if not kwh or (finding.customer_id, finding.rule_id in MOVES) in seen:
            continue
        seen.add((finding.customer_id, finding.rule_id in MOVES))
        if finding.rule_id in MOVES:
            corrections.append(_move(result, finding, kwh, lines, other_results))
        elif finding.rule_id == MULTIPLIER:
            corrections.append(_rescale(result, finding, kwh))
    return WhatIf(result, related, [c for c in corrections if c is not None])


def _other_line(finding: Finding, line_id: int) -> int | None:
    traced = finding.params.get("traced_line_id")
    return finding.line_id if traced == line_id else traced


def _move(result, finding, kwh, lines, other_results) -> Correction | None:
    """Out of this line to the traced one, or into this line from where it is recorded."""
    traced = finding.params.get("traced_line_id")
    if traced is None or traced == finding.line_id:
        return None
    if finding.customer.supply_transformer_id is not None:
        return None  # a 台区's customer: its energy counts through the 台区's meter
    into_here = traced == result.line_id
    other_id = finding.line_id if into_here else traced
    here = kwh if into_here else -kwh
    other = other_results.get(other_id)
    return Correction(
        finding,
        finding.customer,
        kwh,
        here,
        rate_of(result.supplied_kwh, result.sold_kwh + here),
        lines.get(other_id),
        -here,
        rate_of(other.supplied_kwh, other.sold_kwh - here) if other is not None else None,
    )


def _rescale(result, finding, kwh) -> Correction | None:
    recorded, expected = finding.params.get("recorded"), finding.params.get("expected")
    if not recorded or not expected:
        return None
    corrected = round(kwh * float(expected) / float(recorded))
    change = corrected - kwh
    return Correction(
        finding,
        finding.customer,
        kwh,
        change,
        rate_of(result.supplied_kwh, result.sold_kwh + change),
        multiplier=(float(recorded), float(expected)),
    )


def _sales(customer_ids: set[int], month: date) -> dict[int, int]:
    if not customer_ids:
        return {}
    return dict(
        db.session.execute(
            select(MonthlyConsumption.customer_id, MonthlyConsumption.kwh).where(
                MonthlyConsumption.month == month,
                MonthlyConsumption.customer_id.in_(sorted(customer_ids)),
            )
        ).all()
    )


def _line_results(line_ids: set[int], month: date) -> dict[int, LossResult]:
    if not line_ids:
        return {}
    return {
        r.line_id: r
        for r in db.session.scalars(
            select(LossResult).where(
                LossResult.kind == LossKind.LINE,
                LossResult.month == month,
                LossResult.line_id.in_(sorted(line_ids)),
            )
        )
    }
