"""Findings as documents: the run's JSON, the workbook and the PDF report.

The report and the workbook take the filters of the findings page, so an inspector
prints or downloads exactly what they are looking at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from utilitycrm.core.database import utcnow
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import label
from utilitycrm.core.pdf import render_pdf
from utilitycrm.core.spreadsheets import TableSheet, append_row, to_bytes
from utilitycrm.validation import queries
from utilitycrm.validation.models import Finding, FindingStatus, RunStatus, ValidationRun
from utilitycrm.validation.queries import OPEN_STATUSES, FindingFilters
from utilitycrm.validation.registry import Family, Severity


def finding_document(finding: Finding) -> dict:
    return {
        "id": finding.id,
        "rule": finding.rule_id,
        "family": finding.family,
        "severity": finding.severity,
        "status": finding.status,
        "customer": finding.customer.account_no if finding.customer else None,
        "line": finding.line.code if finding.line else None,
        "objects": finding.objects,
        "message": finding.message,
        "assignee": finding.assignee.username if finding.assignee else None,
        "due_on": finding.due_on.isoformat() if finding.due_on else None,
        "first_run": finding.first_run_id,
        "last_run": finding.last_run_id,
    }


def run_summary(run: ValidationRun) -> dict:
    return {
        "id": run.id,
        "status": run.status,
        "trigger": run.trigger,
        "scope": run.scope,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "customers_checked": run.customers_checked,
        "counts": run.counts,
        "indicators": run.indicators,
        "thresholds_effective_on": (
            run.thresholds_effective_on.isoformat() if run.thresholds_effective_on else None
        ),
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
    return {"run": run_summary(run), "findings": [finding_document(f) for f in findings]}


def latest_full_run() -> ValidationRun | None:
    """The last finished whole-archive run: the one whose indicators describe the archive."""
    return db.session.scalar(
        select(ValidationRun)
        .where(ValidationRun.status == RunStatus.DONE.value, ValidationRun.scope == {})
        .order_by(ValidationRun.id.desc())
        .limit(1)
    )


@dataclass
class Report:
    """What the PDF report shows; the findings list is capped, the counts are not."""

    filters: list[tuple[str, str]]
    generated_at: datetime
    today: date
    summary: dict
    by_status: dict[str, int]
    run: ValidationRun | None
    findings: list[Finding] = field(default_factory=list)
    total: int = 0

    @property
    def indicators(self) -> list[tuple[str, object]]:
        return indicator_rows(self.run) if self.run else []

    @property
    def omitted(self) -> int:
        return self.total - len(self.findings)

    def family_total(self, family: Family) -> int:
        return sum(self.summary["by_family"].get((family.value, s.value), 0) for s in Severity)


def build_report(
    filters: FindingFilters, described: list[tuple[str, str]], *, limit: int, today: date
) -> Report:
    base = queries.finding_query(filters).order_by(None).subquery()
    by_status = dict(
        db.session.execute(select(base.c.status, func.count()).group_by(base.c.status)).all()
    )
    findings = list(db.session.scalars(queries.finding_query(filters).limit(limit)))
    return Report(
        filters=described,
        generated_at=utcnow(),
        today=today,
        summary=queries.summary(filters),
        by_status=by_status,
        run=latest_full_run(),
        findings=findings,
        total=sum(by_status.values()),
    )


def report_pdf(report: Report) -> bytes:
    return render_pdf("pdf/validation_report.html", report=report)


def findings_workbook(filters: FindingFilters, described: list[tuple[str, str]]) -> BytesIO:
    """Every finding the filters select (streamed), after a summary sheet."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    append_row(summary, [_("Archive validation findings"), local_today()])
    for name, value in described:
        append_row(summary, [name, value])
    append_row(summary, [])
    counts = queries.summary(filters)["by_family"]
    append_row(summary, [_("Family"), *[severity.label for severity in Severity]])
    for family in Family:
        append_row(
            summary, [family.label, *[counts.get((family.value, s.value), 0) for s in Severity]]
        )
    run = latest_full_run()
    if run is not None:
        append_row(summary, [])
        for name, value in indicator_rows(run):
            append_row(summary, [name, value])
    table = TableSheet(
        workbook,
        _("Findings"),
        [
            _("Finding"), _("Severity"), _("Family"), _("Rule"),
            _("What is wrong"), _("Account number (户号)"), _("Customer name"), _("Line"),
            _("Objects"), _("Status"), _("Assigned to"), _("Rectify by"), _("First run"),
            _("Last run"),
        ],
    )  # fmt: skip
    for finding in db.session.scalars(
        queries.finding_query(filters).execution_options(yield_per=1000)
    ):
        table.append(
            [
                finding.id,
                label(finding.severity, Severity),
                label(finding.family, Family),
                str(finding.rule.title) if finding.rule else finding.rule_id,
                finding.message,
                finding.customer.account_no if finding.customer else None,
                finding.customer.name if finding.customer else None,
                finding.line.name if finding.line else None,
                "; ".join(ref["label"] for ref in finding.objects),
                label(finding.status, FindingStatus),
                finding.assignee.display_name if finding.assignee else None,
                finding.due_on,
                finding.first_run_id,
                finding.last_run_id,
            ],
        )
    return to_bytes(workbook)


def indicator_rows(run: ValidationRun) -> list[tuple[str, object]]:
    """The topology indicators of domain.md §3 as (name, value) rows of a run."""
    values = run.indicators

    def percent(key: str) -> str:
        value = values.get(key)
        return "—" if value is None else f"{value * 100:.2f}%"

    return [
        (_("Customers checked"), run.customers_checked),
        (_("中压拓扑关系准确率 (MV topology accuracy)"), percent("mv_accuracy")),
        (_("Dedicated transformers checked"), values.get("transformers", 0)),
        (_("Transformers on a wrong line"), values.get("transformers_wrong", 0)),
        (_("低压户变关系准确率 (LV customer-transformer accuracy)"), percent("lv_accuracy")),
        (_("Low-voltage customers checked"), values.get("lv_customers", 0)),
        (_("Customers on a wrong transformer"), values.get("lv_customers_wrong", 0)),
    ]
