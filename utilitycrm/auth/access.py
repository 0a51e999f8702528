"""Who may open which view: every view declares it, one hook enforces it.

A view is `@public`, `@login_required` (any signed-in user) or `@requires(permission)`.
The app refuses to start when a view declares nothing, so a new route cannot slip in
unprotected, and the access tests read the same declarations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from utilitycrm.auth.loaders import is_api_request
from utilitycrm.auth.models import SecurityEventKind
from utilitycrm.auth.roles import Permission
from utilitycrm.auth.services import record_event
from utilitycrm.core.extensions import db, login_manager
from utilitycrm.core.routing import is_static
from utilitycrm.core.signals import access_denied
from utilitycrm.core.views import deny_access

View = TypeVar("View", bound=Callable[..., object])


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    permissions: frozenset[Permission] = frozenset()  # any one of them; none: signed in


def _declare(rule: AccessRule) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


public = _declare(AccessRule(public=True))
login_required = _declare(AccessRule())


def requires(*permissions: Permission) -> Callable[[View], View]:
    """Open to users holding any one of the permissions."""
    return _declare(AccessRule(permissions=frozenset(permissions)))


def declare_endpoint(app: Flask, endpoint: str, declare: Callable[[View], View]) -> None:
    """Declare access for a view an extension registered (it may be a bound method)."""
    view = app.view_functions[endpoint]

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    app.view_functions[endpoint] = declare(wrapper)


def access_rule(app: Flask, endpoint: str) -> AccessRule | None:
    if is_static(endpoint):
        return AccessRule(public=True)
    return getattr(app.view_functions[endpoint], "access_rule", None)


def check_declarations(app: Flask) -> None:
    undeclared = [ep for ep in app.view_functions if access_rule(app, ep) is None]
    if undeclared:
        raise RuntimeError(f"views without an access rule: {', '.join(sorted(undeclared))}")


def enforce_access():
    """before_request hook: anonymous users go to the sign-in page, others may get a 403."""
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    rule = access_rule(current_app, request.endpoint)
    if rule is None:  # check_declarations() makes this unreachable; deny all the same
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)
        return login_manager.unauthorized()
    if rule.permissions and not any(current_user.can(p) for p in rule.permissions):
        deny_access()
    return None


def _log_denial(_app, **_extra) -> None:
    """Every 403 the app answers for a signed-in user is in the security log."""
    record_event(
        SecurityEventKind.PERMISSION_DENIED,
        user=current_user,
        ip_address=request.remote_addr,
        detail=f"{request.method} {request.path}"[:300],
    )
    db.session.commit()


def init_app(app: Flask) -> None:
    access_denied.connect(_log_denial, app)
    app.before_request(enforce_access)
