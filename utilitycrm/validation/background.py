"""Runs started from the browser go on in a thread, so the page stays usable; the run
page polls the run's progress. One process, no broker: a run is minutes of one core."""

from __future__ import annotations

import threading

from flask import Flask

from utilitycrm.core.extensions import db
from utilitycrm.validation import services
from utilitycrm.validation.snapshot import Scope

_threads: list[threading.Thread] = []


def start(app: Flask, run_id: int, scope: Scope) -> threading.Thread:
    def work() -> None:
        with app.app_context():
            try:
                services.execute_run(run_id, scope, progress=services.report_progress(run_id))
            except Exception:  # stored on the run as its error; the log keeps the trace
                app.logger.exception("validation run %s failed", run_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"validation-run-{run_id}", daemon=True)
    _threads[:] = [other for other in _threads if other.is_alive()]
    _threads.append(thread)
    thread.start()
    return thread


def wait_all(timeout: float = 120) -> None:
    """Wait for the runs started so far (tests, and a clean shutdown)."""
    while _threads:
        _threads.pop().join(timeout)
