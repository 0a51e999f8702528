"""A whole-archive run spread over worker processes on PostgreSQL: every part reads the
snapshot the run exported, so the stored findings are those one process would find, and
an import committed meanwhile is seen by no part (PostgreSQL pass only: SQLite's parts
are read by one reader, `test_partitions.py`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.clock import TODAY
from tests.conftest import settings_for
from tests.factories import create_customer
from tests.workers import STALE_SECONDS
from utilitycrm import create_app
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus
from utilitycrm.validation import engine, jobs, services, snapshot
from utilitycrm.validation.models import Finding, FindingStatus, ValidationRunPart
from utilitycrm.validation.registry import RULES
from utilitycrm.validation.snapshot import Scope

pytestmark = pytest.mark.commits  # the parts are read by other sessions and processes


@pytest.fixture(autouse=True)
def postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("an exported snapshot shared by workers: PostgreSQL pass only")


@pytest.fixture
def spread_app(database_url, queue_url):
    settings = settings_for(
        database_url, JOBS_URL=queue_url, JOBS_STALE_SECONDS=STALE_SECONDS, VALIDATION_PARTS=4
    )
    return create_app(settings)


def test_a_run_spread_over_workers_stores_what_one_process_finds(
    spread_app,
    oddities,
    start_worker,
):
    expected, _ = engine.evaluate(Scope(), list(RULES.values()), today=TODAY)
    start_worker()
    start_worker()
    with spread_app.app_context():
        run = services.begin_run({}, trigger="cli", actor=None)
        db.session.commit()
        jobs.start(run, Scope(), actor_id=None, here=True)  # the run's job does parts too
        run = db.session.get(type(run), run.id)
        assert run.status == "done", run.error
        stored = {
            f.fingerprint: (f.rule_id, f.params, f.customer_id, f.line_id)
            for f in db.session.scalars(select(Finding))
        }
        assert stored == {
            key: (item.rule.id, item.hit.params, item.hit.customer_id, item.line_id)
            for key, item in expected.found.items()
        }
        assert {f.status for f in db.session.scalars(select(Finding))} == {FindingStatus.OPEN}
        assert run.customers_checked == expected.checked
        assert run.indicators == expected.indicators()
        parts = list(db.session.scalars(select(Job).where(Job.kind == jobs.PART)))
        assert len(parts) == 5 and {p.status for p in parts} == {JobStatus.DONE}
        assert sum(p.result["customers_checked"] for p in parts) == expected.checked
        assert db.session.scalars(select(ValidationRunPart)).all() == []  # merged, let go
        db.session.remove()


def test_parts_read_the_exported_snapshot_not_what_was_committed_after_it():
    create_customer(account_no="8800000010")
    db.session.commit()
    with snapshot.exported_state() as state:
        create_customer(account_no="8800000011")  # an import committing meanwhile
        db.session.commit()
        with snapshot.one_state(state):
            seen = snapshot.customer_ids(Scope())
    assert len(seen) == 1
    assert len(snapshot.customer_ids(Scope())) == 2
