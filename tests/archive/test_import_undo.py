"""Import batches: recorded, listed, and undone whole while nothing later touched them."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.archive.test_workbook_import import customer_row, run, workbook
from tests.factories import create_customer, create_line, create_source
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import Customer, ImportBatch, PowerSource
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db


def customer(account_no: str) -> Customer | None:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.account_no == account_no))


def test_a_batch_is_recorded_with_its_file_and_counts(app):
    result = run(workbook({"customers": [customer_row()]}), filename="第一批.xlsx")
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.file_name, batch.sha256) == ("第一批.xlsx", result.sha256)
    assert batch.counts == {"customers": {"insert": 1}}


def test_undo_restores_inserts_updates_and_deletes(client, login_as):
    kept = create_customer(account_no="3100000801", name="原名称")
    line = create_line(code="L0001")
    doomed = create_source(kept, line, code="3100000801-S1", property_boundary="原分界点")
    data = workbook(
        {
            "customers": [customer_row(), customer_row(account_no="3100000801", name="改后名称")],
            "sources": [
                {
                    "code": "3100000801-S1",
                    "account_no": "3100000801",
                    "kind": "main",
                    "action": "delete",
                }
            ],
        }
    )
    assert run(data).committed
    assert customer("3100000501") is not None and customer("3100000801").name == "改后名称"
    login_as(Role.MARKETING)
    batch = db.session.scalar(select(ImportBatch))
    page = client.get("/archive/imports").get_data(as_text=True)
    assert "客户 customers: 新增 1，修改 1" in page
    response = client.post(f"/archive/imports/{batch.id}/undo", follow_redirects=True)
    assert f"第 {batch.id} 次导入已撤销" in response.get_data(as_text=True)
    assert customer("3100000501") is None
    assert customer("3100000801").name == "原名称"
    restored = db.session.get(PowerSource, doomed.id)
    assert restored is not None and restored.property_boundary == "原分界点"
    again = client.post(f"/archive/imports/{batch.id}/undo", follow_redirects=True)
    assert "已撤销过" in again.get_data(as_text=True)


def test_undo_is_refused_once_a_record_changed_afterwards(client, login_as):
    assert run(workbook({"customers": [customer_row()]})).committed
    later = customer("3100000501")
    with recording(None, source=ChangeSource.FORM):
        later.phone = "13900139000"
        db.session.commit()
    login_as(Role.MARKETING)
    batch = db.session.scalar(select(ImportBatch))
    response = client.post(f"/archive/imports/{batch.id}/undo", follow_redirects=True)
    assert "之后已被修改" in response.get_data(as_text=True)
    assert customer("3100000501") is not None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ImportBatch)
            .where(ImportBatch.reverted_at.is_not(None))
        )
        == 0
    )
