"""Users and the security log (sign-ins, refusals, account changes)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.auth.roles import ROLE_PERMISSIONS, Permission, Role
from utilitycrm.database import Versioned, utcnow
from utilitycrm.extensions import db


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, Versioned, db.Model):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(
            "role IN ({})".format(", ".join(f"'{role.value}'" for role in Role)), name="role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # Part of the session identifier: rotating it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def can(self, permission: Permission) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS[self.role_enum]

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class SecurityEventKind(StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"
    LOGOUT = "logout"
    PERMISSION_DENIED = "permission_denied"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    PASSWORD_CHANGED = "password_changed"


class SecurityEvent(db.Model):
    """Append-only; login throttling counts the failures recorded here."""

    __tablename__ = "security_event"
    __table_args__ = (
        Index("ix_security_event_username_kind_at", "username", "kind", "occurred_at"),
        Index("ix_security_event_ip_kind_at", "ip_address", "kind", "occurred_at"),
        Index("ix_security_event_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str] = mapped_column(String(300), default="")


class ApiToken(db.Model):
    """A personal API token: shown once, stored as its SHA-256, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
