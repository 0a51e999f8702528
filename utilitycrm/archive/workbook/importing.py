"""Importing an archive: read it safely, check it and write it a chunk at a time, in a
savepoint that is kept only when the whole file is clean (and never by a dry run). The one
entry point for the CLI, the upload page, the jobs and the API.

Nothing of the file is held whole: the rows stream from the file through the check to the
database, and only their keys and ids stay in memory until the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError

from utilitycrm.archive.history import ChangeSource, current_change_set_id, recording
from utilitycrm.archive.models import ChangeSet, ImportBatch
from utilitycrm.archive.topology import transformer_lines
from utilitycrm.archive.workbook.committing import DEFERRED, delete_rows, write_rows
from utilitycrm.archive.workbook.layout import SHEETS
from utilitycrm.archive.workbook.network_sync import NetworkReport, NetworkSync
from utilitycrm.archive.workbook.planning import Planner
from utilitycrm.archive.workbook.plans import ImportPlan
from utilitycrm.archive.workbook.reading import (
    ArchiveFile,
    Limits,
    Problem,
    digest_of,
    open_archive,
)
from utilitycrm.auth.models import User
from utilitycrm.core.database import (
    IdSource,
    collector_paused,
    deferred_foreign_keys,
    savepoint,
)
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import stage_name


@dataclass
class ImportResult:
    plan: ImportPlan
    sha256: str
    committed: bool
    batch: ImportBatch | None = None
    network: NetworkReport | None = None
    stale: bool = False  # records of the file were changed after the preview
    # A dry run's count of what the trial checks report: (label, count), e.g. the
    # findings of each rule family the first validation will list.
    consistency: list[tuple[object, int]] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems


PROGRESS_ROWS = 5_000  # rows checked and written at a time, then told to the watcher

# The stages of an import, as a job's page and the shell show them.
WRITING = stage_name("Writing the archive")
TRYING = stage_name("Trying the rows out (nothing is kept)")  # a dry run's
RULING = stage_name("Running the archive rules on the file's customers")


TrialCheck = Callable[[list[int]], list[tuple[object, int]]]
# What the wings tell a dry run about the archive the import would make (validation: the
# findings its first run will report): each is given the ids of the file's customers, with
# the file's rows written in a savepoint that is rolled back afterwards.
TRIAL_CHECKS: list[TrialCheck] = []


def register_trial_check(check: TrialCheck) -> None:
    if check not in TRIAL_CHECKS:
        TRIAL_CHECKS.append(check)


class Progress(Protocol):
    def __call__(
        self, done: int, total: int | None = None, *, stage: str | None = None, part: str = ""
    ): ...


def _unwatched(
    done: int, total: int | None = None, *, stage: str | None = None, part: str = ""
) -> None:
    """An import no page or shell is watching."""


def import_limits(*, shell: bool = False) -> Limits:
    """The safety limits of an import: an upload's, or the shell's (a whole archive)."""
    config = current_app.config
    max_bytes = config["IMPORT_SHELL_MAX_BYTES" if shell else "IMPORT_MAX_BYTES"]
    return Limits(
        max_bytes=max_bytes,
        max_rows=config["IMPORT_MAX_ROWS"],
        max_uncompressed=max(config["IMPORT_MAX_UNCOMPRESSED"], max_bytes),
        max_shared_strings=config["IMPORT_MAX_SHARED_STRINGS"],
    )


def archive_mark() -> int:
    """The newest change set: a preview shows the archive as of it, and its commit is
    refused if a record of the file changed after it."""
    return db.session.scalar(select(func.max(ChangeSet.id))) or 0


def _refuse_stale(plan: ImportPlan, keys: list[str]) -> None:
    shown = ", ".join(keys[:20]) + (" …" if len(keys) > 20 else "")
    message = _l(
        "%(count)d records of the file were changed in the archive after your check, "
        "and the import would overwrite those changes: %(keys)s. Nothing was imported; "
        "check the file again.",
        count=len(keys), keys=shown,
    )  # fmt: skip
    plan.problems.append(Problem("", None, "", "", str(message)))


def _refused(plan: ImportPlan, error: Exception) -> None:
    """A refusal by the database becomes the plan's problem (the check finds what the
    database would refuse, so this is the rare race or a gap in the checks)."""
    if plan.ok:  # else the refusal is a consequence of a problem already told
        detail = str(error.orig).splitlines()[0][:200]
        message = _l(
            "The archive refused the data (%(detail)s); nothing was imported.", detail=detail
        )
        plan.problems.append(Problem("", None, "", "", str(message)))


def _stream(book: ArchiveFile, planner: Planner, report: Progress, stage: str) -> None:
    """Check each sheet's rows a chunk at a time, in the layout's order, and write each
    chunk while the whole file so far is clean; then the deletes."""
    for sheet in SHEETS:
        rows = book.rows(sheet)
        while True:
            with collector_paused():
                chunk = list(islice(rows, PROGRESS_ROWS))
                if not chunk:
                    break
                checked = planner.check(sheet, chunk)
                if planner.plan.ok:
                    write_rows(sheet.key, checked)
                del chunk, checked
            report(book.rows_read, book.estimated_rows(), stage=stage, part=sheet.key)
        planner.sheet_done(sheet)
    planner.finish()
    if planner.plan.ok:
        delete_rows(planner.deleted)
    report(book.rows_read, book.rows_read, stage=stage)


def import_workbook(
    source: bytes | Path,
    filename: str,
    *,
    actor: User | None,
    dry_run: bool,
    network_sync: bool = False,
    checked_at_mark: int | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import an archive: an upload's bytes, or (from the shell) the path of a file or of a
    folder of CSV files. Unless dry_run and when nothing is wrong, its rows are written
    (flushed, the caller commits); with any problem nothing is.

    `checked_at_mark` is the archive_mark() of the preview the user confirmed: a record
    the file matches that changed after it refuses the commit (a manual edit made after
    the check is never overwritten by it).

    With network_sync the file's nodes and edges replace those of the lines they name and
    the result reports what that changed. A dry run writes the rows too, in a savepoint it
    rolls back, so that its preview (and the trial checks') is exact.

    `progress(done, total, stage=…, part=…)` (a job's, or the shell's bar) hears the rows
    done and the rows the file likely holds, the stage marked for the catalogs, and the
    sheet it is in.
    """
    report = progress or _unwatched
    digest = digest_of(source)
    with open_archive(source, filename, limits or import_limits()) as book:
        plan = ImportPlan(problems=book.problems)  # one list: the file's and the rows'
        if not book.parts:  # nothing to read; else its rows are checked all the same
            return ImportResult(plan, digest, committed=False)
        network = NetworkSync(plan) if network_sync else None
        lines_before = transformer_lines() if network_sync else {}
        writes = savepoint(db.session)
        connection = db.session.connection()
        planner = Planner(plan, IdSource(connection), network=network,
                          checked_at_mark=checked_at_mark)  # fmt: skip
        reason = f"import {filename} sha256:{digest[:16]}"
        try:
            with (
                recording(actor, source=ChangeSource.IMPORT, reason=reason),
                deferred_foreign_keys(connection, *DEFERRED),
            ):
                _stream(book, planner, report, TRYING if dry_run else WRITING)
                change_set_id = current_change_set_id()
        except (IntegrityError, DataError) as error:
            writes.rollback()
            _refused(plan, error)
            return ImportResult(plan, digest, committed=False)
    if plan.ok and planner.stale:
        _refuse_stale(plan, planner.stale)
        writes.rollback()
        return ImportResult(plan, digest, committed=False, stale=True)
    network_report = None
    if network is not None and plan.ok:
        network_report = network.moves(lines_before, transformer_lines())
    consistency = []
    if dry_run and plan.ok and TRIAL_CHECKS:
        report(0, None, stage=RULING)
        customers = planner.customer_ids()
        consistency = [found for check in TRIAL_CHECKS for found in check(customers)]
    if dry_run or not plan.ok:
        writes.rollback()
        return ImportResult(plan, digest, committed=False, network=network_report,
                            consistency=consistency)  # fmt: skip
    writes.commit()
    counts = {sheet: dict(c) for sheet, c in plan.counts.items() if c}
    batch = ImportBatch(
        actor_id=actor.id if actor else None,
        file_name=filename[:200],
        sha256=digest,
        counts=counts,
        change_set_id=change_set_id,
    )
    db.session.add(batch)
    db.session.flush()
    return ImportResult(plan, digest, committed=True, batch=batch, network=network_report)
