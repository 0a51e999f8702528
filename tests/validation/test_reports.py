"""The findings report (PDF) and workbook: what the findings page shows, on paper."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from tests.pdftext import pdf_text
from tests.validation.dbarchive import change, key_account
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding


def _two_problems(runner):
    """Two customers: one with a wrong multiplier, one without a phone; a full run."""
    broken = key_account()
    change(broken.meter, multiplier=80)
    quiet = key_account(broken.line, tariff=False, phone=None)
    assert runner.invoke(args=["validate", "run"]).exit_code == 0
    return broken, quiet


def test_the_pdf_report_holds_summary_indicators_and_findings(client, login_as, runner):
    broken, quiet = _two_problems(runner)
    inspector = login_as(Role.INSPECTOR)
    response = client.get("/validation/findings/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "档案核查报告" in text
    assert "中压拓扑关系准确率" in text and "100.00%" in text
    assert broken.customer.account_no in text and quiet.customer.account_no in text
    assert "综合倍率" in text and broken.line.name in text
    assert inspector.display_name in text  # who printed it


def test_the_pdf_report_follows_the_filters(client, login_as, runner):
    broken, quiet = _two_problems(runner)
    login_as(Role.INSPECTOR)
    text = pdf_text(client.get("/validation/findings/report.pdf?family=metering").data)
    assert broken.customer.account_no in text
    assert quiet.customer.account_no not in text
    assert "计量" in text  # the filter is printed in the heading


def test_a_long_report_says_how_many_findings_it_leaves_out(app, client, login_as, runner):
    _two_problems(runner)
    login_as(Role.INSPECTOR)
    app.config["REPORT_MAX_FINDINGS"] = 1
    try:
        text = pdf_text(client.get("/validation/findings/report.pdf").data)
    finally:
        app.config["REPORT_MAX_FINDINGS"] = 2_000
    assert "前 1 条" in text and "共 2 条" in text


def test_the_workbook_lists_every_finding_with_its_message(client, login_as, runner):
    broken, quiet = _two_problems(runner)
    login_as(Role.MARKETING)
    response = client.get("/validation/findings/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.data), read_only=True)
    rows = list(workbook["核查问题"].iter_rows(values_only=True))
    findings = db.session.scalars(select(Finding)).all()
    assert len(rows) == 1 + len(findings) == 3
    by_customer = {row[5]: row for row in rows[1:]}
    assert "CT × PT 为 800" in by_customer[broken.customer.account_no][4]
    assert by_customer[quiet.customer.account_no][1] == "警告"
    sheet = load_workbook(BytesIO(response.data))["核查问题"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N3"
    summary = [row for row in workbook["汇总"].iter_rows(values_only=True) if row]
    assert any(row[0] == "计量" and row[1] == 1 for row in summary)


def test_the_workbook_follows_the_filters(client, login_as, runner):
    _broken, quiet = _two_problems(runner)
    login_as(Role.MARKETING)
    data = client.get("/validation/findings/export.xlsx?severity=warning").data
    rows = list(
        load_workbook(BytesIO(data), read_only=True)["核查问题"].iter_rows(values_only=True)
    )
    assert [row[5] for row in rows[1:]] == [quiet.customer.account_no]


def test_a_large_workbook_is_written_by_a_job_its_starter_downloads(
    app, client, login_as, runner, tmp_path
):
    _broken, quiet = _two_problems(runner)
    login_as(Role.MARKETING)
    app.config.update(REPORT_DIRECT_ROWS=1, JOBS_FILES_FOLDER=str(tmp_path))
    try:
        response = client.get("/validation/findings/export.xlsx?severity=warning")
        assert client.get("/validation/findings/export.xlsx").status_code == 302
        assert response.status_code == 200  # one finding: still written at once
        page = client.get("/validation/findings/export.xlsx", follow_redirects=True)
        html = page.get_data(as_text=True)
        assert page.request.path.startswith("/jobs/") and 'id="job-download"' in html
        assert "下载 findings-2026-11-23.xlsx" in html
        download = client.get(page.request.path + "/file")
        assert (
            download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
        )
        rows = list(load_workbook(BytesIO(download.data), read_only=True)["核查问题"].iter_rows(
            values_only=True))  # fmt: skip
        assert len(rows) == 3 and quiet.customer.account_no in [row[5] for row in rows]
        kept = [path.name for path in tmp_path.iterdir()]
        assert len(kept) == 2 and all(name.startswith("job-") for name in kept)  # no .partial
        client.post("/logout")
        login_as(Role.INSPECTOR)  # another user: the file is not theirs
        assert client.get(page.request.path + "/file").status_code == 403
    finally:
        app.config.update(REPORT_DIRECT_ROWS=5_000, JOBS_FILES_FOLDER=None)
