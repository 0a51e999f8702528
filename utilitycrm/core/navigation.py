"""The navigation bar, computed per user, and the one check for redirect targets."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from utilitycrm.auth.roles import Permission


@dataclass(frozen=True)
class NavItem:
    label: object
    endpoint: str
    permission: Permission | None = None


NAV_ITEMS = (
    NavItem(_l("Home"), "home.index"),
    NavItem(_l("Customers"), "archive.customers", Permission.VIEW_ARCHIVE),
    NavItem(_l("Lines"), "archive.lines", Permission.VIEW_ARCHIVE),
    NavItem(_l("Transformers"), "archive.transformers", Permission.VIEW_ARCHIVE),
    NavItem(_l("Meters"), "archive.meters", Permission.VIEW_ARCHIVE),
    NavItem(_l("Imports"), "archive.import_batches", Permission.VIEW_ARCHIVE),
    NavItem(_l("Findings"), "validation.findings", Permission.VIEW_ARCHIVE),
    NavItem(_l("Projects"), "projects.index", Permission.VIEW_ARCHIVE),
    NavItem(_l("Contracts"), "contracts.index", Permission.VIEW_ARCHIVE),
    NavItem(_l("Key accounts"), "accounts.index", Permission.VIEW_ARCHIVE),
    NavItem(_l("Complaints"), "accounts.complaints_index", Permission.VIEW_ARCHIVE),
    NavItem(_l("Users"), "admin.users", Permission.MANAGE_USERS),
    NavItem(_l("Security log"), "admin.security_events", Permission.VIEW_SECURITY_LOG),
)


def nav_items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.permission is None or user.can(item.permission)]


def safe_next_url(target: str | None) -> str | None:
    """A redirect target only when it stays on this site (a path, no scheme or host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
