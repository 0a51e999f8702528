"""A line's loss trend: one bar a month (12 months), above or below zero, with its band's
limits drawn across. Pure geometry; the template draws it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from utilitycrm.core.dates import add_months
from utilitycrm.network.models import LossResult

WIDTH, HEIGHT = 760, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 740, 12, 172


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: str
    percent: str
    abnormal: bool


@dataclass(frozen=True)
class Trend:
    bars: list[Bar]
    labels: list[tuple[float, str]]
    zero_y: float
    limits: list[tuple[float, str]]  # y and label of each band limit
    zero_label: bool  # "0" drawn only where no limit's label would cover it
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT


def trend(
    rows: list[LossResult], month: date, limits: tuple[float, float], months: int = 12
) -> Trend:
    """`limits` are the band's (negative, high) as shares."""
    negative, high = limits
    rates = [row.rate for row in rows if row.rate is not None]
    top = max([*rates, high * 1.25, 0.01])
    bottom = min([*rates, -negative * 2, 0.0])
    span = top - bottom

    def y(rate: float) -> float:
        return round(TOP + (BOTTOM - TOP) * (top - rate) / span, 1)

    slots = [add_months(month, -months + 1 + i) for i in range(months)]
    by_month = {row.month: row for row in rows}
    step = (RIGHT - LEFT) / months
    bars, labels = [], []
    for index, slot in enumerate(slots):
        x = LEFT + index * step
        labels.append((round(x + step / 2, 1), slot.strftime("%m")))
        row = by_month.get(slot)
        if row is None or row.rate is None:
            continue
        upper, lower = y(max(row.rate, 0.0)), y(min(row.rate, 0.0))
        bars.append(Bar(round(x + 4, 1), upper, round(step - 8, 1), round(max(lower - upper, 1), 1),
                        slot.strftime("%Y-%m"), f"{100 * row.rate:.1f}",
                        row.band.is_abnormal))  # fmt: skip
    limit_lines = [(y(high), f"{100 * high:.0f}%"), (y(-negative), f"−{100 * negative:.0f}%")]
    clear = all(abs(y(0.0) - limit_y) > 10 for limit_y, _label in limit_lines)
    return Trend(bars, labels, y(0.0), limit_lines, clear)
