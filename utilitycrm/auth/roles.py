"""Roles, the permissions each one grants, and their labels: the one permission table."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    MARKETING = "marketing"
    ACCOUNT_MANAGER = "account_manager"
    INSPECTOR = "inspector"
    CHIEF = "chief"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MARKETING: _l("Marketing staff (营销人员)"),
    Role.ACCOUNT_MANAGER: _l("Account manager (客户经理)"),
    Role.INSPECTOR: _l("Inspector (稽查)"),
    Role.CHIEF: _l("Chief of account managers (主管)"),
}


class Permission(StrEnum):
    MANAGE_USERS = "users.manage"
    # The job queue's operator view: every job, its error, retry.
    MANAGE_JOBS = "jobs.manage"
    VIEW_SECURITY_LOG = "security_log.view"
    VIEW_ARCHIVE = "archive.view"
    EDIT_ARCHIVE = "archive.edit"
    # Contacts, documents and relationship fields, of the user's own customers only.
    EDIT_OWN_RELATIONSHIPS = "archive.edit_own_relationships"
    RUN_VALIDATION = "validation.run"
    # Assign, waive and close any finding; anyone may work on findings assigned to them.
    MANAGE_FINDINGS = "findings.manage"
    EDIT_THRESHOLDS = "thresholds.edit"
    # The working-day calendar's overrides and the time-limit profiles.
    EDIT_CALENDAR = "calendar.edit"
    # Create and drive any expansion project; account managers drive their own.
    MANAGE_PROJECTS = "projects.manage"
    WORK_OWN_PROJECTS = "projects.work_own"
    # Draft, sign and end any supply contract; account managers those of their customers.
    MANAGE_CONTRACTS = "contracts.manage"
    WORK_OWN_CONTRACTS = "contracts.work_own"
    # Every manager's portfolio and load, reassignment of key accounts.
    MANAGE_PORTFOLIOS = "portfolios.manage"
    # Log complaints and service requests and work them through their steps; with
    # WORK_ANY_COMPLAINT (the service desk, chiefs) any customer's, without it (account
    # managers) those of the user's own customers and those handed to the user.
    HANDLE_COMPLAINTS = "complaints.handle"
    # Let a project connect a load beyond a line's open capacity, with a reason (主管).
    OVERRIDE_CAPACITY = "capacity.override"
    WORK_ANY_COMPLAINT = "complaints.work_any"


_READ = {Permission.VIEW_ARCHIVE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_JOBS,
            Permission.VIEW_SECURITY_LOG,
            Permission.EDIT_ARCHIVE,
            Permission.RUN_VALIDATION,
            Permission.EDIT_THRESHOLDS,
            Permission.EDIT_CALENDAR,
            *_READ,
        }
    ),
    Role.MARKETING: frozenset(
        {
            Permission.EDIT_ARCHIVE,
            Permission.MANAGE_PROJECTS,
            Permission.MANAGE_CONTRACTS,
            Permission.HANDLE_COMPLAINTS,
            Permission.WORK_ANY_COMPLAINT,
            *_READ,
        }
    ),
    Role.ACCOUNT_MANAGER: frozenset(
        {
            Permission.EDIT_OWN_RELATIONSHIPS,
            Permission.WORK_OWN_PROJECTS,
            Permission.WORK_OWN_CONTRACTS,
            Permission.HANDLE_COMPLAINTS,
            *_READ,
        }
    ),
    Role.INSPECTOR: frozenset({Permission.RUN_VALIDATION, Permission.MANAGE_FINDINGS, *_READ}),
    Role.CHIEF: frozenset(
        {
            Permission.MANAGE_PROJECTS,
            Permission.MANAGE_PORTFOLIOS,
            Permission.OVERRIDE_CAPACITY,
            Permission.HANDLE_COMPLAINTS,
            Permission.WORK_ANY_COMPLAINT,
            *_READ,
        }
    ),
}
