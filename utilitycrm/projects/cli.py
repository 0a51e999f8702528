"""`flask projects`: the expansion projects' alerts from the shell (the schedule mails them)."""

from __future__ import annotations

import click

from utilitycrm.deadlines.cli import alerts_command
from utilitycrm.projects.workflow import KIND


@click.group("projects")
def projects_cli() -> None:
    """Expansion projects (业扩报装)."""


projects_cli.add_command(
    alerts_command(
        (KIND,),
        "Due-soon and overdue project stages; --send mails each account manager once "
        "per stage and threshold.",
    )
)
