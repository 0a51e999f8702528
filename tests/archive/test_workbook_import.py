"""Importing workbooks: round trip, upserts and deletes, and every bad file and bad cell
refused with a precise message and nothing written."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.clock import TODAY
from tests.conftest import empty_all_tables
from tests.factories import (
    create_customer,
    create_line,
    create_meter,
    create_metering_point,
    create_transformer,
)
from utilitycrm.archive.models import (
    ArchiveChange,
    ChangeSet,
    Customer,
    ImportBatch,
    Meter,
    MeteringPoint,
    PowerSource,
)
from utilitycrm.archive.workbook import importing
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.archive.workbook.importing import import_workbook
from utilitycrm.archive.workbook.layout import SHEETS_BY_KEY
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job, JobStatus
from utilitycrm.validation import engine
from utilitycrm.validation.registry import RULES
from utilitycrm.validation.snapshot import Scope


def workbook(sheets: dict[str, list[dict]], headers: dict[str, list[str]] | None = None) -> bytes:
    """A workbook in the import layout; `headers` replaces a sheet's header row."""
    book = Workbook()
    book.remove(book.active)
    for key, rows in sheets.items():
        layout = SHEETS_BY_KEY[key]
        sheet = book.create_sheet(layout.title)
        columns = [c.key for c in layout.columns]
        sheet.append((headers or {}).get(key) or layout.headers)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def customer_row(**overrides) -> dict:
    row = {
        "account_no": "3100000501",
        "name": "示范新材料有限公司",
        "category": "large_industry",
        "voltage_kv": "10",
        "contract_capacity_kva": 630,
        "tariff_structure": "single",
        "pf_standard": "0.90",
        "importance": "none",
        "status": "active",
    }
    row.update(overrides)
    return row


def run(data: bytes, filename: str = "archive.xlsx", dry_run: bool = False):
    result = import_workbook(data, filename, actor=None, dry_run=dry_run)
    if result.committed:
        db.session.commit()
    return result


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def messages(result) -> list[str]:
    return [f"{p.sheet}|{p.row}|{p.column}|{p.value}|{p.message}" for p in result.problems]


