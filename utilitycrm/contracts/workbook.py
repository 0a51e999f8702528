"""The contracts sheet of the archive workbook: the register of contracts signed before
utilitycrm (their paper is the original), added to the archive's import and export."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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
    ACTION,
), ("number",))  # fmt: skip


def _rows(owner):
    return (
        select(Contract.number, owner.account_no, Contract.kind, Contract.status,
               Contract.signed_on, Contract.starts_on, Contract.ends_on,
               Contract.customer_signatory, Contract.utility_signatory)
        .join(owner, Contract.customer_id == owner.id)
        .order_by(Contract.number)
    )  # fmt: skip


def _check_row(values: dict) -> Iterator[CellProblem]:
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
    SHEET, Contract, _rows, Contract.customer_id, check_row=_check_row, check_plan=_check_plan
)
