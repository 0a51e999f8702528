"""An import tells how far it is: the rows read, checked and written, to the job's page
(with its counts) and to the shell."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.archive.test_workbook_import import customer_row, workbook
from utilitycrm.archive.models import ArchiveChange, Customer, PowerSource, Transformer
from utilitycrm.archive.workbook import importing
from utilitycrm.archive.workbook.importing import import_workbook
from utilitycrm.core.database import utcnow
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus


def _archive(customers: int) -> bytes:
    numbers = [f"31000005{n:02d}" for n in range(customers)]
    return workbook({
        "customers": [customer_row(account_no=number) for number in numbers],
        "sources": [{"code": f"S-{number}", "account_no": number, "kind": "main"}
                    for number in numbers],
    })  # fmt: skip


def test_the_stages_are_reported_in_order_and_the_chunks_resolve_their_references(app, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_ROWS", 2)
    heard: list[tuple[str, int, int | None]] = []
    sheets: list[tuple[str, str]] = []

    def progress(done, total=None, *, stage=None, part=""):
        heard.append((stage, done, total))
        if part and (stage, part) not in sheets:
            sheets.append((stage, part))

    result = import_workbook(_archive(5), "archive.xlsx", actor=None, dry_run=False,
                             progress=progress)  # fmt: skip
    assert result.committed
    stages = [stage for stage, _done, _total in heard]
    assert set(stages) == {importing.WRITING}  # read, checked and written a chunk at a time
    assert heard[-1] == (importing.WRITING, 10, 10)  # 5 customers and their 5 sources
    assert len(heard) > 3  # reported as it goes, not only at the end
    assert [total for _s, _done, total in heard] == [10] * len(heard)  # the sheets declare it
    writes = [done for _s, done, _total in heard]
    assert writes == sorted(writes)
    # The report names the sheet it is in, in the import's order.
    assert [part for _s, part in sheets] == ["customers", "sources"]
    # Sources written in later chunks than their customers still name them.
    db.session.commit()
    owners = db.session.scalars(select(PowerSource.customer_id)).all()
    assert len(owners) == 5 and set(owners) == set(db.session.scalars(select(Customer.id)))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN", "写入档案 · 客户 · 1,200 / 81,011 行"),
        ("en", "Writing the archive · Customers · 1,200 / 81,011 rows"),
    ],
)
def test_an_import_job_shows_its_sheet_and_rows_on_its_page(app, locale, expected):
    job = Job(kind="archive.import", status=JobStatus.RUNNING, done=1200, total=81_011,
              stage=importing.WRITING, part="customers",
              started_at=utcnow() - timedelta(seconds=30))  # fmt: skip
    with app.test_request_context(), force_locale(locale):
        assert job.summary.startswith(expected)
        assert "min" in job.summary or "分钟" in job.summary  # the time left


def test_the_shell_shows_each_stage_with_its_count(runner, tmp_path):
    path = tmp_path / "archive.xlsx"
    path.write_bytes(_archive(3))
    result = runner.invoke(args=["archive", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Writing the archive: 6 / 6 rows 100%" in result.output


def test_records_written_in_bulk_have_the_history_of_records_written_one_by_one(app):
    """One change set; each record's insert with its whole snapshot, on its customer's
    history (a meter through its metering point); the customer names the public
    transformer the same file creates later."""
    number = "3100000601"
    data = workbook({
        "customers": [customer_row(account_no=number, supply_transformer_code="GB-1")],
        "transformers": [{"code": "GB-1", "kind": "transformer", "ownership": "public",
                          "rated_kva": 400, "state": "running"}],
        "metering_points": [{"code": "MP-601", "account_no": number, "method": "lv_lv",
                             "wiring": "3p4w", "metering_class": "III"}],
        "meters": [{"asset_no": "3310000000601", "metering_point_code": "MP-601",
                    "accuracy": "1", "multiplier": 1}],
    })  # fmt: skip
    result = import_workbook(data, "archive.xlsx", actor=None, dry_run=False)
    assert result.committed, [p.message for p in result.problems]
    db.session.commit()
    customer = db.session.scalar(select(Customer).where(Customer.account_no == number))
    changes = db.session.scalars(select(ArchiveChange).order_by(ArchiveChange.id)).all()
    assert {change.change_set_id for change in changes} == {result.batch.change_set_id}
    by_type = {(c.object_type, c.action): c for c in changes}
    meter = by_type[("meter", "insert")]
    assert meter.customer_id == customer.id and meter.object_version == 1
    assert json.loads(meter.new_value) == {
        "asset_no": "3310000000601", "metering_point_id": str(customer.metering_points[0].id),
        "model": None, "accuracy": "1", "multiplier": "1", "installed_on": None,
        "verified_on": None,
    }  # fmt: skip
    inserted = by_type[("customer", "insert")]
    assert json.loads(inserted.new_value)["supply_transformer_id"] == str(
        customer.supply_transformer_id
    )  # the transformer the same file creates, named in the insert itself
    assert db.session.get(Transformer, customer.supply_transformer_id).code == "GB-1"
    assert customer.version == 1
    assert ("customer", "update") not in by_type
