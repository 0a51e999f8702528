"""The line-loss pages' forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from utilitycrm.core.forms import FilterForm, Form
from utilitycrm.core.labels import enum_choices
from utilitycrm.network.types import Band, LossKind

MONTH = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Write the month as 2026-10."))


class LossFilterForm(FilterForm):
    month = StringField(_l("Month"), validators=[Optional(), MONTH])
    kind = SelectField(_l("Lines or 台区"), choices=enum_choices(LossKind), validators=[Optional()])
    band = SelectField(
        _l("Band"), choices=enum_choices(Band, _l("— every band —")), validators=[Optional()]
    )
    abnormal = BooleanField(_l("Only outside the band"))


class ComputeForm(Form):
    month = StringField(_l("Month"), validators=[MONTH])


class ReadingsUploadForm(Form):
    workbook = FileField(
        _l("Workbook (.xlsx), a .csv sheet or a .zip of them"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(
                ["xlsx", "csv", "zip"],
                _l("Only .xlsx workbooks, .csv sheets and .zip files of them are accepted."),
            ),
        ],
    )
    check_only = BooleanField(_l("Only check, write nothing"))


class OverrideForm(Form):
    reason = TextAreaField(
        _l("Why the line may take this load"), validators=[DataRequired(), Length(max=500)]
    )
