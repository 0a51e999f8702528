"""Sign-in, throttling, password policy and user administration as plain functions."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from utilitycrm.auth.models import (
    ApiToken,
    SecurityEvent,
    SecurityEventKind,
    User,
    new_session_token,
)
from utilitycrm.auth.roles import Role
from utilitycrm.database import utcnow
from utilitycrm.errors import StaleEditError, UtilityCRMError
from utilitycrm.extensions import db

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
# Checked against when the user name is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("utilitycrm-timing-equaliser")


class AuthenticationError(UtilityCRMError):
    status_code = 401


class LoginLocked(AuthenticationError):
    status_code = 429


class UserAdminError(UtilityCRMError):
    """A user change that would break a rule (taken name, weak password, last admin)."""


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    max_failures_per_address: int
    window: timedelta


def normalize_username(username: str) -> str:
    return username.strip().lower()


def password_problems(password: str, *, username: str, min_length: int) -> list[str]:
    """What is wrong with a new password, as messages; empty when it is acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append(str(_l("Use at least %(count)d characters.", count=min_length)))
    if password.isdigit() or password.isalpha():
        problems.append(str(_l("Mix letters with digits or symbols.")))
    if username and username.lower() in password.lower():
        problems.append(str(_l("The password must not contain the user name.")))
    return problems


def record_event(
    kind: SecurityEventKind,
    *,
    user: User | None = None,
    username: str | None = None,
    actor: User | None = None,
    ip_address: str | None = None,
    detail: str = "",
) -> None:
    db.session.add(
        SecurityEvent(
            kind=kind.value,
            user_id=user.id if user else None,
            username=(user.username if user else username),
            actor_id=actor.id if actor else None,
            ip_address=ip_address,
            detail=detail[:300],
        )
    )


def _recent_failures(column, value: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SecurityEvent)
        .where(
            column == value,
            SecurityEvent.kind == SecurityEventKind.LOGIN_FAILED.value,
            SecurityEvent.occurred_at > since,
        )
    )


def _last_success(username: str) -> datetime | None:
    return db.session.scalar(
        select(func.max(SecurityEvent.occurred_at)).where(
            SecurityEvent.username == username,
            SecurityEvent.kind == SecurityEventKind.LOGIN_SUCCEEDED.value,
        )
    )


def _check_throttle(username: str, ip_address: str | None, policy: ThrottlePolicy) -> None:
    now = utcnow()
    window_start = now - policy.window
    last_success = _last_success(username)
    # A successful sign-in clears the user's count; the address count never resets early.
    since = max(window_start, last_success) if last_success else window_start
    locked = _recent_failures(SecurityEvent.username, username, since) >= policy.max_failures
    if ip_address and not locked:
        locked = (
            _recent_failures(SecurityEvent.ip_address, ip_address, window_start)
            >= policy.max_failures_per_address
        )
    if locked:
        minutes = int(policy.window.total_seconds() // 60)
        raise LoginLocked(
            _l(
                "Too many failed sign-in attempts. Wait %(minutes)d minutes and try again, "
                "or ask an administrator.",
                minutes=minutes,
            )
        )


def authenticate(
    username: str, password: str, *, ip_address: str | None, policy: ThrottlePolicy
) -> User:
    """The user these credentials belong to; every attempt is recorded, failures throttled."""
    username = normalize_username(username)
    try:
        _check_throttle(username, ip_address, policy)
    except LoginLocked:
        record_event(SecurityEventKind.LOGIN_LOCKED, username=username, ip_address=ip_address)
        raise
    user = db.session.scalar(select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid):
        record_event(
            SecurityEventKind.LOGIN_FAILED, user=user, username=username, ip_address=ip_address
        )
        raise AuthenticationError(_l("Wrong user name or password."))
    if not user.is_active:
        record_event(
            SecurityEventKind.LOGIN_FAILED, user=user, ip_address=ip_address, detail="disabled"
        )
        raise AuthenticationError(_l("This account is disabled. Ask an administrator."))
    # Bookkeeping, not an edit of the user: written without the version check, so one
    # user signing in from two browsers at once is never refused as a stale edit.
    now = utcnow()
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=now))
    set_committed_value(user, "last_login_at", now)
    record_event(SecurityEventKind.LOGIN_SUCCEEDED, user=user, ip_address=ip_address)
    return user


