"""Demo key-account work: two years of monthly consumption for every key account, the
value classes computed from it, visit plans (some overdue), a few visits and an open
complaint, and document reminders, so every key-account page has something to show."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import insert, select

from utilitycrm.accounts import classes, complaints, documents, visits
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar

PRICE = Decimal("0.65")


def seed_key_account_work(today: date, seed: int = 1) -> int:
    """Returns how many key accounts got consumption."""
    rng = random.Random(seed)
    accounts = db.session.execute(
        select(Customer.id, Customer.contract_capacity_kva, Customer.account_manager_id)
        .where(Customer.account_manager_id.is_not(None)).order_by(Customer.id)
    ).all()  # fmt: skip
    this_month = today.replace(day=1)
    rows = []
    for customer_id, kva, _manager in accounts:
        base = max(kva, 50) * 24 * 30 * rng.uniform(0.25, 0.55)  # load factor
        trend = rng.uniform(-0.15, 0.25)
        for back in range(24, 0, -1):
            season = 1.12 if add_months(this_month, -back).month in (1, 7, 8, 12) else 1.0
            growth = 1 + trend * (24 - back) / 24
            kwh = int(base * season * growth * rng.uniform(0.93, 1.07))
            rows.append({"customer_id": customer_id, "month": add_months(this_month, -back),
                         "kwh": kwh, "amount_yuan": (PRICE * kwh).quantize(Decimal("0.01"))})  # fmt: skip
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(MonthlyConsumption), rows[start : start + 5000])
    classes.classify(today, dry_run=False)
    visits.plan_visits(today - timedelta(days=75))  # A-class accounts are overdue
    _some_visits_and_a_complaint(accounts[:6], today)
    documents.sync_document_reminders(today)
    return len(accounts)


def _some_visits_and_a_complaint(accounts, today: date) -> None:
    users = {u.id: u for u in db.session.scalars(select(User))}
    customers = {c.id: c for c in db.session.scalars(
        select(Customer).where(Customer.id.in_([a[0] for a in accounts]))
    )}  # fmt: skip
    for customer_id, _kva, manager_id in accounts[:3]:
        visits.record_visit(
            customers[customer_id],
            visits.VisitRequest(today - timedelta(days=10), "总经理、电气负责人",
                                "年度用电计划与电费结算", "客户计划明年二季度增容"),
            actor=users[manager_id], today=today,
        )  # fmt: skip
    customer_id, _kva, manager_id = accounts[-1]
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    received = datetime.combine(today - timedelta(days=1), time(10, 30), zone)
    complaints.log_complaint(
        complaints.ComplaintRequest(customers[customer_id], "95598", "outage", received,
                                    "近期频繁停电，影响生产", caller="设备科 陈工"),
        actor=users[manager_id], calendar=WorkCalendar.load(), now=received + timedelta(hours=1),
    )  # fmt: skip
