"""What every archive form has: the version it was loaded at and a reason for the change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from utilitycrm.archive.choices import BLANK
from utilitycrm.archive.forms.fields import enum_choices
from utilitycrm.core.forms import Form, VersionField


def optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class ArchiveForm(Form):
    version = VersionField()
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Optional(), Length(max=500)],
        description=_l("Kept in the history with the change."),
        render_kw={"rows": 2},
    )

    # Model attributes this form edits; services apply exactly these.
    model_fields: tuple[str, ...] = ()

    def model_data(self) -> dict[str, object]:
        return {name: self[name].data for name in self.model_fields}


def none_if_blank(value):
    return value or None


def optional_choice(label, enum, **kwargs) -> SelectField:
    """A select of an enum's codes whose blank choice means None."""
    return SelectField(
        label,
        choices=enum_choices(enum, blank=BLANK),
        filters=[none_if_blank],
        validators=[Optional()],
        **kwargs,
    )


def select_id(label, **kwargs) -> SelectField:
    """A select whose value is a record id, or None for the blank choice."""
    return SelectField(label, coerce=optional_int, validate_choice=True, **kwargs)