def load_session_user(session_id: str) -> User | None:
    """The user of a session identifier, unless disabled or signed out everywhere since."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


@dataclass
class UserData:
    username: str
    display_name: str
    role: Role
    email: str | None = None
    is_active: bool = True


def username_taken(username: str, *, excluding: User | None = None) -> bool:
    query = select(User.id).where(User.username == normalize_username(username))
    if excluding is not None:
        query = query.where(User.id != excluding.id)
    return db.session.scalar(query) is not None


def create_user(
    data: UserData, password: str, *, actor: User | None, min_password_length: int
) -> User:
    username = normalize_username(data.username)
    if not USERNAME_PATTERN.match(username):
        raise UserAdminError(
            _l("User names use 2–40 lower-case letters, digits, dots, hyphens or underscores.")
        )
    if username_taken(username):
        raise UserAdminError(_l("The user name %(name)s is taken.", name=username))
    if problems := password_problems(password, username=username, min_length=min_password_length):
        raise UserAdminError(" ".join(problems))
    user = User(
        username=username,
        display_name=data.display_name.strip() or username,
        email=data.email or None,
        role=data.role.value,
        is_active=data.is_active,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    db.session.flush()
    record_event(SecurityEventKind.USER_CREATED, user=user, actor=actor, detail=data.role.value)
    return user


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    )


def update_user(user: User, data: UserData, *, expected_version: int, actor: User) -> None:
    """Apply an administrator's edit; refuses stale forms and locking out the last admin."""
    if user.version != expected_version:
        raise StaleEditError(
            _l(
                "%(name)s was changed by someone else after you opened the form.",
                name=user.username,
            )
        )
    was_admin = user.role == Role.ADMIN.value and user.is_active
    stays_admin = data.role is Role.ADMIN and data.is_active
    if was_admin and not stays_admin and _active_admin_count() <= 1:
        raise UserAdminError(_l("The last active administrator cannot be demoted or disabled."))
    if user.id == actor.id and not data.is_active:
        raise UserAdminError(_l("You cannot disable your own account."))
    changes = []
    for field, new in (
        ("display_name", data.display_name.strip() or user.username),
        ("email", data.email or None),
        ("role", data.role.value),
        ("is_active", data.is_active),
    ):
        old = getattr(user, field)
        if old != new:
            changes.append(f"{field}: {old} → {new}")
            setattr(user, field, new)
    if not data.is_active:
        user.session_token = new_session_token()
    if changes:
        record_event(
            SecurityEventKind.USER_CHANGED, user=user, actor=actor, detail="; ".join(changes)
        )


def update_profile(user: User, display_name: str, email: str | None, *, expected_version: int):
    if user.version != expected_version:
        raise StaleEditError(_l("Your profile was changed in another window; reload and retry."))
    user.display_name = display_name.strip() or user.username
    user.email = email or None


def set_password(user: User, password: str, *, actor: User | None, min_length: int) -> None:
    if problems := password_problems(password, username=user.username, min_length=min_length):
        raise UserAdminError(" ".join(problems))
    user.password_hash = generate_password_hash(password)
    user.session_token = new_session_token()
    record_event(SecurityEventKind.PASSWORD_CHANGED, user=user, actor=actor)


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def active_users(role: Role) -> list[User]:
    """Everyone of a role who may sign in, by name: the pickers and filters of people."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == role.value, User.is_active.is_(True))
            .order_by(User.display_name)
        )
    )


def user_counts_by_role() -> dict[Role, int]:
    rows = db.session.execute(
        select(User.role, func.count()).where(User.is_active.is_(True)).group_by(User.role)
    )
    counts = dict.fromkeys(Role, 0)
    counts.update({Role(role): count for role, count in rows})
    return counts


def recent_events(kinds: list[SecurityEventKind], *, limit: int) -> list[SecurityEvent]:
    return list(
        db.session.scalars(
            select(SecurityEvent)
            .where(SecurityEvent.kind.in_([kind.value for kind in kinds]))
            .order_by(SecurityEvent.occurred_at.desc(), SecurityEvent.id.desc())
            .limit(limit)
        )
    )


TOKEN_PREFIX = "ucrm_"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip()[:80] or "API", token_hash=_token_hash(secret),
        prefix=secret[:12],
    )  # fmt: skip
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_api_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise UserAdminError(_l("No such token."))
    token.revoked_at = token.revoked_at or utcnow()


def user_for_token(secret: str) -> User | None:
    """The active user of an active token; marks the token used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret)))
    if token is None or not token.is_active:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    token.last_used_at = utcnow()
    return user


def user_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
