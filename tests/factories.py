"""Factories that build valid records with overridable fields (Indico style)."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.extensions import db

DEFAULT_PASSWORD = "correct-horse-42"
_PASSWORD_HASH = generate_password_hash(DEFAULT_PASSWORD)  # hashed once: scrypt is slow on purpose
_sequence = itertools.count(1)


def create_user(*, role: Role | str = Role.MARKETING, **overrides) -> User:
    number = next(_sequence)
    fields = {
        "username": f"user{number}",
        "display_name": f"测试用户{number}",
        "role": Role(role).value,
        "password_hash": _PASSWORD_HASH,
        "is_active": True,
    }
    fields.update(overrides)
    user = User(**fields)
    db.session.add(user)
    db.session.commit()
    return user
