"""Sign-in, sign-out, the user's own profile and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from utilitycrm.auth import services
from utilitycrm.auth.access import login_required, public
from utilitycrm.auth.forms import (
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    TokenForm,
)
from utilitycrm.auth.models import SecurityEventKind
from utilitycrm.errors import UtilityCRMError
from utilitycrm.extensions import db
from utilitycrm.i18n import select_locale
from utilitycrm.navigation import safe_next_url

bp = Blueprint("auth", __name__)


def throttle_policy() -> services.ThrottlePolicy:
    config = current_app.config
    return services.ThrottlePolicy(
        max_failures=config["LOGIN_MAX_FAILURES"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES"] * 4,
        window=config["LOGIN_FAILURE_WINDOW"],
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.username.data,
                form.password.data,
                ip_address=request.remote_addr,
                policy=throttle_policy(),
            )
        except UtilityCRMError as error:
            db.session.commit()  # the failed attempt counts towards the throttle
            flash(str(error.message), "danger")
        else:
            if user.locale is None and session.get("locale"):
                services.set_locale(user, session["locale"])
            db.session.commit()
            locale = session.get("locale")
            session.clear()  # a fresh session on sign-in: no fixation
            if locale:
                session["locale"] = locale
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.record_event(
        SecurityEventKind.LOGOUT, user=current_user, ip_address=request.remote_addr
    )
    db.session.commit()
    locale = select_locale()
    logout_user()
    session.clear()
    session["locale"] = locale  # the sign-in page stays in the language the user chose
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.set_locale(current_user, form.locale.data)
            db.session.commit()
        session["locale"] = form.locale.data
    return redirect(safe_next_url(form.next.data) or url_for("home.index"))


def _profile_page(form, password_form, status: int = 200, new_token: str | None = None):
    return render_template(
        "auth/profile.html", form=form, password_form=password_form,
        token_form=TokenForm(prefix="token"), tokens=services.user_tokens(current_user),
        new_token=new_token,
    ), status  # fmt: skip


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw", username=current_user.username)
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                form.display_name.data,
                form.email.data,
                expected_version=form.version.data,
            )
        except UtilityCRMError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(form, password_form)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = ProfileForm(obj=current_user, formdata=None)
    password_form = ChangePasswordForm(prefix="pw", username=current_user.username)
    if password_form.validate_on_submit():
        if not services.verify_password(current_user, password_form.current.data):
            password_form.current.errors.append(_("The current password is wrong."))
        else:
            services.set_password(
                current_user,
                password_form.password.data,
                actor=current_user,
                min_length=current_app.config["PASSWORD_MIN_LENGTH"],
            )
            db.session.commit()
            login_user(
                current_user._get_current_object()
            )  # the new session token replaces the old one
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("auth.profile"))
    return _profile_page(form, password_form, 400)


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    """A new API token, shown on this page once: only its hash is kept."""
    token_form = TokenForm(prefix="token")
    form = ProfileForm(obj=current_user, formdata=None)
    password_form = ChangePasswordForm(prefix="pw", username=current_user.username, formdata=None)
    if not token_form.validate_on_submit():
        flash(_("Name the token, e.g. after the system that uses it."), "danger")
        return redirect(url_for("auth.profile"))
    _token, secret = services.create_api_token(current_user, token_form.name.data)
    db.session.commit()
    return _profile_page(form, password_form, new_token=secret)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    try:
        services.revoke_api_token(current_user, token_id)
    except UtilityCRMError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.profile"))
