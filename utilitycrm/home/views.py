"""Each role's home page: the inbox first, then the figures that role watches."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from utilitycrm.accounts import portfolio
from utilitycrm.archive import queries as archive_queries
from utilitycrm.auth import services as auth_services
from utilitycrm.auth.access import login_required
from utilitycrm.auth.models import SecurityEventKind
from utilitycrm.auth.roles import Role
from utilitycrm.core import jobs
from utilitycrm.core.dates import local_today
from utilitycrm.deadlines.alerts import load_by_owner
from utilitycrm.home.figures import figures_for
from utilitycrm.home.inbox import TEAM_ROLES, first_items
from utilitycrm.validation import queries as validation_queries

bp = Blueprint("home", __name__)
WORKLIST = 10


def _admin_context(today: date) -> dict[str, object]:
    return {
        "user_counts": auth_services.user_counts_by_role(),
        "job_counts": jobs.unfinished_counts(),
        "security_events": auth_services.recent_events(
            [
                SecurityEventKind.LOGIN_FAILED,
                SecurityEventKind.LOGIN_LOCKED,
                SecurityEventKind.PERMISSION_DENIED,
            ],
            limit=10,
        ),
        "event_kind_enum": SecurityEventKind,
    }


def _marketing_context(today: date) -> dict[str, object]:
    return {"recent": archive_queries.recent_customers_changed_by(current_user.id, limit=10)}


def _manager_context(today: date) -> dict[str, object]:
    rows = portfolio.accounts_of(current_user.id, today)
    return {"accounts": rows[:15], "account_count": len(rows)}


def _inspector_context(today: date) -> dict[str, object]:
    overdue, overdue_count = validation_queries.overdue_findings(today, limit=WORKLIST)
    return {
        "open_counts": validation_queries.open_by_severity(),
        "overdue": overdue,
        "overdue_count": overdue_count,
        "runs": validation_queries.run_page(page=1, per_page=5, limit=5).items,
    }


def _chief_context(today: date) -> dict[str, object]:
    return {
        "loads": load_by_owner(today),
        "manager_loads": portfolio.manager_loads(today),
    }


ROLE_CONTEXT = {
    Role.ADMIN: _admin_context,
    Role.MARKETING: _marketing_context,
    Role.ACCOUNT_MANAGER: _manager_context,
    Role.INSPECTOR: _inspector_context,
    Role.CHIEF: _chief_context,
}


@bp.route("/")
@login_required
def index():
    role = current_user.role_enum
    today = local_today()
    figures, trend = figures_for(current_user, today)
    return render_template(
        f"home/{role.value}.html",
        today=today,
        figures=figures,
        trend=trend,
        inbox_items=first_items(today, WORKLIST),
        inbox_team=current_user.role_enum in TEAM_ROLES,
        **ROLE_CONTEXT[role](today),
    )
