"""The contracts sheet of the archive workbook: the register of contracts signed before
utilitycrm (their paper is the original), added to the archive's import and export."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.workbook.layout import ACTION, CellProblem, Column, ExtraSheet, Sheet
from utilitycrm.contracts.models import Contract
from utilitycrm.contracts.types import ContractKind, ContractStatus
from utilitycrm.core.extensions import db

SHEET = Sheet("contracts", "供用电合同", "Supply contracts", (
    Column("number", "合同编号", "Contract no.", required=True),
    Column("account_no", "户号", "Account no.", required=True),
    Column("kind", "合同类型", "Kind", "enum", ContractKind, True),
    Column("status", "状态", "Status", "enum", ContractStatus, True),
    Column("signed_on", "签订日期", "Signed on", "date"),
    Column("starts_on", "生效日期", "In force from", "date"),
    Column("ends_on", "终止日期", "In force until", "date"),
    Column("customer_signatory", "用电人签字人", "Signed for the customer by"),
    Column("utility_signatory", "供电人签字人", "Signed for the supplier by"),
    # What the paper states; an empty cell is a term the contract rules do not compare.
    Column("paper_kva", "合同容量", "Contract capacity, kVA", "int"),
    Column("paper_demand_kw", "合同需量", "Contract demand, kW", "int"),
    Column("paper_line_code", "主供线路编号", "Main supply line no."),
    Column("paper_backup_line_code", "备用线路编号", "Backup supply line no."),
    Column("paper_tariff_code", "电价代码", "Tariff code"),
    Column("paper_boundary", "产权分界点", "Property boundary",
           note="双电源以；分隔 / one per source, separated by ;"),
    ACTION,
), ("number",))  # fmt: skip
REFERENCES = {
    "paper_line_code": ("lines", "paper_line_id"),
    "paper_backup_line_code": ("lines", "paper_backup_line_id"),
    "paper_tariff_code": ("tariffs", None),
}


def _rows(owner):
    main, backup = aliased(FeederLine), aliased(FeederLine)
    return (
        select(Contract.number, owner.account_no, Contract.kind, Contract.status,
               Contract.signed_on, Contract.starts_on, Contract.ends_on,
               Contract.customer_signatory, Contract.utility_signatory, Contract.paper_kva,
               Contract.paper_demand_kw, main.code.label("paper_line_code"),
               backup.code.label("paper_backup_line_code"), Contract.paper_tariff_code,
               Contract.paper_boundary)
        .join(owner, Contract.customer_id == owner.id)
        .outerjoin(main, Contract.paper_line_id == main.id)
        .outerjoin(backup, Contract.paper_backup_line_id == backup.id)
        .order_by(Contract.number)
    )  # fmt: skip


def _check_row(values: dict) -> Iterator[CellProblem]:
    for name in ("paper_kva", "paper_demand_kw"):
        if values.get(name) is not None and values[name] <= 0:
            yield name, str(values[name]), _l("Enter a number above 0, or leave the cell empty.")
    main = values.get("paper_line_code")
    if main and main == values.get("paper_backup_line_code"):
        yield ("paper_backup_line_code", main,
               _l("The backup line is another line than the main one."))  # fmt: skip
    in_force = (ContractStatus.SIGNED.value, ContractStatus.EXPIRED.value)
    if values.get("status") in in_force and not all(
        values.get(name) for name in ("signed_on", "starts_on", "ends_on")
    ):
        yield "signed_on", "", _l("A signed contract gives the day it was signed and its term.")
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on <= starts_on:
        yield "ends_on", ends_on.isoformat(), _l("The contract must end after it starts.")


def _check_plan(rows: list) -> Iterator[tuple[object, str, object]]:
    """A contract signed in utilitycrm is frozen: no import changes or deletes it."""
    touched = [row for row in rows if row.action in ("update", "delete")]
    if not touched:
        return
    frozen = set(
        db.session.scalars(
            select(Contract.id).where(
                Contract.id.in_([row.existing_id for row in touched]),
                Contract.frozen_data.is_not(None) | Contract.scan_sha256.is_not(None),
            )
        )
    )
    for row in touched:
        if row.existing_id in frozen:
            yield (
                row,
                "number",
                _l(
                    "This contract was signed or scanned in utilitycrm; it changes only on its own page."
                ),
            )


CONTRACTS_SHEET = ExtraSheet(
    SHEET, Contract, _rows, Contract.customer_id, references=REFERENCES,
    check_row=_check_row, check_plan=_check_plan,
)  # fmt: skip
