"""Importing a workbook: read it safely, plan it (the dry run), and apply it whole or not
at all. The one entry point for the CLI, the upload page and the API."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError

from utilitycrm.archive.enums import EdgeKind
from utilitycrm.archive.models import ArchiveChange, ChangeSet, Customer, ImportBatch, NetworkEdge
from utilitycrm.archive.topology import transformer_lines
from utilitycrm.archive.workbook.committing import apply_plan
from utilitycrm.archive.workbook.layout import MODELS
from utilitycrm.archive.workbook.planning import CHUNK, plan_import
from utilitycrm.archive.workbook.plans import ImportPlan
from utilitycrm.archive.workbook.reading import Limits, Problem, read_workbook
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import stage_name


@dataclass
class NetworkReport:
    """What a network extract changed: sections, switch states, and the transformers the
    network now traces to another line than before."""

    sections_added: list[str] = field(default_factory=list)
    sections_removed: list[str] = field(default_factory=list)
    switches_changed: list[tuple[str, bool, bool]] = field(default_factory=list)
    transformers_moved: list[tuple[str, str | None, str | None]] = field(default_factory=list)


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


# The stages of an import, as a job's page and the shell show them.
READING = stage_name("Reading the file")
CHECKING = stage_name("Checking the rows")
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


def _edges_before(plan: ImportPlan) -> dict[int, tuple[str, bool]]:
    """{edge id: (kind, closed)} of the archive edges the plan touches, before it does."""
    ids = [row.existing_id for row in plan.rows.get("edges", []) if row.existing_id]
    found = {}
    for start in range(0, len(ids), CHUNK):
        for id_, kind, closed in db.session.execute(
            select(NetworkEdge.id, NetworkEdge.kind, NetworkEdge.is_closed).where(
                NetworkEdge.id.in_(ids[start : start + CHUNK])
            )
        ):
            found[id_] = (kind, closed)
    return found


def _network_report(plan: ImportPlan, edges_before, lines_before, lines_after) -> NetworkReport:
    report = NetworkReport()
    section = EdgeKind.SECTION.value
    for row in plan.rows.get("edges", []):
        if row.action == "insert" and row.values.get("kind") == section:
            report.sections_added.append(row.key[0])
        elif row.action == "delete" and edges_before[row.existing_id][0] == section:
            report.sections_removed.append(row.key[0])
        elif row.action == "update" and "is_closed" in row.changed:
            before = edges_before[row.existing_id][1]
            report.switches_changed.append((row.key[0], before, row.values["is_closed"]))
    report.transformers_moved = sorted(
        (code, lines_before.get(code), line)
        for code, line in lines_after.items()
        if lines_before.get(code) != line
    )
    return report


def archive_mark() -> int:
    """The newest change set: a preview shows the archive as of it, and its commit is
    refused if a record of the file changed after it."""
    return db.session.scalar(select(func.max(ChangeSet.id))) or 0


def _changed_since(plan: ImportPlan, mark: int) -> list[str]:
    """The keys of the records the plan matched that someone changed after `mark` (few:
    what happened between a preview and its commit), in the order of the file."""
    later = set(
        db.session.execute(
            select(ArchiveChange.object_type, ArchiveChange.object_id)
            .where(ArchiveChange.change_set_id > mark)
            .distinct()
        )
    )
    if not later:
        return []
    return [
        str(row.key[0])
        for sheet, rows in plan.rows.items()
        for row in rows
        if row.existing_id and (MODELS[sheet].__tablename__, row.existing_id) in later
    ]


def _refuse_stale(plan: ImportPlan, keys: list[str]) -> None:
    shown = ", ".join(keys[:20]) + (" …" if len(keys) > 20 else "")
    message = _l(
        "%(count)d records of the file were changed in the archive after your check, "
        "and the import would overwrite those changes: %(keys)s. Nothing was imported; "
        "check the file again.",
        count=len(keys), keys=shown,
    )  # fmt: skip
    plan.problems.append(Problem("", None, "", "", str(message)))


def _apply(
    plan: ImportPlan, actor: User | None, reason: str, progress: Progress, stage: str
) -> int | None:
    """Apply the plan; a refusal by the database becomes the plan's problem (the preview
    checks what the database will, so this is the rare race or a gap in the checks)."""
    try:
        return apply_plan(
            plan, actor=actor, reason=reason,
            progress=lambda done, total, sheet: progress(done, total, stage=stage, part=sheet),
        )  # fmt: skip
    except (IntegrityError, DataError) as error:
        db.session.rollback()
        detail = str(error.orig).splitlines()[0][:200]
        message = _l(
            "The archive refused the data (%(detail)s); nothing was imported.", detail=detail
        )
        plan.problems.append(Problem("", None, "", "", str(message)))
        return None


def _customers_of(plan: ImportPlan) -> list[int]:
    """The ids of the customers the file's rows name (by 户号), as the archive now has them."""
    numbers = sorted({row.values["account_no"] for rows in plan.rows.values() for row in rows
                      if row.action != "delete" and row.values.get("account_no")})  # fmt: skip
    found: list[int] = []
    for start in range(0, len(numbers), CHUNK):
        found.extend(db.session.scalars(
            select(Customer.id).where(Customer.account_no.in_(numbers[start : start + CHUNK]))
        ))  # fmt: skip
    return found


