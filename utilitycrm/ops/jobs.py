"""The night's upkeep of the database as scheduled jobs.

The backup: one file a day in BACKUP_FOLDER (default instance/backups), the oldest beyond
BACKUP_KEEP_DAYS removed; a retry on the same day finds the day's file and keeps it.
The planner's statistics, refreshed after the day's edits and before the night's
validation run (which plans its reads on them)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from utilitycrm.core import jobs
from utilitycrm.core.database import refresh_statistics
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.ops.backup import write_backup

BACKUP = "ops.backup"
STATISTICS = "ops.statistics"
PREFIX = "utilitycrm-"


def backup_folder() -> Path:
    configured = current_app.config.get("BACKUP_FOLDER")
    return Path(configured or Path(current_app.instance_path) / "backups")


@jobs.register_job(BACKUP, _l("Database backup"), retry_delay=600)
def backup(job: jobs.Job, progress: jobs.Progress) -> dict:
    folder = backup_folder()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "sqlite" if db.engine.dialect.name == "sqlite" else "dump"
    path = folder / f"{PREFIX}{local_today().isoformat()}.{suffix}"
    size = path.stat().st_size if path.exists() else write_backup(path)
    kept = sorted(folder.glob(f"{PREFIX}*.{suffix}"))
    removed = kept[: max(0, len(kept) - current_app.config["BACKUP_KEEP_DAYS"])]
    for old in removed:
        old.unlink()
    return {"file": str(path), "bytes": size, "removed": [old.name for old in removed]}


jobs.register_schedule(BACKUP, "30 1 * * *")


@jobs.register_job(STATISTICS, _l("Database statistics"))
def statistics(job: jobs.Job, progress: jobs.Progress) -> dict:
    refresh_statistics(db.session.connection())
    return {"database": db.engine.dialect.name}


jobs.register_schedule(STATISTICS, "45 1 * * *")
