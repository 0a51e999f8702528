"""Real worker processes (`flask jobs worker`) on the embedded SQLite queue: a worker
killed in the middle of a job, another started after it, the job completed once; and a
validation run started in the browser done by a worker while its page shows progress."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests import jobs_support  # noqa: F401 (the kinds this test queues)
from tests.conftest import settings_for
from tests.factories import DEFAULT_PASSWORD, create_customer, create_user
from tests.workers import STALE_SECONDS, wait_for
from utilitycrm import create_app
from utilitycrm.auth.roles import Role
from utilitycrm.core import jobs
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus
from utilitycrm.validation.models import ValidationRun

pytestmark = pytest.mark.commits  # the workers are other processes


@pytest.fixture
def queued_app(database_url, queue_url):
    """The app as a web process sees it: the same database, jobs sent to the queue."""
    return create_app(
        settings_for(database_url, JOBS_URL=queue_url, JOBS_STALE_SECONDS=STALE_SECONDS)
    )


def test_a_job_survives_its_worker_being_killed_and_completes_once(
    queued_app, start_worker, tmp_path
):
    log, release = tmp_path / "slow.log", tmp_path / "release"
    with queued_app.app_context():
        job = jobs.enqueue("tests.slow", {"log": str(log), "release": str(release)})
        job_id = job.id
        first = start_worker()
        running = wait_for(lambda: (j := db.session.get(Job, job_id)).done and j)
        assert running.status is JobStatus.RUNNING and running.total == 10
        assert running.worker.split(":")[1] == str(first.pid)
        first.kill()  # SIGKILL: no clean-up, the job's message is gone with the worker
        first.wait(10)
        release.touch()
        time.sleep(STALE_SECONDS + 1)
        start_worker()
        finished = wait_for(
            lambda: (j := db.session.get(Job, job_id)).status is JobStatus.DONE and j
        )
        assert finished.attempts == 2 and finished.result == {"attempt": 2}
        assert log.read_text().splitlines() == ["attempt 1", "attempt 2", "done"]
        db.session.remove()


def test_a_run_started_in_the_browser_is_done_by_a_worker(queued_app, start_worker):
    with queued_app.app_context():
        create_customer()
        inspector = create_user(role=Role.INSPECTOR, username="inspector-w")
        db.session.commit()
        client = queued_app.test_client()
        client.post("/login", data={"username": inspector.username, "password": DEFAULT_PASSWORD})
        response = client.post("/validation/runs", data={})
        run = db.session.scalars(select(ValidationRun)).one()
        assert response.headers["Location"].endswith(f"/validation/runs/{run.id}")
        page = client.get(f"/validation/runs/{run.id}").get_data(as_text=True)
        assert "等待工作进程" in page and 'data-job-url="/jobs/' in page  # no worker yet
        start_worker()
        wait_for(lambda: db.session.get(ValidationRun, run.id).status == "done")
        # the worker records the job as done in its own commit, just after the run's
        job = wait_for(
            lambda: (j := db.session.scalars(select(Job)).one()).status is JobStatus.DONE and j
        )
        assert job.result["customers_checked"] == 1
        assert "中压拓扑关系准确率" in client.get(f"/validation/runs/{run.id}").get_data(
            as_text=True
        )
        db.session.remove()
