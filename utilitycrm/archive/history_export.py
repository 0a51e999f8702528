"""History exported as a workbook, streamed from the database in chunks."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from utilitycrm.archive import history_display
from utilitycrm.archive.models import ArchiveChange, ChangeSet
from utilitycrm.auth.models import User
from utilitycrm.core.dates import local_datetime
from utilitycrm.core.extensions import db
from utilitycrm.core.spreadsheets import TableSheet, to_bytes

CHUNK = 2000  # changes read, and their records named, together


def history_workbook(
    *, customer_id: int | None = None, object_type: str | None = None, object_id: int | None = None
) -> BytesIO:
    """The history as the screen reads it, one change a row, in Beijing time."""
    workbook = Workbook(write_only=True)
    table = TableSheet(
        workbook,
        _("History"),
        [
            _("Time"), _("User"), _("Source"), _("Reason"), _("Record"), _("Action"),
            _("Field"), _("Old value"), _("New value"), _("Details"),
        ],
    )  # fmt: skip
    actions = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
    query = (
        select(ArchiveChange, ChangeSet, User.display_name)
        .join(ChangeSet, ArchiveChange.change_set_id == ChangeSet.id)
        .outerjoin(User, ChangeSet.actor_id == User.id)
        .order_by(ArchiveChange.id)
        .execution_options(yield_per=CHUNK)
    )
    if customer_id is not None:
        query = query.where(ArchiveChange.customer_id == customer_id)
    if object_type is not None:
        query = query.where(
            ArchiveChange.object_type == object_type, ArchiveChange.object_id == object_id
        )
    for rows in db.session.execute(query).partitions():
        names = history_display.Names(change for change, _set, _actor in rows)
        for change, change_set, actor in rows:
            for shown in history_display.shown_changes([change], names):
                table.append(
                    [
                        local_datetime(change_set.occurred_at),
                        actor or _("system"),
                        history_display.source_label(change_set.source),
                        history_display.reason_text(change_set.reason),
                        shown.record,
                        actions[shown.action],
                        shown.label,
                        shown.old,
                        shown.new,
                        shown.summary,
                    ]
                )
    return to_bytes(workbook)
