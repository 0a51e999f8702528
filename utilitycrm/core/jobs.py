"""Background work as durable jobs on a queue (Huey), behind this one module.

Huey carries the messages: its SQLite storage needs no server (the default: `make run`
starts a worker beside the web server), its Redis storage lets web and worker processes
on several hosts share one queue, and its consumer runs the periodic tick. What a job *is*
lives in the `job` table: kind, parameters, a unique key, who started it, progress and
outcome. A worker claims a job with one conditional UPDATE and keeps a heartbeat while it
works, so a message lost with a killed worker is sent again by `recover` and the job is
taken over once its heartbeat is stale, never run by two workers at once. A job's work
must be idempotent (a retried job may find part of its work committed).

Wings declare their kinds with `register_job` and their schedules with
`register_schedule`; the minute tick enqueues a due schedule under the key
`kind@minute`, so two hosts ticking the same minute still run it once.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app, has_request_context
from flask.cli import with_appcontext
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.core.database import JSONDocument, coded, utcnow
from utilitycrm.core.dates import local_now
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import LABELS, Labelled
from utilitycrm.core.search import Page, paginate

log = logging.getLogger(__name__)

# A running job whose heartbeat is older than JOBS_STALE_SECONDS (default 60) lost its
# worker and is taken over; the heartbeat beats six times as often.
# A queued job still waiting this long after it was due is sent again (its message may
# have been lost with a worker); a duplicate message is harmless, the claim decides.
RESEND_AFTER = timedelta(minutes=5)
# A schedule missed by up to this many minutes (no worker was up) still runs.
CATCH_UP_MINUTES = 10
# Progress is written at most this often (seconds), besides stage changes and the end.
PROGRESS_EVERY = 0.5


class JobStatus(Labelled):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


LABELS[JobStatus] = {
    JobStatus.QUEUED: _l("Queued"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.DONE: _l("Done"),
    JobStatus.FAILED: _l("Failed"),
}


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(JobStatus.check_sql("status"), name="status"),
        Index("ix_job_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    # Idempotency: a second request for the same key gets the first job.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    params: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    status: Mapped[JobStatus] = mapped_column(coded(JobStatus, 10), default=JobStatus.QUEUED)
    stage: Mapped[str] = mapped_column(String(200), default="")
    part: Mapped[str] = mapped_column(String(60), default="")  # of the stage: a sheet
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict | None] = mapped_column(JSONDocument)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The starter's language: the job's messages (errors, mails of its own) are in it.
    locale: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_after: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    worker: Mapped[str] = mapped_column(String(120), default="")

    @property
    def label(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def percent(self) -> int | None:
        if self.status is JobStatus.DONE:
            return 100
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))

    @property
    def seconds_left(self) -> int | None:
        """From the pace so far; None until there is a pace to go by."""
        if self.status is not JobStatus.RUNNING or not self.total or not self.done:
            return None
        elapsed = (utcnow() - self.started_at).total_seconds()
        return max(0, int(elapsed / self.done * (self.total - self.done)))

    @property
    def part_text(self) -> str:
        """The part of its stage the job is in, as its kind names it for people."""
        kind = KINDS.get(self.kind)
        if not self.part or kind is None or kind.part_label is None:
            return ""
        return str(kind.part_label(self.part))

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def summary(self) -> str:
        """One line for people: where the job stands."""
        if self.status is JobStatus.QUEUED:
            waiting = _("Waiting for a worker")
            if self.error:
                return _("%(waiting)s; the last attempt failed: %(error)s", waiting=waiting,
                         error=self.error)  # fmt: skip
            return waiting
        if self.status is JobStatus.FAILED:
            return _("Failed: %(error)s", error=self.error)
        if self.status is JobStatus.DONE:
            return _("Done")
        left = self.seconds_left
        parts = [_(self.stage) if self.stage else _("Running")]
        if self.part_text:
            parts.append(self.part_text)
        kind = KINDS.get(self.kind)
        if kind is not None and kind.unit is not None and self.done:
            counted = f"{self.done:,}" + (f" / {self.total:,}" if self.total else "")
            parts.append(f"{counted} {kind.unit}")
        if left is not None:
            parts.append(_("about %(minutes)s min left", minutes=max(1, round(left / 60))))
        return " · ".join(parts)

    def progress_document(self) -> dict:
        """What a page that started the job polls."""
        return {
            "id": self.id,
            "status": self.status.value,
            "status_label": self.status.label,
            "stage": _(self.stage) if self.stage else "",
            "part": self.part_text,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "seconds_left": self.seconds_left,
            "summary": self.summary,
            "error": self.error,
            "result": self.result,
        }


class JobRefused(UtilityCRMError):
    status_code = 409


@dataclass(frozen=True)
class JobKind:
    name: str
    label: object
    run: Callable[[Job, Progress], dict | None]
    max_attempts: int = 3
    retry_delay: int = 30  # seconds, times the attempt number
    unit: object | None = None  # what done/total count, when they count things
    part_label: Callable[[str], object] | None = None  # a stage's part, for people


@dataclass(frozen=True)
class Schedule:
    """`cron` as in crontab: minute hour day-of-month month day-of-week (0 = Sunday),
    read in the utility's time zone (Beijing)."""

    kind: str
    cron: str
    params: dict = field(default_factory=dict)

    def matches(self, moment: datetime) -> bool:
        minute, hour, day, month, day_of_week = self.cron.split()
        return crontab(minute, hour, day, month, day_of_week, strict=True)(moment)


