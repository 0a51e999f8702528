"""The workbook: template, whole-archive export, filtered exports, the CLI."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from tests.factories import (
    create_customer,
    create_line,
    create_meter,
    create_metering_point,
    create_node,
    create_source,
    create_transformer,
)
from utilitycrm.archive.workbook.layout import SHEETS, SHEETS_BY_KEY
from utilitycrm.auth.roles import Role


def sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(data), read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook}


def rows(book, key: str) -> list[dict]:
    layout = SHEETS_BY_KEY[key]
    header, *body = book[layout.title]
    assert list(header) == layout.headers
    keys = [column.key for column in layout.columns]
    return [dict(zip(keys, row, strict=False)) for row in body]


def small_archive():
    line = create_line(code="L0001", name="城东一线")
    customer = create_customer(account_no="3100000001", name="示范印染有限公司")
    source = create_source(customer, line, code="3100000001-S1")
    node = create_node(line, code="L0001-P003")
    create_transformer(customer, code="3100000001-T1", node_id=node.id, source_id=source.id)
    point = create_metering_point(customer, code="3100000001-M1")
    create_meter(point, asset_no="3310000000000000001")
    return line, customer


def test_template_has_every_sheet_headers_and_notes(client, login_as):
    login_as(Role.INSPECTOR)
    response = client.get("/archive/workbook-template.xlsx")
    assert response.status_code == 200
    book = sheets(response.data)
    assert list(book) == [sheet.title for sheet in SHEETS] + ["说明 notes"]
    for sheet in SHEETS:
        assert book[sheet.title] == [tuple(sheet.headers)]
    notes = "\n".join(" ".join(str(c) for c in row if c) for row in book["说明 notes"])
    assert "户号 / Account no." in notes
    assert "large_industry = 大工业 / Large industry (大工业)" in notes
    assert "hv_hv = 高供高计 / HV supply, HV metering (高供高计)" in notes


def test_export_writes_natural_keys_and_labels(runner, tmp_path):
    small_archive()
    path = tmp_path / "archive.xlsx"
    result = runner.invoke(args=["archive", "export", str(path)])
    assert result.exit_code == 0, result.output
    book = sheets(path.read_bytes())
    (customer,) = rows(book, "customers")
    assert (customer["account_no"], customer["category"], customer["voltage_kv"]) == (
        "3100000001",
        "大工业",
        "10 千伏",
    )  # the labels the import reads back as codes
    (source,) = rows(book, "sources")
    assert (source["code"], source["account_no"], source["line_code"]) == (
        "3100000001-S1",
        "3100000001",
        "L0001",
    )
    (transformer,) = rows(book, "transformers")
    assert (transformer["node_code"], transformer["source_code"]) == ("L0001-P003", "3100000001-S1")
    (point,) = rows(book, "metering_points")
    assert (point["ct_ratio"], point["pt_ratio"]) == ("40/5", "10000/100")
    (meter,) = rows(book, "meters")
    assert meter["metering_point_code"] == "3100000001-M1"
    assert rows(book, "lines")[0]["name"] == "城东一线"


def test_export_of_one_line(runner, tmp_path):
    _line, customer = small_archive()
    other = create_customer()
    create_source(other, create_line(code="L0002"))
    path = tmp_path / "line.xlsx"
    result = runner.invoke(args=["archive", "export", str(path), "--line", "L0001"])
    assert result.exit_code == 0, result.output
    book = sheets(path.read_bytes())
    assert [r["account_no"] for r in rows(book, "customers")] == [customer.account_no]
    assert [r["code"] for r in rows(book, "lines")] == ["L0001"]
    unknown = runner.invoke(args=["archive", "export", str(path), "--line", "L9999"])
    assert unknown.exit_code == 1 and "L9999" in unknown.output


def test_export_of_a_customer_search(client, login_as):
    small_archive()
    create_customer(name="城西机械有限公司")
    login_as(Role.INSPECTOR)
    response = client.get("/archive/customers/export.xlsx?q=示范印染")
    book = sheets(response.data)
    assert [r["name"] for r in rows(book, "customers")] == ["示范印染有限公司"]
    assert rows(book, "lines") == []  # a customer list carries no network
    assert len(rows(book, "meters")) == 1


def test_template_command(runner, tmp_path):
    path = tmp_path / "template.xlsx"
    assert runner.invoke(args=["archive", "template", str(path)]).exit_code == 0
    assert "说明 notes" in sheets(path.read_bytes())


def test_export_leaves_out_characters_a_cell_cannot_hold(client, login_as):
    """A name stored with a control character (from an older system, say) still exports."""
    create_customer(account_no="3100000002", name="示范\x01印染\x1f有限公司")
    login_as(Role.MARKETING)
    response = client.get("/archive/customers/export.xlsx")
    assert response.status_code == 200
    names = [row["name"] for row in rows(sheets(response.data), "customers")]
    assert names == ["示范印染有限公司"]
