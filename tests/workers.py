"""Helpers for the tests that start real worker processes (`flask jobs worker`, the
`start_worker` fixture of conftest.py)."""

from __future__ import annotations

import time

from utilitycrm.core.extensions import db

STALE_SECONDS = 2  # the workers' JOBS_STALE_SECONDS: a killed worker's job is soon taken over


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")