KINDS: dict[str, JobKind] = {}
SCHEDULES: dict[str, Schedule] = {}


def register_job(
    name: str,
    label: object,
    *,
    max_attempts: int = 3,
    retry_delay: int = 30,
    unit=None,
    part_label: Callable[[str], object] | None = None,
):
    """Declare a kind of job: `run(job, progress)` does the work and returns its result
    (a JSON document shown to the operator) or None. A UtilityCRMError is a refusal and
    is not retried; any other error is retried up to `max_attempts` times. With a `unit`
    (a lazy text, "rows") the job's summary shows its counts: 12,000 / 81,000 rows; with
    `part_label`, the part of the stage its progress names (a sheet's key → 客户)."""

    def decorator(run: Callable[[Job, Progress], dict | None]):
        KINDS[name] = JobKind(name, label, run, max_attempts, retry_delay, unit, part_label)
        return run

    return decorator


def register_schedule(kind: str, cron: str, params: dict | None = None) -> None:
    schedule = Schedule(kind, cron, params or {})
    schedule.matches(datetime(2026, 1, 1))  # a malformed line fails at start-up, not at night
    SCHEDULES[kind] = schedule


def stage_name(message: str) -> str:
    """Marks a stage's name for the catalogs: the job stores the English text and each
    page shows it in its reader's language."""
    return message


class Progress:
    """Called by a job's work as it goes: `progress(done, total, stage=..., part=...)`,
    the stage marked with `stage_name()`, the part (of the stage) a key its kind's
    part_label names. Written on a connection of its own, outside the work's transaction,
    so pages see it live."""

    def __init__(self, job_id: int, *, inline: bool) -> None:
        self.job_id = job_id
        self.inline = inline
        self._written = 0.0
        self._stage: tuple[str, str] | None = None

    def __call__(
        self, done: int, total: int | None = None, *, stage: str | None = None, part: str = ""
    ):
        now = time.monotonic()
        changed = stage is not None and (stage, part) != self._stage
        finished = total is not None and done >= total
        if not (changed or finished or now - self._written >= PROGRESS_EVERY):
            return
        self._written = now
        values: dict[str, object] = {"done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["total"] = total
        if stage is not None:
            self._stage = (stage, part)
            values["stage"], values["part"] = stage[:200], part[:60]
        self.write(update(Job).where(Job.id == self.job_id).values(**values))

    def write(self, statement) -> None:
        """Write progress of the work's own (a run's percentage) the same way."""
        _write(statement, inline=self.inline)


def _write(statement, *, inline: bool) -> None:
    if inline:  # immediate mode (tests): the caller's transaction is the only one
        db.session.execute(statement)
    else:
        with db.engine.begin() as connection:
            connection.execute(statement)


class _Heartbeat(threading.Thread):
    """Keeps a running job's heartbeat fresh while its work is busy elsewhere."""

    def __init__(self, engine, job_id: int, every: float) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.engine, self.job_id, self.every = engine, job_id, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow())
                    )
            except Exception:  # the database is away: the next beat tries again
                log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def _queue() -> JobQueue:
    return current_app.extensions["jobs"]


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])


