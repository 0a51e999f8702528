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
from utilitycrm.auth.forms import ChangePasswordForm, LoginForm, ProfileForm, TokenForm
from utilitycrm.auth.models import SecurityEventKind
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.i18n import LanguageForm, select_locale
from utilitycrm.core.navigation import safe_next_url

bp = Blueprint("auth", __name__)


def throttle_policy() -> services.ThrottlePolicy:
    config = current_app.config
    return services.ThrottlePolicy(
        max_failures=config["LOGIN_MAX_FAILURES"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES"] * 4,
        window=config["LOGIN_FAILURE_WINDOW"],
        account_max_delay=config["LOGIN_ACCOUNT_MAX_DELAY"],
    )


def _sign_in(user, *, remember: bool) -> None:
    """A new server-side sign-in and a fresh cookie session (no fixation)."""
    services.start_session(
        user, remember=remember, ip_address=request.remote_addr,
        user_agent=request.user_agent.string,
    )  # fmt: skip
    db.session.commit()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


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
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.record_event(
        SecurityEventKind.LOGOUT, user=current_user, ip_address=request.remote_addr
    )
    services.end_session(current_user)
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
        new_token=new_token, sessions=services.active_sessions(current_user),
        current_hash=services.session_hash(current_user),
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
            _sign_in(current_user._get_current_object(), remember=False)  # this browser stays
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


@bp.route("/profile/sessions/end", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out every other browser (a lost phone, a shared PC left signed in)."""
    ended = services.sign_out_everywhere(current_user, actor=current_user)
    db.session.commit()
    flash(_("%(count)d other sessions are signed out.", count=ended), "success")
    return redirect(url_for("auth.profile"))