def content(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_export_import_into_an_empty_archive_export_is_identical(runner, app):
    result = runner.invoke(args=["demo", "seed", "--customers", "120", "--faults", "0"])
    assert result.exit_code == 0, result.output
    first = export_workbook().getvalue()
    empty_all_tables(keep=("app_user", "security_event"))
    assert count(Customer) == 0
    imported = run(first)
    assert imported.committed, messages(imported)[:5]
    assert content(export_workbook().getvalue()) == content(first)
    again = run(first, dry_run=True)
    assert {action for counts in again.plan.counts.values() for action in counts} == {"unchanged"}


def test_new_changed_and_unchanged_rows(app):
    create_customer(account_no="3100000502", name="旧名称", phone="13800138000")
    create_customer(account_no="3100000503", name="不变公司")
    data = workbook(
        {
            "customers": [
                customer_row(),
                customer_row(
                    account_no="3100000502",
                    name="新名称",
                    phone="13800138000",
                    category="large_industry",
                    contract_capacity_kva=630,
                    tariff_structure="two_part",
                    basic_charge_basis="capacity",
                ),
            ]
        }
    )
    preview = run(data, dry_run=True)
    assert preview.plan.counts["customers"] == {"insert": 1, "update": 1}
    assert count(Customer) == 2  # a dry run writes nothing
    result = run(data, filename="客户.xlsx")
    assert result.committed
    db.session.expire_all()
    assert (
        db.session.scalar(select(Customer.name).where(Customer.account_no == "3100000502"))
        == "新名称"
    )
    change_set = db.session.scalar(select(ChangeSet).where(ChangeSet.source == "import"))
    assert "客户.xlsx" in change_set.reason and result.sha256[:16] in change_set.reason
    fields = set(
        db.session.scalars(
            select(ArchiveChange.field).where(
                ArchiveChange.change_set_id == change_set.id, ArchiveChange.action == "update"
            )
        )
    )
    assert "name" in fields and "phone" not in fields


def test_delete_only_when_the_row_says_so(app):
    line = create_line(code="L0001")
    customer = create_customer(account_no="3100000504")
    from tests.factories import create_source

    create_source(customer, line, code="3100000504-S1")
    data = workbook(
        {
            "sources": [
                {
                    "code": "3100000504-S1",
                    "account_no": "3100000504",
                    "kind": "main",
                    "action": "删除",
                }
            ]
        }
    )
    assert run(data).committed
    assert count(PowerSource) == 0
    missing = run(
        workbook(
            {
                "sources": [
                    {"code": "NOPE", "account_no": "3100000504", "kind": "main", "action": "delete"}
                ]
            }
        )
    )
    assert "要求删除的记录在档案中不存在" in messages(missing)[0]


def test_cells_as_utilities_type_them(app):
    create_metering_point(create_customer(account_no="3100000505"), code="MP-5")
    data = workbook(
        {
            "customers": [
                customer_row(
                    account_no="３１０００００５０６ ",
                    name=" 示范纺织 ",
                    contract_capacity_kva="1,250",
                    is_time_of_use="是",
                    category="大工业",
                    pf_standard=0.9,
                )
            ],
            "meters": [
                {
                    "asset_no": "M-1",
                    "metering_point_code": "MP-5",
                    "accuracy": "0.5S",
                    "multiplier": 800,
                    "verified_on": datetime(2024, 5, 1),
                },
                {
                    "asset_no": "M-2",
                    "metering_point_code": "MP-5",
                    "accuracy": "0.5S",
                    "multiplier": "800",
                    "verified_on": "2024/5/1",
                },
                {},  # an empty row is skipped
                {
                    "asset_no": "M-3",
                    "metering_point_code": "MP-5",
                    "accuracy": "0.5S",
                    "multiplier": 800,
                    "verified_on": "2024年5月1日",
                },
            ],
        }
    )
    result = run(data)
    assert result.committed, messages(result)
    customer = db.session.scalar(select(Customer).where(Customer.account_no == "3100000506"))
    assert (customer.name, customer.contract_capacity_kva, customer.is_time_of_use) == (
        "示范纺织",
        1250,
        True,
    )
    dates = set(db.session.scalars(select(Meter.verified_on)))
    assert {d.isoformat() for d in dates} == {"2024-05-01"}


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        (
            {"customers": [customer_row(contract_capacity_kva="abc")]},
            "|2|合同容量 / Contract capacity, kVA|abc|",
        ),
        ({"customers": [customer_row(category="工业")]}, "|2|用电类别 / Category|工业|"),
        ({"customers": [customer_row(account_no="12345")]}, "户号须符合本单位格式"),
        ({"customers": [customer_row(name=None)]}, "|2|户名 / Name||"),
        ({"customers": [customer_row(), customer_row()]}, "|3|户号 / Account no.|3100000501|"),
        ({"customers": [customer_row(tariff_code="NO-SUCH")]}, "NO-SUCH"),
        (
            {"customers": [customer_row(account_manager="ghost")]},
            "|2|客户经理 / Account manager|ghost|",
        ),
        (
            {"sources": [{"code": "S-1", "account_no": "3100009999", "kind": "main"}]},
            "|2|户号 / Account no.|3100009999|",
        ),
        (
            {
                "sources": [
                    {"code": "S-1", "account_no": "3100000501", "kind": "main", "line_code": "L404"}
                ],
                "customers": [customer_row()],
            },
            "|2|线路编号 / Line no.|L404|",
        ),
        (
            {
                "meters": [
                    {
                        "asset_no": "M-9",
                        "metering_point_code": "MP-X",
                        "accuracy": "0.5S",
                        "multiplier": 1,
                        "verified_on": "2024-02-30",
                    }
                ]
            },
            "|2|检定日期 / Verified on|2024-02-30|",
        ),
        ({"customers": [customer_row(action="remove")]}, "“删除”（delete）"),
    ],
)
def test_bad_cells_are_refused_precisely_and_nothing_is_written(app, sheets, expected):
    result = run(workbook(sheets))
    assert not result.committed
    assert any(expected in message for message in messages(result)), messages(result)
    assert count(Customer) == 0 and count(PowerSource) == 0


