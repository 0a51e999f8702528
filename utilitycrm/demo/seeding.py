"""Builds the demo data set; only `flask demo seed` calls it."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import UserData, create_user
from utilitycrm.extensions import db

DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("admin", "系统管理员", Role.ADMIN),
    ("marketing", "王敏", Role.MARKETING),
    ("manager", "李强", Role.ACCOUNT_MANAGER),
    ("inspector", "赵静", Role.INSPECTOR),
)


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


def seed_users() -> list[User]:
    return [
        create_user(
            UserData(username=name, display_name=display_name, role=role),
            DEMO_PASSWORD,
            actor=None,
            min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
        for name, display_name, role in DEMO_USERS
    ]
