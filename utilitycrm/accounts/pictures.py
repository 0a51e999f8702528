"""The consumption chart's geometry: a bar per month (energy), the billed amount as a
line, 24 months. Pure; the template draws what this computes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.core.dates import add_months

WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 700, 16, 180


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: str
    kwh: int
    amount: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    line: list[tuple[float, float]]
    max_kwh: int
    max_amount: str
    labels: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM


def consumption_chart(rows: list[MonthlyConsumption], today: date, months: int = 24) -> Chart:
    this_month = today.replace(day=1)
    slots = [add_months(this_month, -months + i) for i in range(months)]
    by_month = {row.month: row for row in rows}
    max_kwh = max((row.kwh for row in rows), default=0) or 1
    max_amount = max((row.amount_yuan for row in rows), default=0) or 1
    step = (RIGHT - LEFT) / months
    bars, line, labels = [], [], []
    for index, month in enumerate(slots):
        x = LEFT + index * step
        if index % 3 == 0:
            labels.append((x + step / 2, month.strftime("%Y-%m")))
        row = by_month.get(month)
        if row is None:
            continue
        height = (BOTTOM - TOP) * row.kwh / max_kwh
        bars.append(Bar(round(x + 2, 1), round(BOTTOM - height, 1), round(step - 4, 1),
                        round(height, 1), month.strftime("%Y-%m"), row.kwh,
                        f"{row.amount_yuan:,.2f}"))  # fmt: skip
        amount_y = BOTTOM - (BOTTOM - TOP) * float(row.amount_yuan / max_amount)
        line.append((round(x + step / 2, 1), round(amount_y, 1)))
    return Chart(bars, line, max_kwh if rows else 0, f"{max_amount:,.0f}" if rows else "0", labels)
