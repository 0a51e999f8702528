"""The few figures each role watches, at the top of its home page: expansion projects
finished on time, open findings, the archive's topology accuracy, and a small chart of how
one of them went lately. Each is one aggregate query; none counts rows one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db
from utilitycrm.projects import queries as project_queries
from utilitycrm.validation import queries as validation_queries
from utilitycrm.validation.models import RunStatus, ValidationRun
from utilitycrm.validation.reports import latest_full_run

TREND_RUNS = 8


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    hint: str
    url: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # 0..1; None: nothing to measure that month


@dataclass(frozen=True)
class Trend:
    title: str
    bars: list[Bar]


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _on_time(today: date, manager_id: int | None) -> tuple[Figure, Trend]:
    """Projects completed in the last twelve months, and the share on time, by month."""
    start = add_months(today.replace(day=1), -11)
    figures = project_queries.monthly(start, today, manager_id=manager_id)
    months = list(zip(*figures.values(), strict=True))
    completed = sum(month.completed for group in months for month in group)
    on_time = sum(month.on_time for group in months for month in group)
    bars = []
    for group in months:
        done = sum(month.completed for month in group)
        ok = sum(month.on_time for month in group)
        bars.append(Bar(group[0].month[5:], ok / done if done else None))
    figure = Figure(
        "on-time",
        _("Projects on time"),
        _percent(on_time / completed if completed else None),
        _(
            "%(on_time)d of %(completed)d completed in 12 months",
            on_time=on_time,
            completed=completed,
        ),
        url_for("projects.report"),
    )
    return figure, Trend(_("Projects on time, by month of completion"), bars)


def _open_findings(manager_id: int | None = None) -> Figure:
    counts = validation_queries.open_by_severity(account_manager_id=manager_id)
    return Figure(
        "open-findings",
        _("Open findings"),
        f"{sum(counts.values()):,}",
        _("%(errors)d of them errors", errors=counts.get("error", 0)),
        url_for("validation.findings", account_manager_id=manager_id),
    )


def _accuracy() -> Figure:
    run = latest_full_run()
    share = run.indicators.get("mv_accuracy") if run else None
    return Figure(
        "accuracy",
        _("Archive topology accuracy"),
        _percent(share),
        _("中压拓扑关系准确率, last full run") if run else _("No full run yet"),
        url_for("validation.run", run_id=run.id) if run else url_for("validation.runs"),
    )


def _accuracy_trend() -> Trend:
    runs = db.session.execute(
        select(ValidationRun.started_at, ValidationRun.indicators)
        .where(ValidationRun.status == RunStatus.DONE.value, ValidationRun.scope == {})
        .order_by(ValidationRun.id.desc())
        .limit(TREND_RUNS)
    ).all()
    bars = [Bar(f"{at:%m-%d}", values.get("mv_accuracy")) for at, values in reversed(runs)]
    return Trend(_("Topology accuracy of the last full runs"), bars)


def figures_for(user, today: date) -> tuple[list[Figure], Trend | None]:
    """An account manager's figures are of their own projects and customers."""
    role = user.role_enum
    if role is Role.INSPECTOR:
        return [_open_findings(), _accuracy()], _accuracy_trend()
    if role in (Role.CHIEF, Role.MARKETING, Role.ACCOUNT_MANAGER):
        own = user.id if role is Role.ACCOUNT_MANAGER else None
        on_time, trend = _on_time(today, own)
        return [on_time, _open_findings(own), _accuracy()], trend
    return [], None