def test_one_bad_row_stops_the_whole_file(app, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_ROWS", 2)  # rows before it were written already
    rows = [customer_row(account_no=f"31000006{n:02d}") for n in range(20)]
    rows[17]["voltage_kv"] = "66"
    result = run(workbook({"customers": rows}))
    assert not result.committed and len(result.problems) == 1
    assert count(Customer) == 0


def test_a_customer_naming_a_transformer_no_one_has_or_the_file_deletes_is_refused(app):
    create_transformer(None, code="GB-1", ownership="public")
    result = run(workbook({
        "customers": [customer_row(supply_transformer_code="GB-404"),
                      customer_row(account_no="3100000502", supply_transformer_code="GB-1")],
        "transformers": [{"code": "GB-1", "action": "delete"}],
    }))  # fmt: skip
    assert not result.committed
    assert sorted(messages(result)) == [
        "客户 customers|2|供电公变 / Supplying public transformer|GB-404|文件和档案中均无此记录。",
        "客户 customers|3|供电公变 / Supplying public transformer|GB-1|该行引用了文件中要删除的记录。",
    ]
    assert count(Customer) == 0


@pytest.mark.commits  # the app's own transactions, not a test's enclosing one
def test_an_import_is_kept_only_when_its_caller_commits(app):
    # On SQLite a savepoint opened first would be the whole transaction, committed by its
    # release: the rows would stay without their batch if anything after it failed.
    result = import_workbook(workbook({"customers": [customer_row()]}), "archive.xlsx",
                             actor=None, dry_run=False)  # fmt: skip
    assert result.committed
    db.session.rollback()
    assert count(Customer) == 0 and count(ImportBatch) == 0 and count(ChangeSet) == 0


TWINNED = "3310000000000000777"


def _meter_row(point: str) -> dict:
    return {"asset_no": TWINNED, "metering_point_code": point, "accuracy": "0.5S",
            "multiplier": 800}  # fmt: skip


def test_a_meter_number_on_two_customers_goes_in_and_the_first_validation_finds_it(app):
    """A legacy archive's error, not the file's: imported as it is, reported by the rule."""
    owner = create_customer(account_no="3100000701")
    create_meter(create_metering_point(owner, code="MP-A"), asset_no=TWINNED)
    create_metering_point(create_customer(account_no="3100000702"), code="MP-B")
    result = run(workbook({"meters": [_meter_row("MP-B")]}))
    assert result.committed and messages(result) == []
    holders = db.session.scalars(
        select(Customer.account_no)
        .join(MeteringPoint, MeteringPoint.customer_id == Customer.id)
        .join(Meter, Meter.metering_point_id == MeteringPoint.id)
        .where(Meter.asset_no == TWINNED)
        .order_by(Customer.account_no)
    )
    assert list(holders) == ["3100000701", "3100000702"]
    found, _ = engine.evaluate(Scope(), [RULES["identity.duplicate_meter"]], today=TODAY)
    others = sorted(item.hit.params["others"] for item in found.found.values())
    assert others == ["3100000701 (MP-A)", "3100000702 (MP-B)"]


def test_one_meter_twice_in_the_sheet_is_refused(app):
    create_metering_point(create_customer(account_no="3100000702"), code="MP-B")
    result = run(workbook({"meters": [_meter_row("MP-B"), _meter_row("MP-B")]}))
    assert not result.committed
    assert messages(result) == [
        f"电能表 meters|3|资产编号 / Asset no.|{TWINNED}|同一主键在文件中出现了两次。"
    ]


def test_wrong_headers(app):
    headers = list(SHEETS_BY_KEY["customers"].headers)
    headers[1] = "客户名字"
    unknown = run(workbook({"customers": [customer_row()]}, {"customers": headers}))
    assert any("客户名字" in m and "未知的列" in m for m in messages(unknown))
    short = [h for h in SHEETS_BY_KEY["customers"].headers if not h.startswith("户号")]
    missing = run(workbook({"customers": []}, {"customers": short}))
    assert any("户号 / Account no." in m for m in messages(missing))
    english_only = [h.split(" / ")[1] for h in SHEETS_BY_KEY["customers"].headers]
    assert run(workbook({"customers": [customer_row()]}, {"customers": english_only})).committed


def test_formulas_are_refused(app):
    book = Workbook()
    sheet = book.active
    sheet.title = SHEETS_BY_KEY["customers"].title
    sheet.append(SHEETS_BY_KEY["customers"].headers)
    sheet.append(
        [
            "3100000801",
            "示范",
            None,
            None,
            None,
            None,
            None,
            "large_industry",
            None,
            "10",
            "=300+330",
            None,
            None,
            "single",
            None,
            None,
            "0.90",
            None,
            "none",
            None,
            "active",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue())
    assert any("不接受公式" in m for m in messages(result))
    assert count(Customer) == 0


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"this is not a workbook", "archive.xlsx", "不是 Excel 工作簿"),
        (_zip({"hello.txt": b"hi"}), "archive.xlsx", "不是 Excel 工作簿"),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<x/>",
                    "xl/workbook.xml": b"<x/>",
                    "xl/vbaProject.bin": b"macro",
                }
            ),
            "archive.xlsm",
            "不接受含宏的工作簿",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<x/>",
                    "xl/workbook.xml": b"<x/>",
                    "xl/worksheets/sheet1.xml": b"\0" * (50 * 2**20),
                }
            ),
            "bomb.xlsx",
            "解压后远大于",
        ),
        (
            _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}),
            "broken.xlsx",
            "无法读取该工作簿",
        ),
        ("户号,户名\n".encode(), "random.csv", "CSV 文件请以工作表命名"),
    ],
)
def test_bad_files_are_refused(app, data, filename, expected):
    result = run(data, filename)
    assert not result.committed
    assert any(expected in message for message in messages(result)), messages(result)


