"""Forms of the calendar administration and of pausing a clock."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from utilitycrm.core.forms import Form
from utilitycrm.core.labels import enum_choices
from utilitycrm.deadlines.services import PauseReason


class CalendarDayForm(Form):
    day = DateField(_l("Day"), validators=[InputRequired()])
    is_workday = SelectField(
        _l("The day is"),
        choices=[
            SelectChoice("0", _l("a holiday (not a working day)")),
            SelectChoice("1", _l("a make-up working day (调休)")),
        ],
        validators=[InputRequired()],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ConfirmYearForm(Form):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    note = StringField(
        _l("Source (e.g. the State Council's notice)"), validators=[Optional(), Length(max=200)]
    )


class PauseForm(Form):
    starts_on = DateField(_l("The customer took over on"), validators=[InputRequired()])
    reason = SelectField(
        _l("Reason"), choices=enum_choices(PauseReason), validators=[DataRequired()]
    )
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=500)])


class ResumeForm(Form):
    ends_on = DateField(_l("The customer handed back on"), validators=[InputRequired()])
