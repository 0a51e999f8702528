"""`flask calendar`: the working-day calendar from the shell."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from utilitycrm.core.dates import local_today
from utilitycrm.deadlines.alerts import open_alerts, public_urls
from utilitycrm.deadlines.alerts import send as send_alerts
from utilitycrm.deadlines.calendar import WorkCalendar


class _Date(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DATE = _Date()


@click.group("calendar")
def calendar_cli() -> None:
    """The working-day calendar (statutory holidays, 调休, administrators' overrides)."""


def _warn_if_uncertain(uncertain: bool) -> None:
    if uncertain:
        click.echo(
            "warning: the date runs through a year whose holidays are not known yet; "
            "counted on weekends only (an administrator adds the year's holidays).",
            err=True,
        )


@calendar_cli.command("add-workdays")
@click.argument("day", type=DATE)
@click.argument("count", type=click.IntRange(0, 500))
def add_workdays(day: date, count: int) -> None:
    """The COUNT-th working day after DAY (DAY is day 0)."""
    result = WorkCalendar.load().add_workdays(day, count)
    click.echo(result.day.isoformat())
    _warn_if_uncertain(result.uncertain)


@calendar_cli.command("is-workday")
@click.argument("day", type=DATE)
def is_workday(day: date) -> None:
    """Print yes or no."""
    work_calendar = WorkCalendar.load()
    click.echo("yes" if work_calendar.is_workday(day) else "no")
    _warn_if_uncertain(not work_calendar.is_known(day.year))


def alerts_command(kinds: tuple[str, ...] | None, help_text: str) -> click.Command:
    """`alerts [--send]` over the deadlines of some kinds (all when None): the one
    implementation behind each package's alerts command (the schedule sends them as
    jobs: deadlines.jobs)."""

    @click.command("alerts", help=help_text)
    @click.option("--send", is_flag=True, help="Mail each responsible person what is new.")
    @with_appcontext
    def command(send: bool) -> None:
        with public_urls():
            _run(send)

    def _run(send: bool) -> None:
        today = local_today()
        alerts = open_alerts(today, kinds=kinds)
        for alert in alerts:
            deadline = alert.deadline
            click.echo(
                "\t".join(
                    [
                        alert.level.value,
                        deadline.due_on.isoformat() if deadline.due_on else "",
                        deadline.owner.username if deadline.owner else "-",
                        alert.described.title,
                        alert.described.subject,
                    ]
                )
                + ("\t(calendar not confirmed)" if deadline.is_uncertain else "")
            )
        if not send:
            click.echo(f"{len(alerts)} alerts", err=True)
            return
        report = send_alerts(alerts, today)
        click.echo(f"{report.mailed} mails with {report.alerts} alerts sent", err=True)
        for username in report.skipped_no_address:
            click.echo(f"warning: {username} has no e-mail address", err=True)
        if report.failed:
            raise click.ClickException("mail failed for " + ", ".join(report.failed))

    return command
