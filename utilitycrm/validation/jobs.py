"""Validation runs as jobs: started from the browser, the shell or the nightly schedule,
done by a worker. A run's row is begun before its job, so a job retried after its worker
died re-executes the same run (its findings were rolled back with the worker) and a run
already done is not done twice.

A whole-archive run on PostgreSQL with VALIDATION_PARTS > 1 is spread: the run's job plans
the parts (`partitions.py`), exports its snapshot, queues one job a part and does parts
itself while it waits; every part reads the exported snapshot, hands back what it found,
and the run merges, adds the rules across the archive and stores the findings once."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from utilitycrm.archive.thresholds import dated_standards
from utilitycrm.core import jobs
from utilitycrm.core.database import utcnow
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.spreadsheets import XLSX_MIMETYPE
from utilitycrm.validation import engine, partitions, reports, services, snapshot
from utilitycrm.validation.models import RunStatus, ValidationRun, ValidationRunPart
from utilitycrm.validation.queries import FindingFilters
from utilitycrm.validation.registry import Rule
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

        run = services.execute_run(
            run_id,
            scope,
            rule_ids=params.get("rule_ids"),
            progress=report,
            evaluator=_evaluator(run_id, scope, job.actor_id),
        )
    return {"run_id": run.id, "customers_checked": run.customers_checked, **run.counts}


def _evaluator(run_id: int, scope: Scope, actor_id: int | None) -> engine.Evaluator:
    """How the run evaluates: here at once, here part after part (one reader: SQLite), or
    spread over the workers."""
    count = current_app.config["VALIDATION_PARTS"]
    if count <= 1 or not scope.is_full:
        return engine.evaluate
    if not snapshot.can_share_state():

        def in_parts(scope, rules, *, today, progress):
            with snapshot.one_state():
                parts = partitions.plan(count)
            return engine.evaluate(scope, rules, today=today, progress=progress, parts=parts)

        return in_parts

    def spread(scope, rules, *, today, progress):
        return _spread(run_id, count, actor_id, scope, rules, today, progress)

    return spread


PART = "validation.part"


def _spread(
    run_id: int,
    count: int,
    actor_id: int | None,
    scope: Scope,
    rules: Sequence[Rule],
    today: date,
    progress: Callable[[int], None],
) -> tuple[engine.Evaluation, date | None]:
    standards, effective_on = dated_standards(today)
    mine = ValidationRunPart.run_id == run_id
    db.session.execute(delete(ValidationRunPart).where(mine))  # an earlier attempt's
    with snapshot.exported_state() as state:
        with snapshot.one_state(state):
            parts = partitions.plan(count)
        rows = [ValidationRunPart(run_id=run_id, number=p.number, plan=p.as_dict()) for p in parts]
        db.session.add_all(rows)
        db.session.commit()
        params = {"state": state, "today": today.isoformat(), "rule_ids": [r.id for r in rules]}
        queued = {
            jobs.enqueue(
                PART, {**params, "part_id": row.id}, key=f"validation-part-{row.id}",
                actor_id=actor_id,
            ).id: max(part.weight, 1)
            for row, part in zip(rows, parts, strict=True)
        }  # fmt: skip
        evaluation = engine.Evaluation()  # the workers start on the parts meanwhile
        with snapshot.one_state(state):
            engine.evaluate_across(scope, rules, standards, today, evaluation)
        _wait_helping(queued, progress)
    for data in db.session.scalars(select(ValidationRunPart.evaluation).where(mine)):
        evaluation.merge(engine.Evaluation.from_bytes(data))
    db.session.execute(delete(ValidationRunPart).where(mine))
    return evaluation, effective_on


def _wait_helping(weights: dict[int, int], progress: Callable[[int], None]) -> None:
    """Until every part is done: do a queued part here, or wait for the workers' and
    report how far the parts are (by weight). A part that failed fails the run."""
    total = sum(weights.values())
    while True:
        rows = db.session.execute(
            select(jobs.Job.id, jobs.Job.status, jobs.Job.done, jobs.Job.total, jobs.Job.error)
            .where(jobs.Job.id.in_(list(weights)))
        ).all()  # fmt: skip
        db.session.commit()  # the next look sees the workers' writes
        failed = [row for row in rows if row.status == jobs.JobStatus.FAILED]
        if failed:
            raise RuntimeError(f"part job {failed[0].id} failed: {failed[0].error}")
        if all(row.status == jobs.JobStatus.DONE for row in rows):
            return
        done = sum(
            weights[row.id]
            * (1 if row.status == jobs.JobStatus.DONE else row.done / max(row.total or 1, 1))
            for row in rows
        )
        progress(min(99, round(100 * done / total)))
        waiting = [row.id for row in rows if row.status == jobs.JobStatus.QUEUED]
        if not (waiting and jobs.execute(waiting[0]) is not None):
            time.sleep(0.5)


@jobs.register_job(PART, _l("Part of a validation run"), max_attempts=3)
def part_job(job: jobs.Job, progress: jobs.Progress) -> dict:
    params = job.params
    row = db.session.get(ValidationRunPart, params["part_id"])
    if row is None:
        raise UtilityCRMError(_l("This part belongs to an earlier attempt of its run."))
    part = partitions.Partition.from_dict(row.plan)
    today = date.fromisoformat(params["today"])
    standards, _effective_on = dated_standards(today)
    evaluation = engine.Evaluation()

    def report(done: int, total: int) -> None:
        progress(done, total, stage=CHECKING)

    with snapshot.one_state(params["state"]):
        rules = engine.select_rules(params["rule_ids"])
        engine.evaluate_part(Scope(), part, rules, standards, today, evaluation, report)
    row = db.session.get(ValidationRunPart, params["part_id"])
    row.evaluation = evaluation.to_bytes()
    row.customers_checked = evaluation.checked
    row.finished_at = utcnow()
    return {"customers_checked": evaluation.checked, "findings": len(evaluation.found)}


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
