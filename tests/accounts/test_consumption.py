"""The consumption import (all or nothing, every bad row named), rankings and the chart."""

from __future__ import annotations

import io
from datetime import datetime, time
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import func, select

from tests.accounts.conftest import TODAY, managed, months
from tests.clock import month_start, month_text
from utilitycrm.accounts import consumption
from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.accounts.pictures import consumption_chart
from utilitycrm.core.extensions import db

HEADERS = ["户号", "月份", "电量", "电费"]


def book(rows, headers=HEADERS, title="月度电量电费") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(data: bytes, filename="consumption.xlsx", dry_run=False):
    result = consumption.import_file(data, filename, today=TODAY, dry_run=dry_run)
    db.session.commit()
    return result


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(MonthlyConsumption))


def test_an_import_upserts_months_in_any_way_they_are_written(manager):
    customer = managed(manager)
    three = month_start(3)
    data = book([
        (customer.account_no, month_text(2), 120000, 72000.5),
        (customer.account_no, datetime.combine(month_start(1), time()), "１２５０００", "75,000.00"),
        (f" {customer.account_no} ", f"{three.year}年{three.month}月", 118000, 70800),  # spaces
        (None, None, None, None),  # an empty row
    ])  # fmt: skip
    assert run(data, dry_run=True).problems == [] and stored() == 0
    result = run(data)
    assert (result.committed, result.inserted, result.updated) == (True, 3, 0)
    again = run(book([(customer.account_no, month_text(1), 130000, 78000)]))
    assert (again.inserted, again.updated) == (0, 1)
    last = db.session.get(MonthlyConsumption, (customer.id, month_start(1)))
    assert (last.kwh, last.amount_yuan) == (130000, Decimal("78000.00"))


def test_every_bad_row_is_named_and_nothing_is_written(manager):
    customer = managed(manager)
    five = month_start(5)
    result = run(book([
        (customer.account_no, f"{TODAY.year}-13", 1, 1),
        (customer.account_no, month_text(0), 1, 1),  # the month is not over
        (customer.account_no, month_text(2), -5, 1),
        (customer.account_no, month_text(3), "很多", 1),
        ("3100099999", month_text(4), 1, 1),
        (customer.account_no, month_text(5), 1, 1),
        (customer.account_no, f"{five.year}/{five.month}", 2, 2),
        (customer.account_no, month_text(6), None, 1),
    ]))  # fmt: skip
    assert not result.committed and stored() == 0
    found = {(p.row, p.message) for p in result.problems}
    expected = {
        (2, "应为月份，如 2026-10。"),
        (3, "只记录已结束的月份。"),
        (4, "数值不能为负。"),
        (5, "应为整数。"),
        (6, "没有此户号的客户。"),
        (8, "同一客户同一月份出现了两次（第 7 行）。"),
        (9, "此列必填。"),
    }
    assert expected <= found, found


def test_files_that_are_not_consumption_sheets_are_refused(manager):
    assert run(b"PK\x03\x04 not really").problems
    wrong = run(book([("x", "2026-01", 1, 1)], headers=["户号", "月", "电量", "电费"]))
    assert any("必填" in p.message or "未知" in p.message for p in wrong.problems)
    csv = run("户号,月份,电量,电费\n3100099999,2026-01,1,1\n".encode(), filename="consumption.csv")
    assert [p.message for p in csv.problems] == ["没有此户号的客户。"]
    assert stored() == 0


def test_rankings_by_energy_and_growth(manager):
    steady, growing, new = managed(manager), managed(manager), managed(manager)
    months(steady, {1: 500_000, 13: 500_000})
    months(growing, {1: 300_000, 13: 100_000})
    months(new, {1: 50_000})
    last_month = month_start(1)
    top = consumption.ranking(last_month, limit=10)
    assert [r.customer.id for r in top] == [steady.id, growing.id, new.id]
    assert top[1].change == 2.0 and top[2].change is None
    growth = consumption.ranking(last_month, limit=10, by="growth")
    assert [r.customer.id for r in growth] == [growing.id, steady.id]


def test_the_chart_has_a_bar_per_recorded_month(manager):
    customer = managed(manager)
    months(customer, {1: 100, 2: 200, 30: 999})  # 30 months back: outside the chart
    chart = consumption_chart(consumption.months_of(customer.id, TODAY), TODAY)
    assert [b.month for b in chart.bars] == [month_text(2), month_text(1)]
    assert chart.bars[0].height == 2 * chart.bars[1].height  # 200 kWh against 100
    assert chart.max_kwh == 200
