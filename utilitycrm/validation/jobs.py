"""Validation runs as jobs: started from the browser, the shell or the nightly schedule,
done by a worker. A run's row is begun before its job, so a job retried after its worker
died re-executes the same run (its findings were rolled back with the worker) and a run
already done is not done twice."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from utilitycrm.core import jobs
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.core.spreadsheets import XLSX_MIMETYPE
from utilitycrm.validation import reports, services
from utilitycrm.validation.models import RunStatus, ValidationRun
from utilitycrm.validation.queries import FindingFilters
from utilitycrm.validation.snapshot import Scope

RUN = "validation.run"
CHECKING = jobs.stage_name("Checking the archive")


def run_key(run_id: int) -> str:
    return f"validation-run-{run_id}"


def start(
    run: ValidationRun, scope: Scope, *, actor_id: int | None, rule_ids=None, here: bool = False
) -> jobs.Job:
    """Queue the run's job, or do it here (the shell); commits the run with it."""
    params = {
        "run_id": run.id,
        "line_id": scope.line_id,
        "customer_ids": list(scope.customer_ids) if scope.customer_ids is not None else None,
        "rule_ids": list(rule_ids) if rule_ids else None,
    }
    return jobs.enqueue(RUN, params, key=run_key(run.id), actor_id=actor_id, here=here)


@jobs.register_job(RUN, _l("Validation run"))
def run_job(job: jobs.Job, progress: jobs.Progress) -> dict:
    params = job.params
    run_id = params.get("run_id")
    if run_id is None:  # the nightly schedule: the job begins its run, once
        run = services.begin_run({}, trigger="schedule", actor=None)
        job.params = {**params, "run_id": run.id}
        db.session.commit()
        run_id = run.id
    run = db.session.get(ValidationRun, run_id)
    if run.status != RunStatus.DONE.value:
        run.status, run.error, run.finished_at = RunStatus.RUNNING.value, None, None
        db.session.commit()
        customer_ids = params.get("customer_ids")
        scope = Scope(
            line_id=params.get("line_id"),
            customer_ids=tuple(customer_ids) if customer_ids is not None else None,
        )

        def report(percent: int) -> None:
            progress.write(
                update(ValidationRun).where(ValidationRun.id == run_id).values(progress=percent)
            )
            progress(percent, 100, stage=CHECKING)

        run = services.execute_run(run_id, scope, rule_ids=params.get("rule_ids"), progress=report)
    return {"run_id": run.id, "customers_checked": run.customers_checked, **run.counts}


jobs.register_schedule(RUN, "0 2 * * *")

WORKBOOK = "validation.findings_workbook"
WRITING = jobs.stage_name("Writing the findings workbook")


def start_workbook(filters: FindingFilters, described: list, *, actor_id: int) -> jobs.Job:
    """A workbook of a large selection, written by a worker; the filters as chosen."""
    chosen = {key: value.isoformat() if isinstance(value, date) else value
              for key, value in dataclasses.asdict(filters).items()}  # fmt: skip
    params = {"filters": chosen, "described": [list(pair) for pair in described]}
    return jobs.enqueue(WORKBOOK, params, actor_id=actor_id)


@jobs.register_job(WORKBOOK, _l("Findings workbook"))
def workbook_job(job: jobs.Job, progress: jobs.Progress) -> dict:
    chosen = dict(job.params["filters"])
    if chosen.get("overdue_on"):
        chosen["overdue_on"] = date.fromisoformat(chosen["overdue_on"])
    progress(0, 1, stage=WRITING)
    data = reports.findings_workbook(
        FindingFilters(**chosen), [tuple(pair) for pair in job.params["described"]]
    )
    name = f"findings-{local_today().isoformat()}.xlsx"
    return jobs.keep_file(job, data.getvalue(), name, XLSX_MIMETYPE)
