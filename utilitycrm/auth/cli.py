"""`flask users ...`: create and list users from the shell (first admin, recovery)."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from utilitycrm.auth import services
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db


@click.group()
def users() -> None:
    """Manage users."""


def _password_option():
    return click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="The password; prompted for when not given.",
    )


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--display-name", default="", help="Full name shown in the UI.")
@click.option("--email", default=None)
@_password_option()
def create(name: str, role: str, display_name: str, email: str | None, password: str) -> None:
    """Create user NAME with ROLE."""
    try:
        user = services.create_user(
            services.UserData(
                username=name, display_name=display_name or name, role=Role(role), email=email
            ),
            password,
            actor=None,
            min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
    except UtilityCRMError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created user {user.username} with role {user.role}.")


@users.command("set-password")
@click.argument("name")
@_password_option()
def set_password(name: str, password: str) -> None:
    """Set the password of user NAME and sign out their sessions."""
    user = db.session.scalar(select(User).where(User.username == services.normalize_username(name)))
    if user is None:
        raise click.ClickException(f"No user named {name}.")
    try:
        services.set_password(
            user, password, actor=None, min_length=current_app.config["PASSWORD_MIN_LENGTH"]
        )
    except UtilityCRMError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Password of {user.username} changed.")


@users.command("list")
def list_users() -> None:
    """List users with their roles."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.username}\t{user.role}\t{state}\t{user.display_name}")
