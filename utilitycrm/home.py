"""Each role's home page: what that role works on, computed by the domain services."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from utilitycrm.archive import queries as archive_queries
from utilitycrm.auth import services as auth_services
from utilitycrm.auth.access import login_required
from utilitycrm.auth.models import SecurityEventKind
from utilitycrm.auth.roles import Role

bp = Blueprint("home", __name__)


def _admin_context() -> dict[str, object]:
    return {
        "user_counts": auth_services.user_counts_by_role(),
        "security_events": auth_services.recent_events(
            [
                SecurityEventKind.LOGIN_FAILED,
                SecurityEventKind.LOGIN_LOCKED,
                SecurityEventKind.PERMISSION_DENIED,
            ],
            limit=10,
        ),
    }


def _marketing_context() -> dict[str, object]:
    return {"recent": archive_queries.recent_customers_changed_by(current_user.id, limit=10)}


def _manager_context() -> dict[str, object]:
    return {"portfolio": archive_queries.portfolio(current_user.id, limit=15)}


ROLE_CONTEXT = {
    Role.ADMIN: _admin_context,
    Role.MARKETING: _marketing_context,
    Role.ACCOUNT_MANAGER: _manager_context,
}


@bp.route("/")
@login_required
def index():
    role = current_user.role_enum
    context = ROLE_CONTEXT.get(role, dict)()
    return render_template(f"home/{role.value}.html", **context)
