"""Importing a workbook: read it safely, plan it (the dry run), and apply it whole or not
at all. The one entry point for the CLI, the upload page and the API."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from utilitycrm.archive.models import ImportBatch
from utilitycrm.archive.workbook.committing import apply_plan
from utilitycrm.archive.workbook.planning import ImportPlan, plan_import
from utilitycrm.archive.workbook.reading import Limits, Problem, read_workbook
from utilitycrm.auth.models import User
from utilitycrm.extensions import db


@dataclass
class ImportResult:
    plan: ImportPlan
    sha256: str
    committed: bool
    batch: ImportBatch | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.plan.problems


def import_limits() -> Limits:
    config = current_app.config
    return Limits(
        max_bytes=config["IMPORT_MAX_BYTES"],
        max_rows=config["IMPORT_MAX_ROWS"],
        max_uncompressed=config["IMPORT_MAX_UNCOMPRESSED"],
    )


def import_workbook(
    data: bytes, filename: str, *, actor: User | None, dry_run: bool
) -> ImportResult:
    """Plan the import; unless dry_run and when nothing is wrong, apply it (flushed, the
    caller commits). With any problem nothing is written."""
    digest = hashlib.sha256(data).hexdigest()
    plan = plan_import(read_workbook(data, filename, import_limits()))
    if dry_run or not plan.ok:
        return ImportResult(plan, digest, committed=False)
    try:
        change_set_id = apply_plan(
            plan, actor=actor, reason=f"import {filename} sha256:{digest[:16]}"
        )
    except IntegrityError as error:
        db.session.rollback()
        detail = str(error.orig).splitlines()[0][:200]
        plan.problems.append(
            Problem(
                "",
                None,
                "",
                "",
                str(
                    _l(
                        "The archive refused the data (%(detail)s); nothing was imported.",
                        detail=detail,
                    )
                ),
            )
        )
        return ImportResult(plan, digest, committed=False)
    counts = {sheet: dict(c) for sheet, c in plan.counts().items() if c}
    batch = ImportBatch(
        actor_id=actor.id if actor else None, file_name=filename[:200], sha256=digest,
        counts=json.dumps(counts, ensure_ascii=False), change_set_id=change_set_id,
    )  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    return ImportResult(plan, digest, committed=True, batch=batch)
