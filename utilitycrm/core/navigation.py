"""The navigation bar, a registry each wing adds its entries to, shown per user; and the
one check for redirect targets."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app

_KEY = "utilitycrm.navigation"


@dataclass(frozen=True)
class NavItem:
    """A menu entry a wing registers; `permission` is whatever the user's `can()` takes."""

    label: object
    endpoint: str
    permission: object | None = None
    order: int = 100  # left to right; wings keep a tens range each


def register_nav_item(app: Flask, item: NavItem) -> None:
    items = app.extensions.setdefault(_KEY, [])
    items.append(item)
    items.sort(key=lambda entry: entry.order)


def nav_items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [
        item
        for item in current_app.extensions.get(_KEY, [])
        if item.permission is None or user.can(item.permission)
    ]


def safe_next_url(target: str | None) -> str | None:
    """A redirect target only when it stays on this site (a path, no scheme or host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
