"""Geometry of the server-rendered SVG pictures: a project's timeline, a manager's
portfolio and the monthly chart. Pure functions; templates only draw what they compute."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from utilitycrm.deadlines.models import Deadline
from utilitycrm.projects import chains
from utilitycrm.projects.models import Project
from utilitycrm.projects.queries import MonthFigures, WorkItem
from utilitycrm.projects.types import StageStatus

LABEL_WIDTH = 230
PLOT_WIDTH = 640
ROW_HEIGHT = 26
TOP = 24


@dataclass(frozen=True)
class Span:
    x: float
    width: float


@dataclass
class Row:
    label: str
    y: float
    actual: Span | None = None
    limit: Span | None = None  # the clock's start to its due day
    late: bool = False
    running: bool = False
    pauses: list[Span] = field(default_factory=list)
    url: str | None = None
    note: str = ""


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Picture:
    width: int
    height: int
    rows: list[Row]
    ticks: list[Tick]
    today_x: float | None
    plot_left: int = LABEL_WIDTH
    plot_top: int = TOP


class _Scale:
    def __init__(self, start: date, end: date) -> None:
        self.start = start
        self.days = max((end - start).days, 1)

    def x(self, day: date) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (day - self.start).days / self.days

    def span(self, start: date, end: date) -> Span:
        left = self.x(start)
        return Span(left, max(self.x(end) - left, 2.0))

    def ticks(self) -> list[Tick]:
        step = max(1, self.days // 8)
        return [
            Tick(self.x(self.start + timedelta(days=d)),
                 (self.start + timedelta(days=d)).strftime("%m-%d"))
            for d in range(0, self.days + 1, step)
        ]  # fmt: skip


def timeline(project: Project, clocks: dict[str, Deadline], today: date) -> Picture:
    """Each stage: its actual span; for timed stages, the clock's limit behind it and the
    customer's pauses shaded."""
    end_day = project.completed_on or project.cancelled_on or today
    days = [end_day, today, project.accepted_on + timedelta(days=7)]
    # The stage clocks set the scale; the plan's validity runs a year and would flatten it.
    days += [c.due_on for k, c in clocks.items() if c.due_on and k != chains.PLAN_VALIDITY]
    scale = _Scale(project.accepted_on, max(days) + timedelta(days=1))
    rows = []
    for index, stage in enumerate(project.stages):
        definition = chains.stage_def(project.type_enum, project.voltage_kv, stage.code)
        row = Row(str(definition.label), TOP + index * ROW_HEIGHT)
        if stage.started_on:
            finish = stage.finished_on or end_day
            row.actual = scale.span(stage.started_on, finish)
            row.running = stage.status == StageStatus.RUNNING.value
        clock = clocks.get(definition.clock) if definition.clock else None
        if clock is not None and clock.due_on is not None:
            row.limit = scale.span(clock.starts_on, clock.due_on)
            row.late = (stage.finished_on or today) > clock.due_on and stage.started_on is not None
        if clock is not None:
            row.pauses = [scale.span(p.starts_on, p.ends_on or end_day) for p in clock.pauses]
            row.note = "; ".join(p.note for p in clock.pauses)
        rows.append(row)
    return Picture(
        LABEL_WIDTH + PLOT_WIDTH + 20,
        TOP + len(rows) * ROW_HEIGHT + 10,
        rows,
        scale.ticks(),
        scale.x(today) if project.is_active else None,
    )


def portfolio(items: list[WorkItem], today: date, url_for_project) -> Picture:
    """A manager's projects in progress: acceptance to today, the running clock's limit."""
    if not items:
        return Picture(LABEL_WIDTH + PLOT_WIDTH + 20, TOP, [], [], None)
    start = min(i.project.accepted_on for i in items)
    dues = [i.clock.due_on for i in items if i.clock and i.clock.due_on]
    scale = _Scale(start, max([today, *dues]) + timedelta(days=1))
    rows = []
    for index, item in enumerate(items):
        project = item.project
        row = Row(
            f"{project.number} {project.customer.name}"[:28],
            TOP + index * ROW_HEIGHT,
            actual=scale.span(project.accepted_on, today),
            url=url_for_project(project),
            running=True,
        )
        if item.clock is not None and item.clock.due_on is not None:
            row.limit = scale.span(item.clock.starts_on, item.clock.due_on)
            row.late = item.clock.due_on < today
        rows.append(row)
    return Picture(
        LABEL_WIDTH + PLOT_WIDTH + 20,
        TOP + len(rows) * ROW_HEIGHT + 10,
        rows,
        scale.ticks(),
        scale.x(today),
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass
class Chart:
    """On-time rate (bars, left axis) and average working days against the target
    (points and a dashed line, right axis), per month, for one group of types."""

    width: int
    height: int
    bars: list[Bar]
    used: list[Point]
    target: list[Point]
    months: list[Tick]
    max_days: int
    top: int = 20
    bottom: int = 170
    left: int = 40
    right: int = 600


def monthly_chart(months: list[MonthFigures]) -> Chart:
    chart = Chart(660, 200, [], [], [], [], 1)
    if not months:
        return chart
    slot = (chart.right - chart.left) / len(months)
    span = chart.bottom - chart.top
    values = [m.average_used or 0 for m in months] + [m.average_target or 0 for m in months]
    chart.max_days = max(5, int(max(values) + 0.999))
    for index, month in enumerate(months):
        centre = chart.left + slot * (index + 0.5)
        chart.months.append(Tick(centre, month.month[2:]))
        if month.on_time_rate is not None:
            height = span * month.on_time_rate
            chart.bars.append(
                Bar(centre - slot * 0.3, chart.bottom - height, slot * 0.6, height,
                    f"{month.on_time_rate:.0%}")
            )  # fmt: skip
        if month.average_used is not None:
            chart.used.append(
                Point(centre, chart.bottom - span * month.average_used / chart.max_days)
            )
            chart.target.append(
                Point(centre, chart.bottom - span * month.average_target / chart.max_days)
            )
    return chart
