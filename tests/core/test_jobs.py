"""The job queue as its users meet it: a job keyed once, its progress, a failure retried
by itself or by an operator, the schedule run once however many hosts tick."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import jobs_support
from tests.clock import NOW
from utilitycrm.auth.roles import Role
from utilitycrm.core import jobs
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_support():
    jobs_support.RUNS.clear()
    jobs_support.REFUSE["on"] = True


def reload(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_a_key_names_one_job_however_often_it_is_asked_for():
    first = jobs.enqueue("tests.flaky", {"failures": 0}, key="nightly-1")
    again = jobs.enqueue("tests.flaky", {"failures": 0}, key="nightly-1")
    assert again.id == first.id
    assert [f"flaky {first.id}"] == jobs_support.RUNS
    assert reload(first).status is JobStatus.DONE and first.result == {"attempt": 1}


def test_a_failing_job_is_retried_after_its_delay_until_it_succeeds(clock):
    job = jobs.enqueue("tests.flaky", {"failures": 1})
    job = reload(job)
    assert job.status is JobStatus.QUEUED and job.attempts == 1
    assert job.error == "RuntimeError('broken on attempt 1')"
    assert "上次尝试失败" in job.summary
    assert jobs.execute(job.id) is None  # not due before its retry delay
    clock.shift(timedelta(minutes=10))  # past the delay and the resend grace
    assert jobs.recover() == 1
    job = reload(job)
    assert job.status is JobStatus.DONE and job.attempts == 2 and job.error == ""
    assert [f"flaky {job.id}"] == jobs_support.RUNS


def test_a_job_that_keeps_failing_fails_with_its_error_after_its_attempts(clock):
    job = jobs.enqueue("tests.flaky", {"failures": 5})
    for _ in range(2):
        clock.shift(timedelta(minutes=10))
        jobs.recover()
    job = reload(job)
    assert job.status is JobStatus.FAILED and job.attempts == 3
    assert job.error == "RuntimeError('broken on attempt 3')"
    assert jobs_support.RUNS == []


def test_an_operator_sees_a_failed_job_and_retries_it(client, login_as, api):
    job = jobs.enqueue("tests.refused")
    job = reload(job)
    assert job.status is JobStatus.FAILED and job.attempts == 1  # a refusal is not retried
    login_as(Role.ADMIN)
    home = client.get("/").get_data(as_text=True)
    assert 'display-6 text-danger">1<' in home and "/admin/jobs?status=failed" in home
    page = client.get("/admin/jobs?status=failed").get_data(as_text=True)
    assert "the archive is being imported" in page and "重试" in page and "失败" in page
    jobs_support.REFUSE["on"] = False
    response = client.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)
    assert f"任务 {job.id} 已重新排队" in response.get_data(as_text=True)
    job = reload(job)
    assert job.status is JobStatus.DONE and job.result == {"ok": True}
    again = client.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)
    assert "只有失败的任务才能重试" in again.get_data(as_text=True)
    listed = api(Role.ADMIN).get("/api/v1/jobs?status=done").get_json()
    assert [item["id"] for item in listed["items"]] == [job.id]
    assert api(Role.ADMIN).get("/api/v1/jobs?status=lost").status_code == 422


def test_progress_is_seen_by_the_page_and_the_api_while_the_job_runs(client, login_as, api):
    seen = {}

    @jobs.register_job("tests.watched", "Watched")
    def watched(job, progress):
        progress(3, 12, stage="reading the archive")
        seen["page"] = client.get(f"/jobs/{job.id}/progress").get_json()
        seen["api"] = api(Role.MARKETING).get(f"/api/v1/jobs/{job.id}").get_json()
        return {"read": 12}

    login_as(Role.MARKETING)
    job = jobs.enqueue("tests.watched")
    assert seen["page"]["status"] == "running" and seen["page"]["percent"] == 25
    assert seen["page"]["summary"].startswith("reading the archive")
    assert seen["api"]["done"] == 3 and seen["api"]["total"] == 12
    assert seen["api"]["stage"] == "reading the archive"
    finished = api(Role.MARKETING).get(f"/api/v1/jobs/{job.id}").get_json()
    assert finished["status"] == "done" and finished["result"] == {"read": 12}
    assert finished["percent"] == 100


def test_a_dead_workers_job_is_taken_over_once_its_heartbeat_is_stale(clock):
    job = Job(kind="tests.flaky", params={"failures": 0}, status=JobStatus.RUNNING,
              attempts=1, heartbeat_at=NOW, started_at=NOW, worker="gone:1")  # fmt: skip
    db.session.add(job)
    db.session.commit()
    assert jobs.recover() == 0  # its worker may still be alive
    clock.shift(timedelta(seconds=61))
    assert jobs.recover() == 1
    job = reload(job)
    assert job.status is JobStatus.DONE and job.attempts == 2 and job.worker != "gone:1"
    assert [f"flaky {job.id}"] == jobs_support.RUNS
    assert jobs.execute(job.id) is None  # done: a late message changes nothing


def test_a_schedule_is_due_at_its_minute_and_caught_up_within_ten_minutes():
    due = datetime(2026, 11, 23, 4, 17, tzinfo=BEIJING)
    assert [job.kind for job in jobs.tick(due - timedelta(minutes=1))] == []
    assert [job.key for job in jobs.tick(due)] == ["tests.count@2026-11-23T04:17"]
    assert [job.key for job in jobs.tick(due + timedelta(minutes=9))] == [
        "tests.count@2026-11-23T04:17"
    ]
    assert jobs.tick(due + timedelta(minutes=10)) == []
    assert jobs_support.RUNS == ["count tests.count@2026-11-23T04:17"]


def test_the_daily_work_is_declared_with_its_schedule():
    assert {kind: schedule.cron for kind, schedule in jobs.SCHEDULES.items()}.items() >= {
        "validation.run": "0 2 * * *",
        "ops.backup": "30 1 * * *",
        "contracts.daily": "5 0 * * *",
        "accounts.daily": "10 0 * * *",
        "accounts.classify": "0 3 1 * *",
        "projects.alerts": "15 7 * * 1-5",
        "contracts.alerts": "20 7 * * 1-5",
        "accounts.alerts": "30 7 * * *",
    }.items()
    monday_7_15 = datetime(2026, 11, 23, 7, 15, tzinfo=BEIJING)
    assert jobs.SCHEDULES["projects.alerts"].matches(monday_7_15)
    assert not jobs.SCHEDULES["projects.alerts"].matches(monday_7_15 + timedelta(days=5))


@pytest.mark.commits  # two hosts: two connections racing for one key
def test_two_hosts_ticking_the_same_minute_run_the_schedule_once(app):
    due = datetime(2026, 11, 23, 4, 17, tzinfo=BEIJING)
    barrier = threading.Barrier(2)
    failures = []

    def host():
        with app.app_context():
            try:
                barrier.wait()
                jobs.tick(due)
            except Exception as error:  # pragma: no cover - reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert db.session.scalars(select(Job.key)).all() == ["tests.count@2026-11-23T04:17"]
    assert jobs_support.RUNS == ["count tests.count@2026-11-23T04:17"]
