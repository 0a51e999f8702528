"""Sign-in, profile, language and user administration forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from utilitycrm.auth.models import SecurityEventKind
from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import USERNAME_PATTERN, normalize_username, password_problems
from utilitycrm.core.forms import FilterForm, Form, VersionField, optional_choice
from utilitycrm.core.jobs import JobStatus


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class LoginForm(Form):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this computer"))
    next = HiddenField()


class NewPasswordMixin:
    """A new password typed twice, checked against the policy for `policy_username()`."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )

    def validate_password(self, field) -> None:
        problems = password_problems(
            field.data or "",
            username=self.policy_username(),
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
        if problems:
            raise ValidationError(" ".join(problems))


class UserDetailsMixin:
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices)
    is_active = BooleanField(_l("Active"), default=True)


class UserCreateForm(UserDetailsMixin, NewPasswordMixin, Form):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=40)])

    def policy_username(self) -> str:
        return normalize_username(self.username.data or "")

    def validate_username(self, field) -> None:
        if not USERNAME_PATTERN.match(normalize_username(field.data or "")):
            raise ValidationError(
                _l("User names use 2–40 lower-case letters, digits, dots, hyphens or underscores.")
            )


class UserEditForm(UserDetailsMixin, Form):
    version = VersionField(required=True)


class PasswordResetForm(NewPasswordMixin, Form):
    def __init__(self, *args, username: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._username = username

    def policy_username(self) -> str:
        return self._username


class ProfileForm(Form):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    version = VersionField(required=True)


class ChangePasswordForm(PasswordResetForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])


class UserFilterForm(FilterForm):
    """?role=: one role's users."""

    role = SelectField(
        choices=[SelectChoice(role.value, role.value) for role in Role], validators=[Optional()]
    )


class SecurityLogFilterForm(FilterForm):
    """?kind= (one kind of event) and ?username=, as typed."""

    kind = optional_choice(_l("Event"), SecurityEventKind)
    username = StringField(
        filters=[lambda value: value.lower() if value else value],
        validators=[Optional(), Length(max=40)],
    )


class JobFilterForm(FilterForm):
    """?status=: the jobs queued, running, done or failed."""

    status = optional_choice(_l("Status"), JobStatus)
