"""Due-soon and overdue alerts: listed for people in the app, mailed once by cron.

An alert is a deadline still open whose warning day has come; overdue once its due day
has passed. The mail goes once per deadline, level and recipient, whatever how often the
job or command runs (AlertDelivery keeps what was sent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Message
from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import selectinload

from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db, mail
from utilitycrm.deadlines.models import AlertDelivery, AlertLevel, Deadline
from utilitycrm.deadlines.services import Described, describe


@dataclass(frozen=True)
class Alert:
    deadline: Deadline
    level: AlertLevel
    described: Described


def _open_alert_query(today: date, *, owner_id: int | None, kinds: Sequence[str] | None):
    query = select(Deadline).where(Deadline.finished_on.is_(None), Deadline.warn_on <= today)
    if owner_id is not None:
        query = query.where(Deadline.owner_id == owner_id)
    if kinds:
        query = query.where(Deadline.kind.in_(kinds))
    return query


def open_alerts(
    today: date,
    *,
    owner_id: int | None = None,
    kinds: Sequence[str] | None = None,
) -> list[Alert]:
    """Alerts, most urgent first (overdue longest first, then soonest due)."""
    query = (
        _open_alert_query(today, owner_id=owner_id, kinds=kinds)
        .options(selectinload(Deadline.owner))
        .order_by(Deadline.due_on, Deadline.id)
    )
    deadlines = list(db.session.scalars(query))
    described = describe(deadlines)
    return [Alert(d, d.level(today), described[d.id]) for d in deadlines]


@dataclass(frozen=True)
class OwnerLoad:
    owner: User
    due_soon: int
    overdue: int


def load_by_owner(today: date, *, kinds: Sequence[str] | None = None) -> list[OwnerLoad]:
    """Each responsible person's due-soon and overdue counts, most overdue first."""
    alerts = _open_alert_query(today, owner_id=None, kinds=kinds).subquery()
    overdue = func.sum(case((alerts.c.due_on < today, 1), else_=0))
    rows = db.session.execute(
        select(alerts.c.owner_id, func.count(), overdue)
        .where(alerts.c.owner_id.is_not(None))
        .group_by(alerts.c.owner_id)
    ).all()
    owners = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))
    }
    loads = [OwnerLoad(owners[owner_id], total - late, late) for owner_id, total, late in rows]
    return sorted(loads, key=lambda load: (-load.overdue, -load.due_soon, load.owner.username))


def _unsent(alerts: Sequence[Alert]) -> list[Alert]:
    keys = [(a.deadline.id, a.level.value, a.deadline.owner_id) for a in alerts]
    sent = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        sent.update(
            db.session.execute(
                select(
                    AlertDelivery.deadline_id, AlertDelivery.level, AlertDelivery.recipient_id
                ).where(
                    tuple_(
                        AlertDelivery.deadline_id, AlertDelivery.level, AlertDelivery.recipient_id
                    ).in_(chunk)
                )
            ).all()
        )
    return [a for a, key in zip(alerts, keys, strict=True) if key not in sent]


@contextmanager
def public_urls() -> Iterator[None]:
    """Alerts link to pages: outside a request, URLs are built as seen from the public
    address."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        yield


@dataclass
class SendReport:
    mailed: int = 0  # messages
    alerts: int = 0  # alerts in them
    skipped_no_address: list[str] | None = None
    failed: list[str] | None = None


def send(alerts: Sequence[Alert], today: date) -> SendReport:
    """Mail each responsible person the alerts not sent to them yet, one message each,
    in their language; commits per person, so a failed mail is retried next time.
    Runs in a request context whose host is the app's public address (links)."""
    report = SendReport(skipped_no_address=[], failed=[])
    by_owner: dict[int, list[Alert]] = defaultdict(list)
    for alert in _unsent([a for a in alerts if a.deadline.owner_id is not None]):
        by_owner[alert.deadline.owner_id].append(alert)
    for items in by_owner.values():
        owner = items[0].deadline.owner  # loaded with the alerts (open_alerts)
        if not owner.email:
            report.skipped_no_address.append(owner.username)
            continue
        with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            message = Message(
                subject=_("utilitycrm: %(count)d deadlines need you", count=len(items)),
                recipients=[owner.email],
                body=render_template(
                    "deadlines/alert_mail.txt",
                    owner=owner,
                    alerts=items,
                    today=today,
                    url_root=request.host_url.rstrip("/"),
                ),
            )
        for alert in items:
            db.session.add(
                AlertDelivery(
                    deadline_id=alert.deadline.id, level=alert.level.value, recipient_id=owner.id
                )
            )
        try:
            db.session.flush()
            mail.send(message)
        except Exception as error:  # the SMTP server or a concurrent run: retried next time
            db.session.rollback()
            current_app.logger.warning("alert mail to %s failed: %s", owner.username, error)
            report.failed.append(owner.username)
            continue
        db.session.commit()
        report.mailed += 1
        report.alerts += len(items)
    return report
