"""Administrators manage users and read the security log."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from utilitycrm.auth import services
from utilitycrm.auth.access import requires
from utilitycrm.auth.forms import (
    PasswordResetForm,
    SecurityLogFilterForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from utilitycrm.auth.models import SecurityEvent, SecurityEventKind, User
from utilitycrm.auth.roles import Permission, Role
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.search import paginate
from utilitycrm.core.views import list_settings

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_data(form) -> services.UserData:
    return services.UserData(
        username=getattr(form, "username", None) and form.username.data,
        display_name=form.display_name.data,
        email=form.email.data,
        role=Role(form.role.data),
        is_active=form.is_active.data,
    )


@bp.route("/users")
@requires(Permission.MANAGE_USERS)
def users():
    form = UserFilterForm(request.args)
    form.validate()
    role = form.value("role")
    query = select(User).order_by(User.is_active.desc(), User.username, User.id)
    if role:
        query = query.where(User.role == role)
    page = paginate(query, page=form.page_number, **list_settings())
    return render_template("admin/users.html", page=page, roles=list(Role), role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def create_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                _user_data(form),
                form.password.data,
                actor=current_user,
                min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
            )
        except UtilityCRMError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("User %(name)s is created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    password_form = PasswordResetForm(prefix="pw", username=user.username)
    if form.validate_on_submit():
        try:
            services.update_user(
                user, _user_data(form), expected_version=form.version.data, actor=current_user
            )
        except UtilityCRMError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("User %(name)s is saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return _edit_page(user, form, password_form)


def _edit_page(user: User, form, password_form, status: int = 200):
    return render_template(
        "admin/user_edit.html", user=user, form=form, password_form=password_form,
        session_count=len(services.active_sessions(user)),
    ), status  # fmt: skip


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def sign_out_everywhere(user_id: int):
    user = db.get_or_404(User, user_id)
    ended = services.sign_out_everywhere(user, actor=current_user)
    db.session.commit()
    flash(_("%(name)s is signed out of %(count)d sessions.", name=user.username, count=ended),
          "success")  # fmt: skip
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    password_form = PasswordResetForm(prefix="pw", username=user.username)
    if password_form.validate_on_submit():
        services.set_password(
            user,
            password_form.password.data,
            actor=current_user,
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
        db.session.commit()
        flash(
            _(
                "The password of %(name)s is reset; their sessions are signed out.",
                name=user.username,
            ),
            "success",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    form = UserEditForm(obj=user, formdata=None)
    return _edit_page(user, form, password_form, 400)


@bp.route("/security-log")
@requires(Permission.VIEW_SECURITY_LOG)
def security_events():
    form = SecurityLogFilterForm(request.args)
    form.validate()
    kind, username = form.value("kind"), form.value("username")
    query = select(SecurityEvent).order_by(
        SecurityEvent.occurred_at.desc(), SecurityEvent.id.desc()
    )
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if username:
        query = query.where(SecurityEvent.username == username)
    page = paginate(query, page=form.page_number, **list_settings())
    return render_template(
        "admin/security_events.html",
        page=page,
        kind=kind,
        username=username,
        kind_choices=form.kind.choices,
        event_kind_enum=SecurityEventKind,
    )
