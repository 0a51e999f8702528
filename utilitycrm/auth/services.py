"""Sign-in, throttling, password policy and user administration as plain functions."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from utilitycrm.auth.models import ApiToken, LoginSession, SecurityEvent, SecurityEventKind, User
from utilitycrm.auth.roles import Role
from utilitycrm.auth.security_log import changes_detail
from utilitycrm.core.database import utcnow
from utilitycrm.core.errors import StaleEditError, UtilityCRMError
from utilitycrm.core.extensions import db

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
    """Back-off, never a hard lock (OWASP): past `max_failures` for one name from one
    address, or `max_failures_per_address` for any names from one address, each further
    failure doubles the wait, up to `window`. Failures for one name from all addresses
    together slow it down by at most `account_max_delay`, and not at all on an address it
    signed in from before: a stranger elsewhere cannot keep its owner out."""

    max_failures: int
    max_failures_per_address: int
    window: timedelta
    account_max_delay: timedelta = timedelta(minutes=1)
    first_delay: timedelta = timedelta(seconds=30)

    def delay(self, failures: int, threshold: int, cap: timedelta) -> timedelta:
        if failures < threshold:
            return timedelta(0)
        return min(self.first_delay * 2 ** min(failures - threshold, 20), cap)


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


def _failures(since: datetime, *conditions) -> tuple[int, datetime | None]:
    """How many failed sign-ins match, and when the last one was."""
    count, last = db.session.execute(
        select(func.count(), func.max(SecurityEvent.occurred_at)).where(
            SecurityEvent.kind == SecurityEventKind.LOGIN_FAILED.value,
            SecurityEvent.occurred_at > since,
            *conditions,
        )
    ).one()
    return count, last


def _last_success(username: str, *conditions) -> datetime | None:
    return db.session.scalar(
        select(func.max(SecurityEvent.occurred_at)).where(
            SecurityEvent.username == username,
            SecurityEvent.kind == SecurityEventKind.LOGIN_SUCCEEDED.value,
            *conditions,
        )
    )


def _check_throttle(username: str, ip_address: str | None, policy: ThrottlePolicy) -> None:
    now = utcnow()
    window_start = now - policy.window
    last_success = _last_success(username)
    # A successful sign-in clears the name's counts; the address's count never resets early.
    since = max(window_start, last_success) if last_success else window_start
    named = SecurityEvent.username == username
    here = SecurityEvent.ip_address == ip_address
    checks = []
    if not (ip_address and _last_success(username, here)):  # an address of its owner's
        checks.append((_failures(since, named), policy.max_failures, policy.account_max_delay))
    if ip_address:
        checks += [
            (_failures(since, named, here), policy.max_failures, policy.window),
            (_failures(window_start, here), policy.max_failures_per_address, policy.window),
        ]
    wait_until = max(
        (last + policy.delay(count, threshold, cap) for (count, last), threshold, cap in checks
         if last is not None),
        default=now,
    )  # fmt: skip
    if wait_until > now:
        raise LoginLocked(
            _l(
                "Too many failed sign-in attempts. Wait %(seconds)d seconds and try again, "
                "or ask an administrator.",
                seconds=max(1, math.ceil((wait_until - now).total_seconds())),
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


@dataclass(frozen=True)
class SessionLifetimes:
    plain: timedelta  # a sign-in without "remember me", from its start
    remembered: timedelta
    touch_every: timedelta = timedelta(minutes=5)  # last_seen_at is bookkeeping, not a log

    def alive(self, now: datetime):
        """The SQL condition of a sign-in that has not outlived its lifetime."""
        return or_(
            LoginSession.created_at > now - self.plain,
            and_(LoginSession.remember.is_(True), LoginSession.created_at > now - self.remembered),
        )


def session_lifetimes() -> SessionLifetimes:
    config = current_app.config
    return SessionLifetimes(
        plain=config["PERMANENT_SESSION_LIFETIME"], remembered=config["REMEMBER_COOKIE_DURATION"]
    )


def start_session(user: User, *, remember: bool, ip_address: str | None, user_agent: str) -> None:
    """A new sign-in; the user's `session_secret` is what Flask-Login puts in the cookies."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            user_id=user.id, secret_hash=_token_hash(secret), remember=remember,
            ip_address=ip_address, user_agent=user_agent[:200],
        )
    )  # fmt: skip
    user.session_secret = secret


def load_session_user(secret: str) -> User | None:
    """The user of a session cookie or remember token, unless that sign-in has ended (sign
    out, password change, disabled, signed out everywhere) or outlived its lifetime."""
    now, lifetimes = utcnow(), session_lifetimes()
    found = db.session.execute(  # every request asks: one round trip for both rows
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(
            LoginSession.secret_hash == _token_hash(secret),
            LoginSession.ended_at.is_(None),
            lifetimes.alive(now),
        )
    ).first()
    if found is None:
        return None
    row, user = found
    if not user.is_active:
        return None
    if now - row.last_seen_at > lifetimes.touch_every:
        db.session.execute(
            update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now)
        )
        db.session.commit()
    user.session_secret = secret
    return user


def _end(user_id: int, reason: str, *conditions) -> int:
    return db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None), *conditions)
        .values(ended_at=utcnow(), ended_reason=reason)
    ).rowcount


def end_session(user: User, reason: str = "signed_out") -> None:
    """End this request's sign-in: its session cookie and remember token stop working."""
    if user.session_secret:
        _end(user.id, reason, LoginSession.secret_hash == _token_hash(user.session_secret))


def end_all_sessions(user: User, reason: str, *, keep_current: bool = False) -> int:
    """End every sign-in of the user (all but this request's with keep_current)."""
    conditions = []
    if keep_current and user.session_secret:
        conditions.append(LoginSession.secret_hash != _token_hash(user.session_secret))
    return _end(user.id, reason, *conditions)


def sign_out_everywhere(user: User, *, actor: User) -> int:
    """An administrator's (or the user's own) sign-out of every browser of the user."""
    ended = end_all_sessions(user, "everywhere", keep_current=user.id == actor.id)
    record_event(SecurityEventKind.SIGNED_OUT_EVERYWHERE, user=user, actor=actor, detail=str(ended))
    return ended


def session_hash(user: User) -> str | None:
    """Which of the user's sessions this request is (to mark it on the profile)."""
    return _token_hash(user.session_secret) if user.session_secret else None


def active_sessions(user: User) -> list[LoginSession]:
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.ended_at.is_(None),
                session_lifetimes().alive(utcnow()),
            )
            .order_by(LoginSession.last_seen_at.desc())
            .limit(50)
        )
    )


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
            changes.append((field, old, new))
            setattr(user, field, new)
    if not data.is_active:
        end_all_sessions(user, "disabled")
    if changes:
        record_event(
            SecurityEventKind.USER_CHANGED, user=user, actor=actor, detail=changes_detail(changes)
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
    end_all_sessions(user, "password")  # API tokens stay: revoked one by one on the profile
    record_event(SecurityEventKind.PASSWORD_CHANGED, user=user, actor=actor)


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def active_users(*roles: Role) -> list[User]:
    """Everyone of these roles who may sign in, by name: the pickers and filters of people."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([role.value for role in roles]), User.is_active.is_(True))
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
