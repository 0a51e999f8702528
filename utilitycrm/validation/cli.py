"""`flask validate run`: check the archive from the shell (after an import, say)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import JobStatus
from utilitycrm.validation import jobs, reports, services
from utilitycrm.validation.engine import select_rules
from utilitycrm.validation.models import ValidationRun


@click.group()
def validate() -> None:
    """The validation engine."""


@validate.command("run")
@click.option("--line", "line_code", help="Only the customers of this line (its number).")
@click.option(
    "--customer", "account_nos", multiple=True, help="Only this customer (户号); repeatable."
)
@click.option("--rule", "rule_ids", multiple=True, help="Only this rule (its id); repeatable.")
@click.option("--queue", is_flag=True, help="Hand the run to the workers and return at once.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the run and its open findings to this JSON file.",
)
def run(line_code, account_nos, rule_ids, queue, json_path) -> None:
    """Run the rules as a job, here (by default) or on the workers, store the findings and
    print the run's summary."""
    try:
        scope, label = services.resolve_scope(line_code, account_nos)
        select_rules(rule_ids)
        started = services.begin_run(label, trigger="cli", actor=None)
    except KeyError as error:
        raise click.ClickException(f"Unknown rule: {error.args[0]}") from error
    except UtilityCRMError as error:
        raise click.ClickException(str(error.message)) from error
    if queue:
        job = jobs.start(started, scope, actor_id=None, rule_ids=rule_ids)
        click.echo(f"Run {started.id} queued as job {job.id}.")
        return
    job = jobs.start(started, scope, actor_id=None, rule_ids=rule_ids, here=True)
    finished = db.session.get(ValidationRun, started.id)
    if job.status is not JobStatus.DONE:
        raise click.ClickException(f"Run {finished.id} failed: {job.error}")
    counts = finished.counts
    click.echo(
        f"Run {finished.id}: {finished.customers_checked} customers checked; "
        f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings; "
        f"new {counts.get('new', 0)}, reopened {counts.get('reopened', 0)}, "
        f"still open {counts.get('still_open', 0)}, resolved {counts.get('resolved', 0)}."
    )
    if json_path:
        json_path.write_text(
            json.dumps(reports.run_document(finished), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        click.echo(f"Findings written to {json_path}.")
