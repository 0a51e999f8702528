"""`flask archive ...`: the archive's workbook from the shell (for cron and migrations)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine, PowerSource
from utilitycrm.archive.workbook.export import export_workbook, template_workbook
from utilitycrm.extensions import db


@click.group(help="The customer archive.")
def archive() -> None:
    pass


@archive.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--line", "line_codes", multiple=True, help="Only this line (its number); repeatable."
)
def export(path: Path, line_codes: tuple[str, ...]) -> None:
    """Write the archive (or some lines and their customers) to the workbook PATH."""
    line_ids = customer_ids = None
    if line_codes:
        known = set(
            db.session.scalars(select(FeederLine.code).where(FeederLine.code.in_(line_codes)))
        )
        if unknown := sorted(set(line_codes) - known):
            raise click.ClickException(f"Unknown line numbers: {', '.join(unknown)}")
        line_ids = select(FeederLine.id).where(FeederLine.code.in_(line_codes))
        customer_ids = select(PowerSource.customer_id).where(PowerSource.line_id.in_(line_ids))
    path.write_bytes(export_workbook(customer_ids=customer_ids, line_ids=line_ids).getvalue())
    click.echo(f"Archive written to {path}.")


@archive.command("template")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def template(path: Path) -> None:
    """Write the empty import workbook, with its notes sheet, to PATH."""
    path.write_bytes(template_workbook().getvalue())
    click.echo(f"Template written to {path}.")
