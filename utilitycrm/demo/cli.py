"""`flask demo seed`: the demo users (and, as the archive grows, the demo utility)."""

from __future__ import annotations

import click

from utilitycrm.demo import seeding
from utilitycrm.extensions import db


@click.group(help="Demo data.")
def demo() -> None:
    pass


@demo.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users already.")
def seed(if_empty: bool) -> None:
    """Create the demo users; refuses to touch a database that has users already."""
    if not seeding.database_is_empty():
        if if_empty:
            click.echo("The database has data already; demo seeding skipped.")
            return
        raise click.ClickException("The database has data already; seed an empty database.")
    users = seeding.seed_users()
    db.session.commit()
    click.echo(f"Demo users (password: {seeding.DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.username:<10} {user.role}")