def enqueue(
    kind: str,
    params: dict | None = None,
    *,
    key: str | None = None,
    actor_id: int | None = None,
    here: bool = False,
) -> Job:
    """Record a job and hand it to the workers, or with `here` do it in this process (the
    shell), claimed like any worker's. Commits the caller's session first, so the job sees
    what the caller wrote. A key already used returns that key's job."""
    if kind not in KINDS:
        raise KeyError(kind)
    if key and (existing := job_by_key(key)) is not None:
        return existing
    job = Job(
        kind=kind,
        key=key,
        params=params or {},
        max_attempts=KINDS[kind].max_attempts,
        actor_id=actor_id,
        locale=str(get_locale()) if has_request_context() else "",
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # another host recorded the same key first
        db.session.rollback()
        return job_by_key(key)
    if here:
        return execute(job.id)
    _queue().send(job.id)
    return job


def keep_file(job: Job, data: bytes, download_name: str, mimetype: str) -> dict:
    """Keep a job's output (a report) outside the web root; the result that names it."""
    folder = files_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"job-{job.id}"
    partial = folder / f"{name}.partial"
    partial.write_bytes(data)
    partial.replace(folder / name)
    return {"file": name, "download_name": download_name, "mimetype": mimetype,
            "bytes": len(data)}  # fmt: skip


def kept_file(job: Job) -> Path | None:
    name = (job.result or {}).get("file") if job.status is JobStatus.DONE else None
    path = files_folder() / name if name else None
    return path if path is not None and path.is_file() else None


def files_folder() -> Path:
    configured = current_app.config.get("JOBS_FILES_FOLDER")
    return Path(configured or Path(current_app.instance_path) / "job-files")


def job_by_key(key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.key == key))


