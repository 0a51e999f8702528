"""Saved filters: a user names the filters of a list (its query string) and opens them
again from the list with one click, as office users keep their usual views. A filter is the
user's own; it keeps no data, only the address of the list."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.core.database import utcnow
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db

MAX_PER_LIST = 20
NOT_SAVED = ("page", "csrf_token")  # a saved filter opens on its first page


class SavedFilter(db.Model):
    __tablename__ = "saved_filter"
    __table_args__ = (
        Index("ix_saved_filter_user_list", "user_id", "endpoint", "name", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    endpoint: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def filters_of(user_id: int, endpoint: str) -> list[SavedFilter]:
    return list(
        db.session.scalars(
            select(SavedFilter)
            .where(SavedFilter.user_id == user_id, SavedFilter.endpoint == endpoint)
            .order_by(SavedFilter.name)
        )
    )


def clean_query(query: str) -> str:
    """The query string as saved: without the page, blank values and the form's token."""
    pairs = parse_qsl(query, keep_blank_values=False)
    return urlencode([(key, value) for key, value in pairs if key not in NOT_SAVED])


def save(user_id: int, endpoint: str, name: str | None, query: str) -> SavedFilter:
    """Save under a name; the same name again replaces the filter it named."""
    name = (name or "").strip()
    if not name:
        raise UtilityCRMError(_l("Give the filter a name."))
    query = clean_query(query)
    if len(query) > 1000:
        raise UtilityCRMError(_l("These filters are too long to save."))
    existing = db.session.scalar(
        select(SavedFilter).where(
            SavedFilter.user_id == user_id,
            SavedFilter.endpoint == endpoint,
            SavedFilter.name == name,
        )
    )
    if existing is not None:
        existing.query = query
        return existing
    count = db.session.scalar(
        select(func.count())
        .select_from(SavedFilter)
        .where(SavedFilter.user_id == user_id, SavedFilter.endpoint == endpoint)
    )
    if count >= MAX_PER_LIST:
        raise UtilityCRMError(
            _l("At most %(count)d filters per list: delete one first.", count=MAX_PER_LIST)
        )
    saved = SavedFilter(user_id=user_id, endpoint=endpoint, name=name, query=query)
    db.session.add(saved)
    return saved


def remove(user_id: int, filter_id: int) -> bool:
    """Delete one of the user's own filters; another user's is not there to delete."""
    result = db.session.execute(
        delete(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user_id)
    )
    return result.rowcount > 0
