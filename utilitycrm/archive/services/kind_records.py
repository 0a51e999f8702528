"""Adding, editing and removing archive records of any kind (see kinds.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.models import Customer
from utilitycrm.archive.services.records import ArchiveConflict, delete_record, save_record
from utilitycrm.auth.models import User

if TYPE_CHECKING:  # the kinds table names these services: only its type comes back here
    from utilitycrm.archive.kinds import RecordKind


def _open(customer: Customer | None) -> None:
    if customer is not None and customer.is_closed:
        raise ArchiveConflict(_l("A closed account (销户) is kept as it was; it cannot be edited."))


def save_kind_record(
    kind: RecordKind,
    customer: Customer | None,
    record,
    data: dict[str, object],
    *,
    actor: User,
    reason: str = "",
    expected_version: int | None = None,
):
    """Create (record None) or update a record; `customer` owns it, None for network kinds."""
    _open(customer)
    return save_record(
        record if record is not None else kind.model(),
        kind.prepare(customer, data),
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        checks=kind.checks,
    )


def delete_kind_record(
    kind: RecordKind,
    customer: Customer | None,
    record,
    *,
    actor: User,
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    _open(customer)
    for check in kind.delete_checks:
        check(record)
    delete_record(record, actor=actor, reason=reason, expected_version=expected_version)