def import_workbook(
    data: bytes,
    filename: str,
    *,
    actor: User | None,
    dry_run: bool,
    network_sync: bool = False,
    checked_at_mark: int | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Plan the import; unless dry_run and when nothing is wrong, apply it (flushed, the
    caller commits). With any problem nothing is written.

    `checked_at_mark` is the archive_mark() of the preview the user confirmed: a record
    the file matches that changed after it refuses the commit (a manual edit made after
    the check is never overwritten by it).

    With network_sync the file's nodes and edges replace those of the lines they name and
    the result reports what that changed; a dry run works it out in a savepoint it rolls
    back, so the preview is exact.

    `progress(done, total, stage=…, part=…)` (a job's, or the shell's bar) hears the rows
    read, checked and written, each stage marked for the catalogs, and the sheet it is in.
    """
    report = progress or _unwatched
    digest = hashlib.sha256(data).hexdigest()
    raw = read_workbook(data, filename, limits or import_limits(),
                        progress=lambda done, sheet: report(done, None, stage=READING,
                                                            part=sheet))  # fmt: skip
    report(raw.rows_read, raw.rows_read, stage=READING)
    plan = plan_import(raw, network_sync=network_sync,
                       progress=lambda done, total, sheet: report(done, total, stage=CHECKING,
                                                                  part=sheet))  # fmt: skip
    if plan.ok and checked_at_mark is not None and (stale := _changed_since(plan, checked_at_mark)):
        _refuse_stale(plan, stale)
        return ImportResult(plan, digest, committed=False, stale=True)
    if not plan.ok or (dry_run and not network_sync and not TRIAL_CHECKS):
        return ImportResult(plan, digest, committed=False)
    if network_sync:
        edges_before, lines_before = _edges_before(plan), transformer_lines()
    savepoint = db.session.begin_nested() if dry_run else None
    change_set_id = _apply(plan, actor, f"import {filename} sha256:{digest[:16]}", report,
                           TRYING if dry_run else WRITING)  # fmt: skip
    network, consistency = None, []
    if network_sync and plan.ok:
        network = _network_report(plan, edges_before, lines_before, transformer_lines())
    if dry_run and plan.ok and TRIAL_CHECKS:
        report(0, None, stage=RULING)
        customers = _customers_of(plan)
        consistency = [found for check in TRIAL_CHECKS for found in check(customers)]
    if savepoint is not None and savepoint.is_active:
        savepoint.rollback()
    if dry_run or not plan.ok:
        return ImportResult(plan, digest, committed=False, network=network,
                            consistency=consistency)  # fmt: skip
    counts = {sheet: dict(c) for sheet, c in plan.counts().items() if c}
    batch = ImportBatch(
        actor_id=actor.id if actor else None,
        file_name=filename[:200],
        sha256=digest,
        counts=counts,
        change_set_id=change_set_id,
    )
    db.session.add(batch)
    db.session.flush()
    return ImportResult(plan, digest, committed=True, batch=batch, network=network)
