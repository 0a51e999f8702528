"""The contracts sheet: a utility's register of contracts signed on paper before utilitycrm,
imported with the archive, exported with it, undone with its batch."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.archive.test_workbook_import import content, count, messages, run, workbook
from tests.contracts.conftest import TODAY
from tests.factories import create_customer
from utilitycrm.archive.models import ImportBatch
from utilitycrm.archive.reverting import revert_batch
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.archive.workbook.layout import SHEETS_BY_KEY
from utilitycrm.auth.roles import Role
from utilitycrm.contracts import services
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline


def contract_row(**overrides) -> dict:
    row = {
        "number": "GY-2019-0815",
        "account_no": "3100000901",
        "kind": "hv",
        "status": "signed",
        "signed_on": date(2019, 12, 20),
        "starts_on": date(2020, 1, 1),
        "ends_on": date(2024, 12, 31),
        "customer_signatory": "赵总",
        "utility_signatory": "钱主任",
    }
    return {**row, **overrides}


def test_legacy_contracts_come_in_get_reminders_and_leave_with_their_batch(users):
    create_customer(account_no="3100000901")
    result = run(workbook({"contracts": [
        contract_row(),
        contract_row(number="GY-2026-0001", starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 15)),
    ]}))  # fmt: skip
    assert result.committed, messages(result)
    legacy = db.session.scalar(select(Contract).where(Contract.number == "GY-2019-0815"))
    assert (legacy.status, legacy.customer.account_no, legacy.frozen_data) == (
        "signed", "3100000901", None,
    )  # fmt: skip
    # The daily job opens the renewal reminders imported contracts lack, and expires the old.
    assert services.open_missing_reminders(TODAY) == 2
    assert services.expire_due(TODAY) == [legacy]
    db.session.commit()
    reminder = db.session.scalar(select(Deadline).where(Deadline.subject_id != legacy.id))
    assert reminder.due_on == date(2027, 1, 15)

    fresh = run(workbook({"contracts": [contract_row(number="GY-2026-0002")]}))
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.sha256 == fresh.sha256))
    revert_batch(batch, actor=users[Role.MARKETING])
    db.session.commit()
    assert count(Contract) == 2


def test_bad_contract_rows_are_refused_and_nothing_is_written():
    create_customer(account_no="3100000901")
    result = run(workbook({"contracts": [
        contract_row(number="GY-2", signed_on=None),
        contract_row(number="GY-3", ends_on=date(2019, 6, 1)),
        contract_row(number="GY-4", account_no="3100009999"),
        contract_row(number="GY-5", kind="mv"),
        contract_row(number="GY-5"),
    ]}))  # fmt: skip
    assert not result.committed
    text = "\n".join(messages(result))
    for expected in ("签订日期及期限", "合同终止日期须晚于生效日期",
                     "3100009999", "mv", "同一主键在文件中出现了两次"):  # fmt: skip
        assert expected in text, expected
    assert count(Contract) == 0


def test_a_contract_signed_here_is_not_changed_by_an_import(signed):
    row = contract_row(number=signed.number, account_no=signed.customer.account_no,
                       ends_on=date(2040, 1, 1))  # fmt: skip
    result = run(workbook({"contracts": [row]}))
    assert not result.committed
    assert "只能在其页面上变更" in "\n".join(messages(result))


def test_the_export_lists_the_register(signed):
    book = content(export_workbook().getvalue())
    (header, row) = book["供用电合同 contracts"]
    assert header == tuple(SHEETS_BY_KEY["contracts"].headers)
    assert row[:4] == (
        signed.number,
        signed.customer.account_no,
        "高压供用电合同",
        "已签订，履行中",
    )
