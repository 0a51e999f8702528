"""Starting runs, the rectification workflow (整改闭环) and the threshold sets.

Plain functions: they change models and flush; the request or command commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.auth.models import User
from utilitycrm.core.database import utcnow
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import StaleEditError, UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.validation import engine
from utilitycrm.validation.models import (
    EventAction,
    Finding,
    FindingEvent,
    FindingStatus,
    RunStatus,
    ValidationRun,
)
from utilitycrm.validation.snapshot import Scope

# A run still "running" after this long was cut off (the process stopped).
STALE_RUN = timedelta(hours=6)


class RunRefused(UtilityCRMError):
    status_code = 409


def resolve_scope(
    line_code: str | None = None, account_nos: Sequence[str] = ()
) -> tuple[Scope, dict]:
    """The scope of a run from what people type: a line code, customers' 户号."""
    if line_code:
        line = db.session.scalar(select(FeederLine).where(FeederLine.code == line_code.strip()))
        if line is None:
            raise UtilityCRMError(_l("There is no line %(code)s.", code=line_code))
        return Scope(line_id=line.id), {"line": line.code}
    if account_nos:
        wanted = [no.strip() for no in account_nos if no.strip()]
        rows = dict(
            db.session.execute(
                select(Customer.account_no, Customer.id).where(Customer.account_no.in_(wanted))
            ).all()
        )
        missing = [no for no in wanted if no not in rows]
        if missing:
            raise UtilityCRMError(
                _l("There is no customer %(numbers)s.", numbers=", ".join(missing))
            )
        return Scope(customer_ids=tuple(sorted(rows.values()))), {"customers": sorted(rows)}
    return Scope(), {}


def begin_run(scope_label: dict, *, trigger: str, actor: User | None) -> ValidationRun:
    """A new run row; a whole-archive run is refused while another is still going."""
    if not scope_label:
        running = db.session.scalars(
            select(ValidationRun).where(ValidationRun.status == RunStatus.RUNNING.value)
        ).all()
        for other in running:
            if other.started_at < utcnow() - STALE_RUN:
                other.status = RunStatus.FAILED.value
                other.error = "interrupted"
            elif other.is_full:
                raise RunRefused(
                    _l("Run %(id)s is still checking the whole archive; wait for it.", id=other.id)
                )
    run = ValidationRun(
        trigger=trigger,
        actor_id=actor.id if actor else None,
        scope=scope_label,
    )
    db.session.add(run)
    db.session.flush()
    return run


def execute_run(
    run_id: int,
    scope: Scope,
    *,
    rule_ids: Sequence[str] | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    evaluator: engine.Evaluator = engine.evaluate,
) -> ValidationRun:
    """Evaluate (here, or spread by `evaluator`) and store in one transaction; a failure
    leaves the findings untouched and the run marked failed with its reason. Commits."""
    run = db.session.get(ValidationRun, run_id)
    try:
        engine.execute(
            run,
            scope,
            engine.select_rules(rule_ids),
            today=today or local_today(),
            progress=progress or (lambda percent: None),
            evaluator=evaluator,
        )
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        run = db.session.get(ValidationRun, run_id)
        run.status = RunStatus.FAILED.value
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = utcnow()
        db.session.commit()
        raise
    return run


def report_progress(run_id: int) -> Callable[[int], None]:
    """Writes a run's progress on its own connection, outside the run's transaction."""

    def report(percent: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                update(ValidationRun).where(ValidationRun.id == run_id).values(progress=percent)
            )

    return report


def check_customers(customer_ids: Sequence[int], *, actor: User | None) -> ValidationRun | None:
    """Check on save: re-run the customer rules for the customers a save touched. Commits."""
    if not customer_ids:
        return None
    numbers = list(
        db.session.scalars(select(Customer.account_no).where(Customer.id.in_(customer_ids)))
    )
    run = begin_run({"customers": sorted(numbers)}, trigger="save", actor=actor)
    db.session.commit()
    return execute_run(run.id, Scope(customer_ids=tuple(sorted(customer_ids))))


# The workflow. Each step checks the version the user saw, so two inspectors working on
# one finding cannot overwrite each other unnoticed.


def _check_version(finding: Finding, expected_version: int | None) -> None:
    if expected_version is None:  # a form sent without it must not overwrite anything
        raise StaleEditError(
            _l(
                "The form was sent without the version of the finding; reload the page and try again."
            )
        )
    if finding.version != expected_version:
        raise StaleEditError(
            _l(
                "Someone changed this finding after you opened it; nothing was saved. Review it and try again."
            )
        )


def _record(finding: Finding, action: EventAction, actor: User, note: str = "") -> None:
    db.session.add(FindingEvent(finding=finding, action=action.value, actor_id=actor.id, note=note))


def _require_open(finding: Finding) -> None:
    if finding.status_enum.is_closed:
        raise UtilityCRMError(_l("The finding is closed already."))


def suggested_assignee(finding: Finding) -> int | None:
    """Whom an assignment form proposes: the one who has it, else the customer's account
    manager (who keeps the customer's archive right); else nobody, for the inspector to pick."""
    if finding.assignee_id:
        return finding.assignee_id
    return finding.customer.account_manager_id if finding.customer else None


def assign(
    finding: Finding,
    *,
    assignee_id: int | None,
    due_on: date,
    note: str,
    actor: User,
    expected_version: int | None,
    today: date,
) -> None:
    _check_version(finding, expected_version)
    _require_open(finding)
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee is None:
        raise UtilityCRMError(_l("Choose a person to assign."))
    if not assignee.is_active:
        raise UtilityCRMError(
            _l("%(name)s is disabled and cannot be assigned.", name=assignee.username)
        )
    if due_on < today:
        raise UtilityCRMError(_l("The due date cannot be in the past."))
    finding.assignee_id = assignee.id
    finding.due_on = due_on
    _record(
        finding,
        EventAction.ASSIGNED,
        actor,
        f"{assignee.display_name} · {due_on.isoformat()}" + (f" · {note}" if note else ""),
    )


def start_rectification(
    finding: Finding, *, note: str, actor: User, expected_version: int | None
) -> None:
    _check_version(finding, expected_version)
    if finding.status != FindingStatus.OPEN.value:
        raise UtilityCRMError(_l("Only an open finding can go into rectification."))
    finding.status = FindingStatus.RECTIFYING.value
    _record(finding, EventAction.RECTIFYING, actor, note)


def resolve(finding: Finding, *, note: str, actor: User, expected_version: int | None) -> None:
    """Marked resolved by a person; the next run reopens it if the archive still breaks the rule."""
    _check_version(finding, expected_version)
    _require_open(finding)
    finding.status = FindingStatus.RESOLVED.value
    _record(finding, EventAction.RESOLVED, actor, note)


def waive(finding: Finding, *, reason: str, actor: User, expected_version: int | None) -> None:
    _check_version(finding, expected_version)
    _require_open(finding)
    if not reason.strip():
        raise UtilityCRMError(_l("A waiver needs a reason."))
    finding.status = FindingStatus.WAIVED.value
    finding.waive_reason = reason.strip()
    _record(finding, EventAction.WAIVED, actor, reason.strip())


def comment(finding: Finding, *, note: str, actor: User) -> None:
    if not note.strip():
        raise UtilityCRMError(_l("The comment is empty."))
    _record(finding, EventAction.COMMENT, actor, note.strip())
