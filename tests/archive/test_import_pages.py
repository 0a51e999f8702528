"""Importing from the browser: check, preview, commit; problems shown and downloadable."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select, text

from tests.archive.form_data import customer_form
from tests.archive.test_workbook_import import customer_row, run, workbook
from tests.htmlforms import page_forms
from utilitycrm.archive.models import Customer, ImportBatch
from utilitycrm.auth.roles import Role
from utilitycrm.core import jobs
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus


def upload(client, data: bytes, name: str = "客户档案.xlsx"):
    return client.post(
        "/archive/import",
        data={"workbook": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def customers() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Customer))


def commit_form(page: str) -> dict[str, str]:
    """The commit form as the preview rendered it (the file, its name, the mark)."""
    (form,) = [f for f in page_forms("/archive/import", page) if f.action.endswith("/commit")]
    return form.values()


def test_check_then_commit(client, login_as):
    login_as(Role.MARKETING)
    preview = upload(client, workbook({"customers": [customer_row()]}))
    page = preview.get_data(as_text=True)
    assert 'id="import-counts"' in page and 'id="commit-form"' in page
    assert customers() == 0  # checking writes nothing
    done = client.post("/archive/import/commit", data=commit_form(page), follow_redirects=True)
    assert 'id="import-done"' in done.get_data(as_text=True)
    assert done.request.path.startswith("/archive/import/jobs/")
    assert customers() == 1


def test_problems_are_listed_and_downloadable(client, login_as):
    login_as(Role.MARKETING)
    page = upload(client, workbook({"customers": [customer_row(voltage_kv="66")]})).get_data(
        as_text=True
    )
    assert 'id="import-refused"' in page and 'id="commit-form"' not in page
    assert "供电电压 / Voltage, kV" in page and "66" in page
    link = page.split('id="problems-download"')[0].rsplit('href="', 1)[1].split('"')[0]
    sheet = load_workbook(io.BytesIO(client.get(link).data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1:4] == (2, "供电电压 / Voltage, kV", "66")
    assert customers() == 0


def test_wrong_kind_of_file_and_missing_file(client, login_as):
    login_as(Role.MARKETING)
    refused = upload(client, b"MZ\x90\x00", "setup.exe").get_data(as_text=True)
    assert "只接受" in refused or "invalid-feedback" in refused
    empty = client.post("/archive/import", data={}, content_type="multipart/form-data")
    assert "invalid-feedback" in empty.get_data(as_text=True)


def test_commit_of_an_unknown_file(client, login_as):
    login_as(Role.MARKETING)
    response = client.post(
        "/archive/import/commit", data={"sha256": "0" * 64, "filename": "x"}, follow_redirects=True
    )
    assert "upload it again" in response.get_data(as_text=True) or "重新上传" in response.get_data(
        as_text=True
    )
    assert client.get("/archive/import/../../etc/passwd/problems.xlsx").status_code == 404


def test_the_import_page_takes_files_larger_than_other_forms(client, app, login_as):
    login_as(Role.MARKETING)
    data = workbook({"customers": [customer_row()]})
    app.config.update(MAX_CONTENT_LENGTH=len(data) // 2)
    try:
        assert client.post("/profile", data={"display_name": "x" * len(data)}).status_code == 413
        assert 'id="commit-form"' in upload(client, data).get_data(as_text=True)
    finally:
        app.config.update(MAX_CONTENT_LENGTH=16 * 1024 * 1024)


def test_a_commit_never_overwrites_what_was_edited_after_its_check(client, login_as):
    rows = [customer_row(account_no=f"31000060{n:02d}", name=f"旧名称{n}") for n in range(100)]
    assert run(workbook({"customers": rows})).committed
    login_as(Role.MARKETING)
    renamed = [{**row, "name": f"新名称{n}"} for n, row in enumerate(rows)]
    page = upload(client, workbook({"customers": renamed})).get_data(as_text=True)
    edited = db.session.scalar(select(Customer).where(Customer.account_no == "3100006042"))
    saved = client.post(f"/archive/customers/{edited.account_no}/edit",
                        data=customer_form(edited, name="客户经理改的名称"))  # fmt: skip
    assert saved.status_code == 302
    refused = client.post(
        "/archive/import/commit", data=commit_form(page), follow_redirects=True
    ).get_data(as_text=True)
    assert "检查之后档案已有变化" in refused and "3100006042" in refused
    db.session.expire_all()
    names = dict(db.session.execute(select(Customer.account_no, Customer.name)).all())
    assert names["3100006042"] == "客户经理改的名称"
    assert names["3100006043"] == "旧名称43"  # nothing of the file was written
    again = upload(client, workbook({"customers": renamed})).get_data(as_text=True)
    assert 'id="import-done"' in client.post("/archive/import/commit", data=commit_form(again),
                                             follow_redirects=True).get_data(as_text=True)  # fmt: skip


def test_an_import_is_a_job_done_once_and_refused_while_another_changes_the_archive(
    client, login_as, clock
):
    login_as(Role.MARKETING)
    page = upload(client, workbook({"customers": [customer_row()]})).get_data(as_text=True)
    busy = Job(kind="archive.undo", status=JobStatus.RUNNING)
    db.session.add(busy)
    db.session.commit()
    refused = client.post("/archive/import/commit", data=commit_form(page), follow_redirects=True)
    assert f"任务 {busy.id} 仍在修改档案" in refused.get_data(as_text=True) and customers() == 0
    db.session.delete(busy)
    db.session.commit()
    done = client.post("/archive/import/commit", data=commit_form(page), follow_redirects=True)
    assert 'id="import-done"' in done.get_data(as_text=True) and customers() == 1
    job = db.session.scalars(select(Job).where(Job.kind == "archive.import")).one()
    batch = db.session.scalars(select(ImportBatch)).one()
    assert batch.job_id == job.id and job.result["batch_id"] == batch.id
    # Its worker "dies" after the commit: the job taken over finds its batch, imports nothing.
    job.status, job.heartbeat_at = JobStatus.RUNNING, job.finished_at
    db.session.commit()
    clock.shift(timedelta(minutes=2))
    assert jobs.recover() == 1
    db.session.expire_all()
    assert db.session.get(Job, job.id).status is JobStatus.DONE and customers() == 1
    undone = client.post(f"/archive/imports/{batch.id}/undo", follow_redirects=True)
    assert 'id="undo-done"' in undone.get_data(as_text=True) and customers() == 0


def test_a_large_import_leaves_the_planner_statistics_of_the_archive_it_made(
    client, login_as, monkeypatch
):
    from utilitycrm.archive import jobs as archive_jobs

    monkeypatch.setattr(archive_jobs, "BULK_ROWS", 3)  # 10,000 rows in production
    login_as(Role.MARKETING)
    rows = [customer_row(account_no=f"310000060{n}", name=f"统计客户{n}") for n in range(3)]
    page = upload(client, workbook({"customers": rows})).get_data(as_text=True)
    client.post("/archive/import/commit", data=commit_form(page))
    assert customers() == 3
    assert _planned_customers() == 3


def _planned_customers() -> int:
    """How many customers the planner believes the table holds."""
    if db.engine.dialect.name == "sqlite":
        stat = db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'customer'"))
        return int(stat.split()[0])  # "rows [rows per key…]"
    return int(db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'customer'")))
