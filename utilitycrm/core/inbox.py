"""The to-do inbox (待办): every open item that needs a user, whichever wing keeps it.

Each wing registers a source. The inbox asks every source for its most urgent items
(one indexed query each, bounded by the page), merges them by urgency and leaves out
what the viewer snoozed. A snooze is the inbox's own: the item itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db

_KEY = "utilitycrm.inbox"
LIMIT = 200  # items on one inbox page, the most urgent first


class Urgency(IntEnum):
    OVERDUE = 0
    DUE_SOON = 1
    OPEN = 2

    @property
    def label(self) -> str:
        return str(URGENCY_LABELS[self])


URGENCY_LABELS = {
    Urgency.OVERDUE: _l("Overdue"),
    Urgency.DUE_SOON: _l("Due soon"),
    Urgency.OPEN: _l("Not due yet"),
}


def urgency_of(due_on: date | None, warn_on: date | None, today: date) -> Urgency:
    if due_on is not None and due_on < today:
        return Urgency.OVERDUE
    if warn_on is not None and warn_on <= today:
        return Urgency.DUE_SOON
    return Urgency.OPEN


@dataclass(frozen=True)
class InboxFilter:
    """Whose items and which. `owner_ids` None is everyone's (a chief's team view)."""

    today: date
    viewer: object  # the signed-in user: what they may do to each item
    owner_ids: tuple[int, ...] | None
    kinds: frozenset[str] = frozenset()
    customer_ids: tuple[int, ...] | None = None  # None: any customer
    due_by: date | None = None  # also items not due soon yet, up to this day
    hidden: frozenset[str] = frozenset()  # snoozed item keys
    limit: int = LIMIT


@dataclass(frozen=True)
class InboxItem:
    key: str  # "<source>:<id>", unique across sources
    kind: str
    kind_label: str
    title: str
    subject: str
    url: str
    urgency: Urgency
    due_on: date | None
    owner_id: int | None
    owner_name: str
    can_finish: bool = False
    can_reassign: bool = False
    version: int | None = None  # the record's version, sent back by done and reassign


@dataclass(frozen=True)
class InboxSource:
    """What a wing tells the inbox. `finish` and `reassign` take the item's own id."""

    name: str
    kinds: Callable[[], dict[str, object]]  # kind code -> label, for the kind filter
    items: Callable[[InboxFilter], list[InboxItem]]  # most urgent first, up to the limit
    count: Callable[[object, date, frozenset[str]], int]  # (user, today, hidden keys)
    finish: Callable[..., None] | None = None  # (id, *, note, actor, version)
    reassign: Callable[..., None] | None = None  # (id, *, owner_id, actor, version, today)
    finish_label: object = field(default=_l("Done"))


class InboxSnooze(db.Model):
    """An item a user put aside until a day; it comes back on that day."""

    __tablename__ = "inbox_snooze"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    until: Mapped[date]


def register_source(app: Flask, source: InboxSource) -> None:
    app.extensions.setdefault(_KEY, {})[source.name] = source


def sources() -> list[InboxSource]:
    return list(current_app.extensions.get(_KEY, {}).values())


def kind_choices() -> dict[str, object]:
    choices: dict[str, object] = {}
    for source in sources():
        choices.update(source.kinds())
    return choices


def hidden_keys(user_id: int, today: date) -> frozenset[str]:
    return frozenset(
        db.session.scalars(
            select(InboxSnooze.item_key).where(
                InboxSnooze.user_id == user_id, InboxSnooze.until > today
            )
        )
    )


def source_ids(source: str, keys: Sequence[str]) -> list[int]:
    """The ids of one source's items among item keys."""
    prefix = f"{source}:"
    return [int(key[len(prefix) :]) for key in keys if key.startswith(prefix)]


def owned(
    query: Select, *, source: str, owner, key, owner_ids: tuple[int, ...] | None, hidden
) -> Select:
    """A source's query narrowed to the owners asked for (None: anyone's, but someone's)
    and without the items the viewer snoozed; `owner` and `key` are the item's columns."""
    query = query.where(owner.is_not(None) if owner_ids is None else owner.in_(owner_ids))
    hidden_ids = source_ids(source, sorted(hidden))
    return query.where(key.not_in(hidden_ids)) if hidden_ids else query


def collect(query: InboxFilter) -> list[InboxItem]:
    """The items of every source that offers one of the wanted kinds, most urgent first."""
    items: list[InboxItem] = []
    for source in sources():
        if query.kinds and not query.kinds & set(source.kinds()):
            continue
        items.extend(source.items(query))
    items.sort(key=lambda i: (i.urgency, i.due_on or date.max, i.kind, i.key))
    return items[: query.limit]


def count(user, today: date) -> int:
    """The menu bar's figure: the user's own open items, snoozed ones left out."""
    hidden = hidden_keys(user.id, today)
    return sum(source.count(user, today, hidden) for source in sources())


class InboxRefused(UtilityCRMError):
    """An inbox action that does not apply to the item (unknown, done elsewhere)."""


def _split(key: str) -> tuple[InboxSource, int]:
    name, _sep, raw_id = key.partition(":")
    source = current_app.extensions.get(_KEY, {}).get(name)
    if source is None or not raw_id.isdigit():
        raise InboxRefused(_l("That to-do item does not exist."))
    return source, int(raw_id)


def snooze(user_id: int, key: str, until: date, today: date) -> None:
    _split(key)
    if until <= today:
        raise InboxRefused(_l("Snooze until a day after today."))
    db.session.execute(
        delete(InboxSnooze).where(InboxSnooze.user_id == user_id, InboxSnooze.item_key == key)
    )
    db.session.add(InboxSnooze(user_id=user_id, item_key=key, until=until))


def finish(key: str, *, note: str, actor, version: int | None) -> None:
    source, item_id = _split(key)
    if source.finish is None:
        raise InboxRefused(_l("This item is done on its own page."))
    source.finish(item_id, note=note, actor=actor, version=version)


def reassign(key: str, *, owner_id: int, actor, version: int | None, today: date) -> None:
    source, item_id = _split(key)
    if source.reassign is None:
        raise InboxRefused(_l("This item cannot be handed to someone else here."))
    source.reassign(item_id, owner_id=owner_id, actor=actor, version=version, today=today)
