"""History exported as a workbook, streamed from the database in chunks."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from utilitycrm.archive.models import ArchiveChange, ChangeSet
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.core.spreadsheets import append_row, to_bytes


def history_workbook(
    *, customer_id: int | None = None, object_type: str | None = None, object_id: int | None = None
) -> BytesIO:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("History"))
    append_row(
        sheet,
        [
            _("Time"),
            _("User"),
            _("Source"),
            _("Reason"),
            _("Record type"),
            _("Record id"),
            _("Action"),
            _("Field"),
            _("Old value"),
            _("New value"),
        ],
    )
    query = (
        select(ArchiveChange, ChangeSet, User.username)
        .join(ChangeSet, ArchiveChange.change_set_id == ChangeSet.id)
        .outerjoin(User, ChangeSet.actor_id == User.id)
        .order_by(ArchiveChange.id)
        .execution_options(yield_per=2000)
    )
    if customer_id is not None:
        query = query.where(ArchiveChange.customer_id == customer_id)
    if object_type is not None:
        query = query.where(
            ArchiveChange.object_type == object_type, ArchiveChange.object_id == object_id
        )
    for change, change_set, username in db.session.execute(query):
        append_row(
            sheet,
            [
                change_set.occurred_at.replace(tzinfo=None),
                username,
                change_set.source,
                change_set.reason,
                change.object_type,
                change.object_id,
                change.action,
                change.field,
                change.old_value,
                change.new_value,
            ],
        )
    return to_bytes(workbook)
