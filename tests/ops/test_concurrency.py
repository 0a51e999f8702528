"""Parallel requests on one database: two edits of one customer, drafts numbered at once."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tests.factories import create_customer
from utilitycrm.archive.models import Customer
from utilitycrm.archive.services import customers as service
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.errors import StaleEditError
from utilitycrm.extensions import db


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
