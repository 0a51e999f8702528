"""Readings come in all or nothing; the 线损 pages, the workbook and the shell."""

from __future__ import annotations

import io
import json
import zipfile

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.clock import TODAY, month_text
from tests.network.conftest import MONTH
from tests.pdftext import pdf_text
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import Job
from utilitycrm.network import losses, readings
from utilitycrm.network.models import AreaReading, LineReading, LossResult

LINE_HEADERS = ["线路编号", "月份", "关口电量"]
AREA_HEADERS = ["公变编号", "月份", "台区供电量", "低压售电量"]


def book(lines=(), areas=()) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in (("线路关口电量", LINE_HEADERS, lines),
                                 ("台区电量", AREA_HEADERS, areas)):  # fmt: skip
        if rows:
            sheet = workbook.create_sheet(title)
            sheet.append(headers)
            for row in rows:
                sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stored() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(LineReading)),
            db.session.scalar(select(func.count()).select_from(AreaReading)))  # fmt: skip


def test_a_file_with_any_problem_writes_nothing_and_names_each(two_lines):
    before = stored()
    dedicated = two_lines.a.transformer.code
    data = book(
        lines=[(two_lines.east.code, month_text(2), 1000), ("L9999", month_text(2), 5),
               (two_lines.west.code, month_text(0), 5), (two_lines.west.code, month_text(2), -1),
               (two_lines.east.code, month_text(2), 7)],
        areas=[("G-01", month_text(2), 100, 90), (dedicated, month_text(2), 100, 90)],
    )  # fmt: skip
    result = readings.import_file(data, "r.xlsx", today=TODAY, dry_run=False)
    messages = {(p.row, p.message) for p in result.problems}
    assert (3, "没有此编号的线路。") in messages
    assert (4, "只记录已结束的月份。") in messages
    assert (5, "数值不能为负。") in messages
    assert (6, "同一对象同一月份出现两次（第 2 行）。") in messages
    assert (3, "没有此编号的公变。") in messages
    db.session.commit()
    assert stored() == before


def test_the_template_reads_back_empty_and_explains_its_columns(two_lines):
    template = readings.template_workbook().getvalue()
    book_ = load_workbook(io.BytesIO(template))
    assert book_.sheetnames == [
        "线路关口电量 line_readings",
        "台区电量 area_readings",
        "说明 notes",
    ]
    notes = [[c.value for c in row] for row in book_["说明 notes"].iter_rows()]
    assert any(row[1] == "最大需量 / Peak demand, kW" for row in notes)
    result = readings.import_file(template, "t.xlsx", today=TODAY, dry_run=True)
    assert not result.problems and result.count == 0


def test_a_clean_file_upserts_its_months_and_csv_in_a_zip_reads_the_same(two_lines):
    data = book(lines=[(two_lines.east.code, month_text(2), 1000)],
                areas=[("G-01", month_text(2), 100, 90)])  # fmt: skip
    result = readings.import_file(data, "r.xlsx", today=TODAY, dry_run=False)
    db.session.commit()
    assert not result.problems and (result.inserted, result.updated) == (2, 0)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("line_readings.csv", "线路编号,月份,关口电量\n"
                   f"{two_lines.east.code},{month_text(2)},1500\n"
                   f"{two_lines.west.code},{month_text(2)},2500\n")  # fmt: skip
    again = readings.import_file(archive.getvalue(), "r.zip", today=TODAY, dry_run=False)
    db.session.commit()
    assert not again.problems and (again.inserted, again.updated) == (1, 1)
    east = db.session.scalars(select(LineReading).where(LineReading.line_id == two_lines.east.id)
                              .order_by(LineReading.month)).first()  # fmt: skip
    assert east.supplied_kwh == 1500


def test_an_inspector_follows_the_worst_line_to_its_what_if(client, login_as, two_lines):
    db.session.get(LineReading, (two_lines.west.id, MONTH)).supplied_kwh = 250_000
    db.session.commit()
    losses.compute(MONTH, today=TODAY)
    db.session.commit()
    login_as(Role.INSPECTOR)
    page = client.get(f"/network/losses?month={month_text(1)}").get_data(as_text=True)
    assert "城东二线" in page and "20.0%" in page and "高损" in page
    assert page.index("城东二线") < page.index("城东一线")  # the worst first
    detail = client.get(f"/network/losses/lines/{two_lines.west.id}?month={month_text(1)}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "250,000" in text and 'id="loss-trend"' in text
    areas = client.get(f"/network/losses?month={month_text(1)}&kind=area").get_data(as_text=True)
    assert "G-01" in areas and "5.0%" in areas
    workbook = load_workbook(
        io.BytesIO(client.get(f"/network/losses.xlsx?month={month_text(1)}").data)
    )
    assert workbook.sheetnames == ["线路", "台区"]
    assert [c.value for c in workbook["线路"][2]][:2] == [two_lines.west.code, "城东二线"]
    report = client.get(f"/network/losses.pdf?month={month_text(1)}")
    assert report.mimetype == "application/pdf"
    text = pdf_text(report.data)
    assert "超出合理区间的线路" in text and "城东二线" in text and "20.0%" in text


def test_computing_a_month_from_the_page_is_a_job_and_imports_need_the_archive_right(
    client, login_as, auth, two_lines
):
    login_as(Role.INSPECTOR)
    response = client.post("/network/losses/compute", data={"month": month_text(1)})
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert response.status_code == 302 and f"/jobs/{job.id}" in response.location
    assert job.status.value == "done" and job.result["line"] == {"normal": 2}
    refused = client.post("/network/losses/compute", data={"month": month_text(0)},
                          follow_redirects=True)  # fmt: skip
    assert "尚未结束" in refused.get_data(as_text=True)
    assert client.get("/network/readings/import").status_code == 403
    auth.logout()
    login_as(Role.MARKETING)
    bad = client.post("/network/readings/import", data={
        "workbook": (io.BytesIO(book(lines=[("L9999", month_text(2), 5)])), "r.xlsx"),
    }, content_type="multipart/form-data")  # fmt: skip
    assert bad.status_code == 422 and "没有此编号的线路" in bad.get_data(as_text=True)


def test_the_shell_computes_a_month_and_writes_its_results(runner, two_lines, tmp_path):
    out = tmp_path / "losses.json"
    result = runner.invoke(args=["network", "losses", "--month", month_text(1), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "line: normal 2" in result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert {r["line_name"] for r in document["results"] if r["kind"] == "line"} == {
        "城东一线",
        "城东二线",
    }
    assert db.session.scalar(select(func.count()).select_from(LossResult)) == 3
    bad = runner.invoke(args=["network", "losses", "--month", "2026/10"])
    assert bad.exit_code != 0 and "2026-10" in bad.output


def test_the_shell_prints_open_capacity_and_exports_cim(runner, two_lines, tmp_path):
    out = tmp_path / "capacity.json"
    result = runner.invoke(args=["network", "capacity", "--line", two_lines.east.code,
                                 "--json", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "城东一线: open" in result.output and "radial" in result.output
    [east] = json.loads(out.read_text(encoding="utf-8"))["lines"]
    assert east["peak_source"] == "estimate" and east["open_kva"] == east["allowable_kva"] - 618
    assert runner.invoke(args=["network", "capacity", "--line", "L9999"]).exit_code != 0
    xml = tmp_path / "east.xml"
    exported = runner.invoke(args=["network", "cim", str(xml), "--line", two_lines.east.code])
    assert exported.exit_code == 0 and "1 Feeder" in exported.output
    assert "城东一线" in xml.read_text(encoding="utf-8")
