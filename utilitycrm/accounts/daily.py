"""The key-account work that runs by itself: the monthly value classification and the
daily plan (visits, document reminders, complaint escalation). Both are idempotent: run
twice on one day, the second run changes nothing. The caller commits."""

from __future__ import annotations

from datetime import date, datetime

from utilitycrm.accounts import classes, complaints, documents, visits


def run_classification(today: date, *, dry_run: bool = False):
    """Value classes A/B/C from the last twelve months; visit plans follow the classes."""
    changes, counts = classes.classify(today, dry_run=dry_run)
    if not dry_run:
        visits.plan_visits(today)
    return changes, counts


def run_daily(today: date, now: datetime) -> dict[str, int]:
    return {
        "visit_plans_changed": visits.plan_visits(today),
        "document_reminders_changed": documents.sync_document_reminders(today),
        "complaints_escalated": len(complaints.escalate_overdue(now=now, today=today)),
    }
