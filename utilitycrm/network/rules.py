"""The loss-band rules of the validation engine: a line or 台区 whose latest computed month
lies outside its band is a finding, which the line-loss page ties to the archive's
errors. They judge the kept results (`losses.compute`), read once a part of a run for
the part's lines and 台区, so a run cut into parts finds what one process finds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.core.extensions import db
from utilitycrm.network.losses import Limits, latest_month
from utilitycrm.network.models import LossComputation, LossResult
from utilitycrm.network.types import Band, LossKind
from utilitycrm.validation import facts
from utilitycrm.validation.registry import Family, Hit, Severity, rule
from utilitycrm.validation.rules import refs
from utilitycrm.validation.snapshot import register_network_reader

READER = "network.losses"


@dataclass(frozen=True)
class Loss:
    line_id: int | None
    transformer_id: int | None
    supplied_kwh: int
    sold_kwh: int
    rate: float
    band: str


@dataclass(frozen=True)
class MonthLosses:
    month: date | None = None
    limits: Limits | None = None
    lines: list[Loss] = field(default_factory=list)
    areas: list[Loss] = field(default_factory=list)


def read_losses(network: facts.Network, today: date) -> MonthLosses:
    """The abnormal results of the latest month computed before today's, of the lines
    the network's nodes lie on and of its public transformers."""
    month = latest_month(today)
    if month is None:
        return MonthLosses()
    lines = {node.line_id for node in network.nodes.values() if node.line_id is not None}
    areas = {t.id for t in network.transformers.values() if t.is_public}
    found = MonthLosses(month, Limits(**db.session.get(LossComputation, month).limits))
    for kind, line_id, transformer_id, supplied, sold, rate, band in db.session.execute(
        select(LossResult.kind, LossResult.line_id, LossResult.transformer_id,
               LossResult.supplied_kwh, LossResult.sold_kwh, LossResult.rate, LossResult.band)
        .where(LossResult.month == month, LossResult.band.in_([Band.NEGATIVE, Band.HIGH]))
        .order_by(LossResult.id)
    ):  # fmt: skip
        loss = Loss(line_id, transformer_id, supplied, sold, rate, band.value)
        if kind is LossKind.LINE and loss.line_id in lines:
            found.lines.append(loss)
        elif kind is LossKind.AREA and loss.transformer_id in areas:
            found.areas.append(loss)
    return found


register_network_reader(READER, read_losses)


def _percent(share: float) -> str:
    return f"{100 * share:.1f}".replace("-", "−")


def _params(losses: MonthLosses, loss: Loss, kind: LossKind) -> dict:
    limits = losses.limits
    limit = -limits.negative if loss.band == Band.NEGATIVE.value else limits.high(kind)
    return {
        "month": losses.month.isoformat()[:7],
        "rate": _percent(loss.rate),
        "limit": _percent(limit),
        "supplied": f"{loss.supplied_kwh:,}",
        "sold": f"{loss.sold_kwh:,}",
    }


@rule(
    "line_loss.line",
    family=Family.LINE_LOSS,
    severity=Severity.WARNING,
    title=_l("Line loss outside its band"),
    messages={
        "negative": _l(
            "Line %(line)s lost %(rate)s%% in %(month)s (supplied %(supplied)s kWh, sold "
            "%(sold)s kWh), at or below %(limit)s%%: the archive puts more on the line than it "
            "supplies, as when a customer of another line is recorded on it or a multiplier "
            "is too high."
        ),
        "high": _l(
            "Line %(line)s lost %(rate)s%% in %(month)s (supplied %(supplied)s kWh, sold "
            "%(sold)s kWh), at or above %(limit)s%%: a customer it feeds may be recorded on "
            "another line or none, or billed with a multiplier too low."
        ),
    },
    scope="network",
    why=_l(
        "同期线损 compares the line's head meter with what the archive sells on it; outside the band (−1% and 10% by default) the cause is usually the archive: wrong customer–line relations or multipliers."
    ),
)
def line_band(snap: facts.Snapshot) -> Iterator[Hit]:
    losses: MonthLosses = snap.network.extras.get(READER, MonthLosses())
    for loss in losses.lines:
        line = snap.network.lines[loss.line_id]
        yield Hit(
            (refs.line(line),),
            line_id=line.id,
            key=loss.band,
            params={"line": line.name, **_params(losses, loss, LossKind.LINE)},
        )


@rule(
    "line_loss.area",
    family=Family.LINE_LOSS,
    severity=Severity.WARNING,
    title=_l("台区 loss outside its band"),
    messages={
        "negative": _l(
            "台区 %(transformer)s lost %(rate)s%% in %(month)s (supplied %(supplied)s kWh, sold "
            "%(sold)s kWh), at or below %(limit)s%%: customers of another 台区 may be "
            "recorded on this transformer."
        ),
        "high": _l(
            "台区 %(transformer)s lost %(rate)s%% in %(month)s (supplied %(supplied)s kWh, sold "
            "%(sold)s kWh), at or above %(limit)s%%: customers it supplies may be recorded on "
            "another transformer, or energy is lost or stolen."
        ),
    },
    scope="network",
    why=_l(
        "A 台区's meter against the sales of the low-voltage customers on it; outside the band (−1% and 6% by default) the 户变 relations are the first suspect."
    ),
)
def area_band(snap: facts.Snapshot) -> Iterator[Hit]:
    losses: MonthLosses = snap.network.extras.get(READER, MonthLosses())
    for loss in losses.areas:
        transformer = snap.network.transformers[loss.transformer_id]
        line = snap.network.lines.get(loss.line_id)
        # The 台区's line is named too: a run of that line's customers judges it as well.
        yield Hit(
            (refs.transformer(transformer), *((refs.line(line),) if line else ())),
            line_id=loss.line_id,
            key=loss.band,
            params={"transformer": transformer.code, **_params(losses, loss, LossKind.AREA)},
        )
