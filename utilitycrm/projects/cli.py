"""`flask projects`: the projects and their supply plans from the shell, and the alerts
(the schedule mails them)."""

from __future__ import annotations

from pathlib import Path

import click

from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.cli import alerts_command
from utilitycrm.projects import chains, queries, supply_plan
from utilitycrm.projects.types import ProjectStatus
from utilitycrm.projects.workflow import KIND


@click.group("projects")
def projects_cli() -> None:
    """Expansion projects (业扩报装)."""


@projects_cli.command("list")
@click.option(
    "--status", type=click.Choice([s.value for s in ProjectStatus]), default="active",
    show_default=True,
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
def list_projects(status: str, limit: int) -> None:
    """Number, accepted, type, customer, current stage, its due day and the manager,
    oldest accepted first (tab-separated)."""
    today = local_today()
    found = queries.worklist(status=ProjectStatus(status), sort="accepted_on", limit=limit)
    for item in found:
        project, stage = item.project, item.project.current_stage
        where = chains.stage_label(project, stage) if stage else project.status
        due = item.clock.due_on.isoformat() if item.clock and item.clock.due_on else "-"
        click.echo(
            "\t".join((project.number, project.accepted_on.isoformat(), project.business_type,
                       project.customer.account_no, project.customer.name, str(where), due,
                       project.account_manager.username if project.account_manager else "-"))
        )  # fmt: skip
    click.echo(f"{len(found)} project(s) {status} on {today.isoformat()}", err=True)


@projects_cli.group("plan")
def plan_cli() -> None:
    """Supply plans (供电方案)."""


@plan_cli.command("render")
@click.argument("number")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def render_plan(number: str, out: Path) -> None:
    """Write project NUMBER's supply plan PDF: the approved one as frozen, else the draft."""
    project = db.session.scalar(queries.numbered(number))
    if project is None:
        raise click.ClickException(f"there is no project numbered {number}")
    try:
        pdf, _name = supply_plan.document(project)
    except UtilityCRMError as error:
        raise click.ClickException(str(error)) from None
    out.write_bytes(pdf)
    click.echo(f"{out}: {len(pdf):,} bytes ({project.plan.number}, {project.plan.status})")


projects_cli.add_command(
    alerts_command(
        (KIND,),
        "Due-soon and overdue project stages; --send mails each account manager once "
        "per stage and threshold.",
    )
)
