"""Every change to the archive is recorded once, with old and new values, and never lost."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.archive.form_data import customer_form
from tests.clock import TODAY
from tests.factories import create_customer, create_line, create_source
from utilitycrm.archive.history import ChangeSource, UnrecordedChangeError, recording
from utilitycrm.archive.models import ArchiveChange, ChangeSet, Customer
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def changes(**where) -> list[ArchiveChange]:
    db.session.expire_all()
    query = select(ArchiveChange).order_by(ArchiveChange.id)
    for key, value in where.items():
        query = query.where(getattr(ArchiveChange, key) == value)
    return list(db.session.scalars(query))


def test_insert_is_one_row_with_the_whole_record():
    customer = create_customer(name="示范印染有限公司")
    (insert,) = changes(object_type="customer", object_id=customer.id)
    assert insert.action == "insert"
    assert insert.customer_id == customer.id
    assert json.loads(insert.new_value)["name"] == "示范印染有限公司"


def test_update_records_each_changed_field_once(client, login_as):
    customer = create_customer(phone="13800138000", address="旧地址")
    user = login_as(Role.MARKETING)
    with recording(user, source=ChangeSource.FORM, reason="客户来电更正"):
        customer.phone = "13900139000"
        customer.address = "新地址"
        customer.name = customer.name  # unchanged: not recorded
        db.session.commit()
    updates = changes(object_type="customer", object_id=customer.id, action="update")
    assert {(c.field, c.old_value, c.new_value) for c in updates} == {
        ("phone", "13800138000", "13900139000"),
        ("address", "旧地址", "新地址"),
    }
    change_set = db.session.get(ChangeSet, updates[0].change_set_id)
    assert change_set.actor_id == user.id and change_set.reason == "客户来电更正"
    assert all(c.object_version == 2 for c in updates)


def test_delete_keeps_the_record_in_the_history():
    customer = create_customer()
    source = create_source(customer, create_line())
    source_id = source.id
    with recording(None, source=ChangeSource.SYSTEM):
        db.session.delete(source)
        db.session.commit()
    (deleted,) = changes(object_type="power_source", action="delete")
    assert deleted.object_id == source_id
    assert deleted.customer_id == customer.id
    assert json.loads(deleted.old_value)["property_boundary"] == "1号杆T接开关负荷侧"


def test_a_change_outside_a_recording_block_is_refused():
    customer = create_customer(phone="13800138000")
    customer.phone = "13900139000"
    with pytest.raises(UnrecordedChangeError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Customer, customer.id).phone == "13800138000"


def test_a_rolled_back_change_leaves_no_history():
    customer = create_customer()
    before = len(changes())
    with recording(None, source=ChangeSource.SYSTEM):
        customer.phone = "13700137000"
        db.session.flush()
        db.session.rollback()
    assert len(changes()) == before
    assert db.session.scalar(select(func.count()).select_from(ChangeSet)) == before


def test_history_page_and_export(client, login_as):
    customer = create_customer(phone="13800138000")
    user = login_as(Role.MARKETING)
    response = client.post(
        f"/archive/customers/{customer.account_no}/edit",
        data=customer_form(customer, phone="13900139000", reason="电话变更"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/archive/customers/{customer.account_no}/history").get_data(as_text=True)
    assert "13800138000" in page and "13900139000" in page and "电话变更" in page
    export = client.get(f"/archive/customers/{customer.account_no}/history.xlsx")
    assert export.status_code == 200
    name = f"history-{customer.account_no}-{TODAY.isoformat()}.xlsx"  # the Beijing day
    assert name in export.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(export.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    changed = next(row for row in rows if row[6] == "电话")
    assert changed[1:] == [
        user.display_name, "表单", "电话变更", f"客户 {customer.account_no}", "修改", "电话",
        "13800138000", "13900139000", None,
    ]  # fmt: skip
    # The header stays in view and filters every column.
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{len(rows)}"


def test_history_names_fields_and_references(client, login_as):
    customer = create_customer()
    old_line, new_line = create_line(name="城东一线"), create_line(name="城西二线")
    source = create_source(customer, old_line)
    user = login_as(Role.MARKETING)
    with recording(user, source=ChangeSource.FORM):
        source.line_id, source.line_name = new_line.id, new_line.name
        db.session.commit()
    page = client.get(f"/archive/customers/{customer.account_no}/history").get_data(as_text=True)
    assert "10 千伏线路" in page  # the form's label, not line_id
    assert "城东一线" in page and "城西二线" in page and f"#{old_line.id}" not in page
