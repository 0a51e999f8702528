"""`flask accounts`: classification, the daily plan (visits, documents, escalation) and
the alerts of key-account work from the shell (the schedule runs them as jobs)."""

from __future__ import annotations

import click

from utilitycrm.accounts import complaints, daily, documents, visits
from utilitycrm.core.dates import local_now, local_today
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.cli import alerts_command


@click.group("accounts")
def accounts_cli() -> None:
    """Key-account relationship work (大客户)."""


@accounts_cli.command("classify")
@click.option("--dry-run", is_flag=True, help="Show the changes, save nothing.")
def classify(dry_run: bool) -> None:
    """Value classes A/B/C of every key account from its last twelve months."""
    changes, counts = daily.run_classification(local_today(), dry_run=dry_run)
    for change in changes:
        click.echo(f"{change.account_no} {change.name}: {change.old or '-'} → {change.new}")
    summary = ", ".join(f"{key} {value}" for key, value in counts.items())
    click.echo(f"{len(changes)} class change(s); {summary}" + (" (dry run)" if dry_run else ""))
    if not dry_run:
        db.session.commit()


@accounts_cli.command("daily")
def daily_command() -> None:
    """Visit plans, document reminders and complaint escalation brought up to date."""
    done = daily.run_daily(local_today(), local_now())
    db.session.commit()
    click.echo(
        f"visit plans changed: {done['visit_plans_changed']}; document reminders changed: "
        f"{done['document_reminders_changed']}; complaints escalated: "
        f"{done['complaints_escalated']}"
    )


accounts_cli.add_command(
    alerts_command(
        (visits.VISIT, visits.FOLLOW_UP, complaints.KIND, documents.KIND),
        "Visits, follow-ups, complaint time limits and expiring documents; --send mails "
        "each owner once per deadline and threshold.",
    )
)
