"""Kinds of job that exist only for the tests; worker processes started by the tests load
this module through UTILITYCRM_JOBS_MODULES."""

from __future__ import annotations

import time
from pathlib import Path

from utilitycrm.core import jobs
from utilitycrm.core.errors import UtilityCRMError

# What the in-process kinds did, for the tests to read.
RUNS: list[str] = []
REFUSE = {"on": True}


@jobs.register_job("tests.flaky", "Flaky", max_attempts=3, retry_delay=60)
def flaky(job: jobs.Job, progress: jobs.Progress) -> dict:
    progress(1, 4, stage="first step")
    if job.attempts <= job.params["failures"]:
        raise RuntimeError(f"broken on attempt {job.attempts}")
    RUNS.append(f"flaky {job.id}")
    return {"attempt": job.attempts}


@jobs.register_job("tests.refused", "Refused")
def refused(job: jobs.Job, progress: jobs.Progress) -> dict:
    if REFUSE["on"]:
        raise UtilityCRMError("the archive is being imported")
    RUNS.append(f"refused {job.id}")
    return {"ok": True}


@jobs.register_job("tests.count", "Count")
def count(job: jobs.Job, progress: jobs.Progress) -> None:
    RUNS.append(f"count {job.key}")


jobs.register_schedule("tests.count", "17 4 * * *")


@jobs.register_job("tests.slow", "Slow", max_attempts=3, retry_delay=1)
def slow(job: jobs.Job, progress: jobs.Progress) -> dict:
    """Logs each attempt, reports progress and waits for the release file; logs the end."""
    log = Path(job.params["log"])
    with log.open("a") as handle:
        handle.write(f"attempt {job.attempts}\n")
    release = Path(job.params["release"])
    step = 0
    while not release.exists():
        step += 1
        progress(min(step, 9), 10, stage="waiting")
        time.sleep(0.1)
    with log.open("a") as handle:
        handle.write("done\n")
    return {"attempt": job.attempts}