def active_job(kind: str) -> Job | None:
    """A job of this kind still queued or running (for work that must not run twice)."""
    return db.session.scalar(
        select(Job)
        .where(Job.kind == kind, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
        .order_by(Job.id)
        .limit(1)
    )


def job_page(status: JobStatus | None, *, page: int, per_page: int, limit: int) -> Page:
    """Newest first; the status filter walks the (status, id) index."""
    query = select(Job).order_by(Job.id.desc())
    if status:
        query = query.where(Job.status == status)
    return paginate(query, page=page, per_page=per_page, limit=limit)


def unfinished_counts() -> dict[JobStatus, int]:
    """How many jobs wait, run and have failed (the operator's figures; the index on
    status keeps this a count of few rows, not of every job ever run)."""
    shown = [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED]
    rows = db.session.execute(
        select(Job.status, func.count()).where(Job.status.in_(shown)).group_by(Job.status)
    ).all()
    return {status: 0 for status in shown} | dict(rows)


def _claim(job_id: int, worker: str) -> int | None:
    """Take the job if it is queued and due, or running with a dead worker; the attempt
    number taken, or None when another worker has it or it is finished."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                and_(
                    Job.status == JobStatus.QUEUED,
                    or_(Job.run_after.is_(None), Job.run_after <= now),
                ),
                and_(Job.status == JobStatus.RUNNING, Job.heartbeat_at < _stale_before(now)),
            ),
        )
        .values(
            status=JobStatus.RUNNING,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            worker=worker[:120],
        )
        .returning(Job.attempts)
    ).scalar_one_or_none()
    db.session.commit()
    return claimed


def execute(job_id: int, worker: str | None = None) -> Job | None:
    """Claim the job and do its work here; None when there was nothing to claim."""
    worker = worker or worker_name()
    attempt = _claim(job_id, worker)
    if attempt is None:
        return None
    job = db.session.get(Job, job_id)
    kind = KINDS.get(job.kind)
    inline = _queue().immediate
    every = current_app.config["JOBS_STALE_SECONDS"] / 6
    heartbeat = None if inline else _Heartbeat(db.engine, job_id, every)
    if heartbeat:
        heartbeat.start()
    mine = and_(Job.id == job_id, Job.worker == worker[:120], Job.attempts == attempt)
    try:
        with force_locale(job.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            if kind is None:
                raise UtilityCRMError(_l("This kind of job is unknown: %(kind)s.", kind=job.kind))
            result = kind.run(job, Progress(job_id, inline=inline))
            db.session.commit()
    except Exception as error:
        db.session.rollback()
        if isinstance(error, UtilityCRMError):  # a refusal, said to the operator
            log.info("job %s (%s) refused: %s", job_id, job.kind, error.message)
        else:
            log.exception("job %s (%s) failed, attempt %s", job_id, job.kind, attempt)
        _failed(job_id, mine, attempt, kind, error, job.locale)
    else:
        db.session.execute(
            update(Job)
            .where(mine)
            .values(
                status=JobStatus.DONE,
                result=result,
                error="",
                finished_at=utcnow(),
                done=func.coalesce(Job.total, Job.done),
            )
        )
        db.session.commit()
    finally:
        if heartbeat:
            heartbeat.stopped.set()
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _failed(
    job_id: int, mine, attempt: int, kind: JobKind | None, error: Exception, locale: str
) -> None:
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = str(error.message) if isinstance(error, UtilityCRMError) else repr(error)
    retry = kind is not None and not isinstance(error, UtilityCRMError)
    retry = retry and attempt < db.session.get(Job, job_id).max_attempts
    values: dict[str, object] = {"error": message[:4000]}
    if retry:
        values |= {
            "status": JobStatus.QUEUED,
            "run_after": utcnow() + timedelta(seconds=kind.retry_delay * attempt),
        }
    else:
        values |= {"status": JobStatus.FAILED, "finished_at": utcnow()}
    db.session.execute(update(Job).where(mine).values(**values))
    db.session.commit()
    if retry:
        _queue().send(job_id, delay=kind.retry_delay * attempt)


def retry(job_id: int) -> Job:
    """An operator sends a failed job again, with its attempts counted afresh."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise UtilityCRMError(_l("There is no job %(id)s.", id=job_id))
    if job.status is not JobStatus.FAILED:
        raise JobRefused(_l("Only a failed job can be retried."))
    job.status, job.attempts, job.run_after = JobStatus.QUEUED, 0, None
    job.finished_at, job.done = None, 0
    db.session.commit()
    _queue().send(job.id)
    return job


def recover() -> int:
    """Send again what a dead worker left: running jobs with a stale heartbeat (or fail
    them when their attempts are spent) and queued jobs long past due. How many."""
    now = utcnow()
    stale = db.session.scalars(
        select(Job).where(Job.status == JobStatus.RUNNING, Job.heartbeat_at < _stale_before(now))
    ).all()
    waiting = db.session.scalars(
        select(Job).where(
            Job.status == JobStatus.QUEUED,
            or_(
                Job.run_after < now - RESEND_AFTER,
                and_(Job.run_after.is_(None), Job.created_at < now - RESEND_AFTER),
            ),
        )
    ).all()
    resend = []
    for job in stale:
        if job.attempts >= job.max_attempts:
            job.status, job.finished_at = JobStatus.FAILED, now
            job.error = "interrupted: the worker stopped during the last attempt"
        else:
            resend.append(job.id)
    resend += [job.id for job in waiting]
    db.session.commit()
    for job_id in resend:
        _queue().send(job_id)
    return len(resend)


def tick(now: datetime | None = None) -> list[Job]:
    """Enqueue the schedules due in the last minutes (Beijing time), once per minute
    whatever the number of hosts ticking: the key is the schedule's minute."""
    moment = (now or local_now()).replace(second=0, microsecond=0)
    due = []
    for back in range(CATCH_UP_MINUTES):
        minute = moment - timedelta(minutes=back)
        for schedule in SCHEDULES.values():
            if schedule.matches(minute):
                key = f"{schedule.kind}@{minute:%Y-%m-%dT%H:%M}"
                due.append(enqueue(schedule.kind, schedule.params, key=key))
    return due


class JobQueue:
    """The Huey instance of one app (its storage from JOBS_URL) and its two tasks; in
    immediate mode there is none and each job runs where it is sent, in the sender's
    session."""

    def __init__(self, app: Flask) -> None:
        url = app.config.get("JOBS_URL") or f"sqlite:///{app.instance_path}/jobs.sqlite"
        self.immediate = url == "immediate"
        self.huey = None if self.immediate else _huey(url)
        if self.huey is None:
            return

        @self.huey.task(name="execute")
        def execute_task(job_id: int) -> None:
            with app.app_context():
                try:
                    execute(job_id)
                finally:
                    db.session.remove()

        @self.huey.periodic_task(crontab(), name="minute")
        def minute_task() -> None:
            with app.app_context():
                try:
                    recover()
                    tick()
                finally:
                    db.session.remove()

        self._execute = execute_task

    def send(self, job_id: int, delay: int | None = None) -> None:
        if self.huey is None:
            execute(job_id)
        elif delay:
            self._execute.schedule((job_id,), delay=delay)
        else:
            self._execute(job_id)


def _huey(url: str) -> Huey:
    """`redis://…` shares one queue between hosts; `sqlite:///path` needs no server."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("utilitycrm", url=url)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return SqliteHuey("utilitycrm", filename=path)
    raise ValueError(f"JOBS_URL must be immediate, redis://… or sqlite:///…, not {url!r}")


def init_app(app: Flask) -> None:
    app.config.setdefault("JOBS_STALE_SECONDS", 60)
    for module in app.config.get("JOBS_MODULES") or ():  # a deployment's own kinds
        importlib.import_module(module)
    app.extensions["jobs"] = JobQueue(app)
    app.cli.add_command(jobs_cli)


@click.group("jobs")
def jobs_cli() -> None:
    """The job queue: workers, the jobs and their outcome."""


@jobs_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--no-schedule",
    is_flag=True,
    help="Only work the queue: no minute tick (schedules, recovery) in this worker.",
)
@with_appcontext
def worker_command(threads: int, no_schedule: bool) -> None:
    """Run jobs until stopped (Ctrl-C or SIGTERM lets running jobs finish)."""
    queue = _queue()
    if queue.immediate:
        raise click.ClickException("JOBS_URL is immediate: there is no queue to work on")
    recovered = recover()  # what a worker that died before this one left
    db.session.remove()
    click.echo(f"worker {worker_name()}: {recovered} job(s) sent again", err=True)
    consumer = queue.huey.create_consumer(
        workers=threads, worker_type="thread", periodic=not no_schedule
    )
    consumer.run()


@jobs_cli.command("list")
@click.option("--status", type=click.Choice([status.value for status in JobStatus]))
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def list_command(status: str | None, limit: int) -> None:
    """The newest jobs: id, kind, status, progress, attempts, error."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if status:
        query = query.where(Job.status == JobStatus(status))
    for job in db.session.scalars(query):
        progress = f"{job.done}/{job.total}" if job.total else str(job.done)
        error = job.error.splitlines()[0] if job.error else ""
        row = [job.id, job.kind, job.status.value, progress, job.attempts, job.stage, error]
        click.echo("\t".join(str(value) for value in row))


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def retry_command(job_id: int) -> None:
    """Send a failed job again."""
    try:
        job = retry(job_id)
    except UtilityCRMError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"job {job.id} queued again")
