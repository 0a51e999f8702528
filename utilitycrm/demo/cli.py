"""`flask demo seed`: the demo users and a realistic, deterministic demo utility."""

from __future__ import annotations

import time

import click

from utilitycrm.core.database import refresh_statistics
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.demo import seeding
from utilitycrm.demo.accounts import seed_key_account_work
from utilitycrm.demo.contracts import seed_contracts
from utilitycrm.demo.findings import seed_findings
from utilitycrm.demo.projects import seed_projects
from utilitycrm.demo.readings import seed_readings


@click.group()
def demo() -> None:
    """Demo data."""


@demo.command("seed")
@click.option("--customers", default=3000, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option(
    "--seed",
    "seed_value",
    default=1,
    show_default=True,
    type=int,
    help="The same seed gives the same utility.",
)
@click.option(
    "--faults",
    default=0.25,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of key accounts given an archive error, for inspectors to find.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users already.")
def seed(customers: int, seed_value: int, faults: float, if_empty: bool) -> None:
    """Build the demo utility; refuses to touch a database that has data already."""
    if not seeding.database_is_empty():
        if if_empty:
            click.echo("The database has data already; demo seeding skipped.")
            return
        raise click.ClickException("The database has data already; seed an empty database.")
    started = time.monotonic()
    report = seeding.seed(customers=customers, seed=seed_value, fault_rate=faults)
    db.session.commit()
    contracts = seed_contracts(local_today(), misrecorded=faults > 0)
    key_accounts = seed_key_account_work(local_today(), seed_value)
    loss_months = seed_readings(local_today(), seed_value)
    projects = seed_projects(local_today())
    db.session.commit()
    assigned = seed_findings(local_today())
    refresh_statistics(db.session.connection())
    db.session.commit()
    click.echo(f"Demo utility seeded in {time.monotonic() - started:.1f} s:")
    for table, count in report.counts.items():
        click.echo(f"  {table:<24} {count:>9,}")
    click.echo(f"  {'injected faults':<24} {report.faults:>9,}")
    click.echo(f"  {'supply contracts':<24} {contracts:>9,}")
    click.echo(f"  {'key accounts':<24} {key_accounts:>9,}")
    click.echo(f"  {'line-loss months':<24} {loss_months:>9,}")
    click.echo(f"  {'expansion projects':<24} {projects:>9,}")
    click.echo(f"  {'findings assigned':<24} {assigned:>9,}")
    click.echo(f"Demo users (password: {seeding.DEMO_PASSWORD}):")
    for user in report.users:
        click.echo(f"  {user.username:<10} {user.role}")
