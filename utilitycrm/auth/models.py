"""Users and the security log (sign-ins, refusals, account changes)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.auth.roles import ROLE_PERMISSIONS, Permission, Role
from utilitycrm.core.database import Versioned, coded, utcnow
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import LABELS, Labelled


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
    role: Mapped[Role] = mapped_column(coded(Role, 20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The secret of the sign-in this request belongs to (set by sign-in and the loader,
    # never stored): Flask-Login keeps it in the session cookie and the remember cookie.
    session_secret = None

    def get_id(self) -> str | None:
        return self.session_secret

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def can(self, permission: Permission) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS[self.role_enum]

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class LoginSession(db.Model):
    """One sign-in on one browser. Its cookie and remember token carry only a secret whose
    hash is kept here, so ending the row ends both at once, wherever they were copied."""

    __tablename__ = "login_session"
    __table_args__ = (Index("ix_login_session_user_ended", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))


class SecurityEventKind(Labelled):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"
    LOGOUT = "logout"
    PERMISSION_DENIED = "permission_denied"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    PASSWORD_CHANGED = "password_changed"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"


LABELS[SecurityEventKind] = {
    SecurityEventKind.LOGIN_SUCCEEDED: _l("Sign-in succeeded"),
    SecurityEventKind.LOGIN_FAILED: _l("Sign-in failed"),
    SecurityEventKind.LOGIN_LOCKED: _l("Sign-in locked"),
    SecurityEventKind.LOGOUT: _l("Signed out"),
    SecurityEventKind.PERMISSION_DENIED: _l("Access refused"),
    SecurityEventKind.USER_CREATED: _l("User created"),
    SecurityEventKind.USER_CHANGED: _l("User changed"),
    SecurityEventKind.PASSWORD_CHANGED: _l("Password changed"),
    SecurityEventKind.SIGNED_OUT_EVERYWHERE: _l("Signed out everywhere"),
}


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
