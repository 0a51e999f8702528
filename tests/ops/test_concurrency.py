"""Parallel requests on one database: two edits of one customer, drafts numbered at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.archive.test_workbook_import import customer_row, workbook
from tests.factories import DEFAULT_PASSWORD, create_customer
from tests.validation.dbarchive import key_account
from utilitycrm.archive.models import Customer
from utilitycrm.archive.services import customers as service
from utilitycrm.archive.workbook.importing import import_workbook
from utilitycrm.auth import services as auth_services
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.errors import StaleEditError
from utilitycrm.core.extensions import db
from utilitycrm.validation import services as validation
from utilitycrm.validation import snapshot
from utilitycrm.validation.models import Finding

pytestmark = pytest.mark.commits  # two threads really race


def test_two_edits_racing_past_the_version_check_one_wins(app, users):
    """Both read version 1; the second UPDATE finds version 2 and is refused as stale."""
    customer_id = create_customer(name="原名称").id
    actor_id = users[Role.MARKETING].id
    read = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(name: str) -> None:
        with app.app_context():
            try:
                customer = db.session.get(Customer, customer_id)
                actor = db.session.get(User, actor_id)
                read.wait(timeout=10)  # both have read version 1
                service.update_customer(customer, {"name": name}, actor=actor,
                                        expected_version=1)  # fmt: skip
                db.session.commit()
                outcomes.append("saved")
            except StaleEditError as error:
                outcomes.append(f"stale: {error.message}")
            except Exception as error:  # the SQLite writer lock: reported below
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("甲公司", "乙公司")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["saved", "stale"], outcomes
    stored = db.session.scalar(
        select(Customer).where(Customer.id == customer_id).execution_options(populate_existing=True)
    )
    assert stored.version == 2 and stored.name in {"甲公司", "乙公司"}


def test_one_user_signing_in_from_two_browsers_at_once(app, users, monkeypatch):
    """Both read the user, then both record the sign-in: neither is refused as stale."""
    both_read = threading.Barrier(2)
    check = auth_services.check_password_hash

    def after_both_read(*args):
        both_read.wait(timeout=10)
        return check(*args)

    monkeypatch.setattr(auth_services, "check_password_hash", after_both_read)
    statuses: list[int] = []
    username = users[Role.MARKETING].username

    def sign_in() -> None:
        response = app.test_client().post(
            "/login", data={"username": username, "password": DEFAULT_PASSWORD}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=sign_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]


def test_an_import_committed_during_a_validation_run_is_not_half_seen(app, monkeypatch):
    """The run has read the network when the import commits a new customer; the run
    goes on to read customers, and must not see it (nor report it without its network)."""
    key_account()  # breaks no rule
    run_id = validation.begin_run({}, trigger="cli", actor=None).id
    db.session.commit()
    network_read, imported = threading.Event(), threading.Event()
    load_network = snapshot.load_network

    def then_wait(*args, **options):
        network = load_network(*args, **options)
        network_read.set()
        imported.wait(timeout=30)
        return network

    monkeypatch.setattr(snapshot, "load_network", then_wait)
    outcome: list = []

    def validate() -> None:
        with app.app_context():
            try:
                run = validation.execute_run(run_id, snapshot.Scope())
                outcome.append(run.customers_checked)
            except Exception as error:
                outcome.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=validate)
    thread.start()
    assert network_read.wait(timeout=30)
    new = customer_row(account_no="3100000777", name="运行中导入的客户")
    result = import_workbook(
        workbook({"customers": [new]}), "archive.xlsx", actor=None, dry_run=False
    )
    assert result.committed
    db.session.commit()
    imported.set()
    thread.join(timeout=60)

    newcomer = db.session.scalar(select(Customer.id).where(Customer.account_no == "3100000777"))
    assert outcome == [1]  # the key account only: the archive as the run began
    findings = db.session.scalars(select(Finding.customer_id).where(Finding.last_run_id == run_id))
    assert newcomer not in set(findings)

    monkeypatch.setattr(snapshot, "load_network", load_network)
    later = validation.begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    later = validation.execute_run(later.id, snapshot.Scope())
    assert later.customers_checked == 2  # the next run sees the import whole
    assert newcomer in set(
        db.session.scalars(select(Finding.customer_id).where(Finding.last_run_id == later.id))
    )
