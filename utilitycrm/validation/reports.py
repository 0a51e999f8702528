"""Findings as documents: the run's JSON, the workbook and the PDF report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from utilitycrm.extensions import db
from utilitycrm.validation.models import Finding, ValidationRun
from utilitycrm.validation.queries import OPEN_STATUSES


def finding_document(finding: Finding) -> dict:
    return {
        "id": finding.id,
        "rule": finding.rule_id,
        "family": finding.family,
        "severity": finding.severity,
        "status": finding.status,
        "customer": finding.customer.account_no if finding.customer else None,
        "line": finding.line.code if finding.line else None,
        "objects": finding.object_list,
        "message": finding.message,
        "assignee": finding.assignee.username if finding.assignee else None,
        "due_on": finding.due_on.isoformat() if finding.due_on else None,
        "first_run": finding.first_run_id,
        "last_run": finding.last_run_id,
    }


def run_document(run: ValidationRun) -> dict:
    """The run and the findings it saw open, as `validate run --json` writes them."""
    findings = db.session.scalars(
        select(Finding)
        .where(Finding.last_run_id == run.id, Finding.status.in_(OPEN_STATUSES))
        .options(
            selectinload(Finding.customer),
            selectinload(Finding.line),
            selectinload(Finding.assignee),
        )
        .order_by(Finding.id)
    )
    return {
        "run": {
            "id": run.id,
            "status": run.status,
            "scope": run.scope_dict,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "customers_checked": run.customers_checked,
            "counts": run.counts_dict,
            "indicators": run.indicators_dict,
            "thresholds_effective_on": (
                run.thresholds_effective_on.isoformat() if run.thresholds_effective_on else None
            ),
        },
        "findings": [finding_document(finding) for finding in findings],
    }
