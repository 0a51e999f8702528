"""The navigation bar: a few drop-down menus that the wings fill with their entries,
shown per user; and the one check for redirect targets."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app

_KEY = "utilitycrm.navigation"
_MENUS = "utilitycrm.navigation.menus"


@dataclass(frozen=True)
class NavItem:
    """A menu entry a wing registers; `permission` is whatever the user's `can()` takes.
    `menu` names the drop-down it sits in (a NavMenu's key); without one it stands alone."""

    label: object
    endpoint: str
    permission: object | None = None
    order: int = 100  # left to right (or top to bottom in a menu); wings keep a tens range
    menu: str | None = None


@dataclass(frozen=True)
class NavMenu:
    """A drop-down of the navigation bar, registered by the lowest wing that fills it."""

    key: str
    label: object
    order: int


@dataclass(frozen=True)
class ShownMenu:
    """What the bar shows: a drop-down, or a plain link when it holds one item."""

    label: object
    items: list[NavItem]

    @property
    def endpoints(self) -> set[str]:
        return {item.endpoint for item in self.items}


def register_nav_item(app: Flask, item: NavItem) -> None:
    app.extensions.setdefault(_KEY, []).append(item)


def register_nav_menu(app: Flask, menu: NavMenu) -> None:
    app.extensions.setdefault(_MENUS, {})[menu.key] = menu


def nav_for(user) -> list[ShownMenu]:
    """The user's bar: the items they may open, grouped into their menus, in order."""
    if not user.is_authenticated:
        return []
    menus = current_app.extensions.get(_MENUS, {})
    groups: dict[str, tuple[int, object, list[NavItem]]] = {}
    for item in sorted(current_app.extensions.get(_KEY, []), key=lambda entry: entry.order):
        if item.permission is not None and not user.can(item.permission):
            continue
        menu = menus.get(item.menu) if item.menu else None
        key = menu.key if menu else f"item:{item.endpoint}"
        order, label = (menu.order, menu.label) if menu else (item.order, item.label)
        groups.setdefault(key, (order, label, []))[2].append(item)
    return [
        ShownMenu(label, items)
        for order, label, items in sorted(groups.values(), key=lambda group: group[0])
    ]


def safe_next_url(target: str | None) -> str | None:
    """A redirect target only when it stays on this site (a path, no scheme or host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
