"""Roles, the permissions each one grants, and their labels: the one permission table."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    MARKETING = "marketing"
    ACCOUNT_MANAGER = "account_manager"
    INSPECTOR = "inspector"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MARKETING: _l("Marketing staff (营销人员)"),
    Role.ACCOUNT_MANAGER: _l("Account manager (客户经理)"),
    Role.INSPECTOR: _l("Inspector (稽查)"),
}


class Permission(StrEnum):
    MANAGE_USERS = "users.manage"
    VIEW_SECURITY_LOG = "security_log.view"
    VIEW_ARCHIVE = "archive.view"
    EDIT_ARCHIVE = "archive.edit"
    # Contacts, documents and relationship fields, of the user's own customers only.
    EDIT_OWN_RELATIONSHIPS = "archive.edit_own_relationships"
    RUN_VALIDATION = "validation.run"
    # Assign, waive and close any finding; anyone may work on findings assigned to them.
    MANAGE_FINDINGS = "findings.manage"
    EDIT_THRESHOLDS = "thresholds.edit"


_READ = {Permission.VIEW_ARCHIVE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.VIEW_SECURITY_LOG,
            Permission.EDIT_ARCHIVE,
            Permission.RUN_VALIDATION,
            Permission.EDIT_THRESHOLDS,
            *_READ,
        }
    ),
    Role.MARKETING: frozenset({Permission.EDIT_ARCHIVE, *_READ}),
    Role.ACCOUNT_MANAGER: frozenset({Permission.EDIT_OWN_RELATIONSHIPS, *_READ}),
    Role.INSPECTOR: frozenset({Permission.RUN_VALIDATION, Permission.MANAGE_FINDINGS, *_READ}),
}
