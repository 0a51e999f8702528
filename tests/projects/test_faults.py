"""A crash in the middle of writing (simulated by an exception after part of the writes)
leaves the database as it was: a project's completion, and a workbook import."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.archive.test_workbook_import import customer_row, workbook
from tests.projects.conftest import accept, advance, new_connection, record_hv_metering
from utilitycrm.archive.models import ArchiveChange, Contact, Customer, Transformer
from utilitycrm.core.extensions import db
from utilitycrm.projects import completion


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _flushed_customers() -> int:
    """Customers the importing transaction itself sees (its own flushed rows included)."""
    return db.session.scalar(
        select(func.count()).select_from(Customer).where(Customer.account_no.like("31000005%"))
    )


def _crash(*args, **kwargs):
    raise RuntimeError("simulated crash after the transformers were written")


def test_a_crash_while_completing_a_project_changes_nothing(
    client, auth, manager, staff, monkeypatch
):
    project = accept(new_connection(factories.create_line(), manager, kva=(400,)), staff)
    record_hv_metering(project, ct_primary_a=30, meter_asset_no="3310009990001")
    day = advance(project, staff, until=lambda p: (p.current_stage.code, p.current_stage.status)
                  == ("archive", "running"))  # fmt: skip
    before = (_count(Transformer), _count(ArchiveChange))
    monkeypatch.setattr(completion, "_new_metering", _crash)
    auth.login("wang")
    response = client.post(f"/projects/{project.number}/finish",
                           data={"day": (day + timedelta(days=1)).isoformat()})  # fmt: skip
    assert response.status_code == 500
    assert (_count(Transformer), _count(ArchiveChange)) == before
    db.session.refresh(project)
    assert project.status == "active" and project.current_stage.code == "archive"
    assert db.session.get(Customer, project.customer_id).status == "applying"


def test_a_crash_in_the_middle_of_an_import_changes_nothing(runner, tmp_path, monkeypatch):
    from utilitycrm.archive.workbook import committing

    path = tmp_path / "archive.xlsx"
    path.write_bytes(workbook({
        "customers": [customer_row(), customer_row(account_no="3100000502")],
        "contacts": [{"account_no": "3100000501", "name": "张经理"}],
    }))  # fmt: skip
    real_load, written = committing._load, []

    def crash_at_the_contacts(model, ids):
        if model is Contact:  # its sheet comes after the customers, already flushed
            written.append(_flushed_customers())
            raise RuntimeError("simulated crash after the customers were written")
        return real_load(model, ids)

    monkeypatch.setattr(committing, "_load", crash_at_the_contacts)
    before = (_count(Customer), _count(ArchiveChange))
    result = runner.invoke(args=["archive", "import", str(path)])
    assert result.exit_code != 0 and written == [2]
    db.session.rollback()  # the crashed command's transaction ends uncommitted
    assert (_count(Customer), _count(ArchiveChange)) == before
