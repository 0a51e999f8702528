"""The demo's first validation run, and its findings handed out as an inspector would: each
account manager rectifies some on their accounts, marketing the missing data, the inspector
keeps the network's to check on site; a few are past their due date already."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.validation import services
from utilitycrm.validation.models import Finding, FindingStatus
from utilitycrm.validation.snapshot import Scope

PER_PERSON = 4
# Which findings go to whom, by the rule's family; the rest stay unassigned.
FAMILY_ROLE = {
    "completeness": Role.MARKETING,
    "topology": Role.INSPECTOR,
    "identity": Role.MARKETING,
}


def seed_findings(today: date) -> int:
    """Runs the rules over the whole demo archive; returns how many findings were assigned."""
    inspector = db.session.scalar(select(User).where(User.role == Role.INSPECTOR.value))
    if inspector is None:
        return 0
    run = services.begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    services.execute_run(run.id, Scope(), today=today)
    people = {
        role: db.session.scalar(select(User).where(User.role == role.value).order_by(User.id))
        for role in (Role.MARKETING, Role.INSPECTOR)
    }
    given: dict[int, int] = {}
    findings = db.session.scalars(
        select(Finding)
        .where(Finding.status == FindingStatus.OPEN.value)
        .options(selectinload(Finding.customer))
        .order_by(Finding.id)
    ).all()
    for finding in findings:
        role = FAMILY_ROLE.get(finding.family)
        owner = people.get(role) if role else None
        if owner is None and finding.customer is not None:
            owner_id = finding.customer.account_manager_id
        else:
            owner_id = owner.id if owner else None
        if owner_id is None or given.get(owner_id, 0) >= PER_PERSON:
            continue
        count = given.get(owner_id, 0)
        services.assign(
            finding, assignee_id=owner_id, due_on=today + timedelta(days=2 + 5 * count),
            note="", actor=inspector, expected_version=finding.version, today=today,
        )  # fmt: skip
        if count == 0:  # the first one of each person was due last week
            finding.due_on = today - timedelta(days=4)
        given[owner_id] = count + 1
    db.session.commit()
    return sum(given.values())
