"""The security log in words: an event's detail is stored as codes (a role, the fields an
administrator changed) and read here in the reader's language."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from utilitycrm.auth.models import SecurityEvent, SecurityEventKind
from utilitycrm.auth.roles import Role
from utilitycrm.core.labels import label

USER_FIELDS = {
    "display_name": _l("Display name"),
    "email": _l("Email"),
    "role": _l("Role"),
    "is_active": _l("Active"),
}
REASONS = {"disabled": _l("the account is disabled")}


def changes_detail(changes: list[tuple[str, object, object]]) -> str:
    """What update_user stores: [[field, old, new], ...] as JSON."""
    return json.dumps(changes, ensure_ascii=False)


def _value(field: str, value) -> str:
    if field == "role":
        return label(value, Role)
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    return "" if value is None else str(value)


def event_detail(event: SecurityEvent) -> str:
    """The detail as a sentence; a detail this code did not write is shown as it is."""
    detail = event.detail or ""
    if event.kind == SecurityEventKind.USER_CREATED:
        return label(detail, Role)
    if event.kind == SecurityEventKind.LOGIN_FAILED and detail in REASONS:
        return str(REASONS[detail])
    if event.kind == SecurityEventKind.SIGNED_OUT_EVERYWHERE and detail.isdigit():
        return ngettext("%(num)d session ended", "%(num)d sessions ended", int(detail))
    if event.kind == SecurityEventKind.USER_CHANGED:
        try:
            changes = json.loads(detail)
        except ValueError:
            return detail
        return "; ".join(
            f"{USER_FIELDS.get(field, field)}: {_value(field, old)} → {_value(field, new)}"
            for field, old, new in changes
        )
    return detail