def test_size_and_row_limits(app):
    app.config.update(IMPORT_MAX_BYTES=1000)
    try:
        assert "文件超过 0 MB" in messages(run(b"x" * 2000))[0]
    finally:
        app.config.update(IMPORT_MAX_BYTES=50 * 2**20)
    app.config.update(IMPORT_MAX_ROWS=3)
    try:
        rows = [customer_row(account_no=f"31000009{n:02d}") for n in range(5)]
        assert any("文件超过 3 行" in m for m in messages(run(workbook({"customers": rows}))))
    finally:
        app.config.update(IMPORT_MAX_ROWS=1_000_000)
    assert count(Customer) == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_sheet(app, encoding):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(SHEETS_BY_KEY["customers"].headers[:17])
    writer.writerow(
        [
            "3100001001",
            "示范食品有限公司",
            "",
            "",
            "",
            "",
            "",
            "large_industry",
            "",
            "10",
            "630",
            "",
            "",
            "single",
            "",
            "",
            "0.90",
        ]
    )
    result = run(text.getvalue().encode(encoding), "customers.csv")
    assert result.committed, messages(result)
    assert count(Customer) == 1


def test_cli_import_dry_run_and_errors(runner, tmp_path, app):
    path = tmp_path / "archive.xlsx"
    path.write_bytes(workbook({"customers": [customer_row()]}))
    dry = runner.invoke(args=["archive", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "insert 1" in dry.output and "nothing was written" in dry.output
    assert count(Customer) == 0
    done = runner.invoke(args=["archive", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert count(Customer) == 1
    path.write_bytes(workbook({"customers": [customer_row(voltage_kv="66")]}))
    bad = runner.invoke(args=["archive", "import", str(path)])
    assert bad.exit_code == 1 and "nothing was imported" in bad.output


def test_cli_import_waits_for_an_import_job_of_the_browser(runner, tmp_path):
    busy = Job(kind="archive.import", status=JobStatus.RUNNING)
    db.session.add(busy)
    db.session.commit()
    path = tmp_path / "archive.xlsx"
    path.write_bytes(workbook({"customers": [customer_row()]}))
    refused = runner.invoke(args=["archive", "import", str(path)])
    assert refused.exit_code == 1 and f"任务 {busy.id} 仍在修改档案" in refused.output
    assert count(Customer) == 0
    dry = runner.invoke(args=["archive", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0  # a check changes nothing: it need not wait
