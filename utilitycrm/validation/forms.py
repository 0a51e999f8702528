"""Forms of the validation pages: the findings filter, starting runs, the workflow, thresholds."""

from __future__ import annotations

import dataclasses

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from utilitycrm.archive.forms.search import ANY, SearchForm
from utilitycrm.archive.standards import Standards
from utilitycrm.archive.thresholds import STANDARD_LABELS
from utilitycrm.core.dates import local_today
from utilitycrm.core.forms import FilterForm, Form, optional_int
from utilitycrm.core.labels import enum_choices
from utilitycrm.validation.models import FindingStatus
from utilitycrm.validation.registry import Family, Severity


class FindingSearchForm(SearchForm):
    family = SelectField(
        _l("Family"), choices=enum_choices(Family, blank=ANY), validators=[Optional()]
    )
    severity = SelectField(
        _l("Severity"), choices=enum_choices(Severity, blank=ANY), validators=[Optional()]
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("current", _l("Open or in rectification")),
            SelectChoice("", ANY),
            *enum_choices(FindingStatus),
        ],
        default="current",
        validators=[Optional()],
    )
    substation_id = SelectField(_l("Substation"), coerce=optional_int, validators=[Optional()])
    line_code = StringField(_l("Line (name or number)"), validators=[Optional(), Length(max=60)])
    account_manager_id = SelectField(
        _l("Account manager"), coerce=optional_int, validators=[Optional()]
    )
    assignee_id = SelectField(_l("Assigned to"), coerce=optional_int, validators=[Optional()])
    rule_id = StringField(_l("Rule"), validators=[Optional(), Length(max=60)])
    # One customer, by its 户号 exactly (links from the customer page, the API).
    account_no = StringField(
        _l("Account number"), widget=HiddenInput(), validators=[Optional(), Length(max=20)]
    )
    overdue = BooleanField(_l("Overdue rectifications only"))

    @classmethod
    def filter_values(cls, filter_class, values: dict):
        """`overdue`: the rectifications past their due date today (Beijing time)."""
        filters = super().filter_values(filter_class, values)
        if values.get("overdue"):
            filters = dataclasses.replace(filters, overdue_on=local_today())
        return filters


class RunFilterForm(FilterForm):
    """The list of runs (?include_saves=y): by default without the runs of check on save."""

    include_saves = BooleanField(_l("Also the runs of check on save"))


class RunForm(Form):
    line_code = StringField(
        _l("Only the customers of line (number)"), validators=[Optional(), Length(max=30)]
    )
    account_no = StringField(_l("Only customer (户号)"), validators=[Optional(), Length(max=20)])


class VersionedForm(Form):
    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class AssignForm(VersionedForm):
    assignee_id = SelectField(_l("Assign to"), coerce=optional_int, validators=[InputRequired()])
    due_on = DateField(_l("Rectify by"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class NoteForm(VersionedForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class WaiveForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason for the waiver"), validators=[DataRequired(), Length(max=2000)]
    )


class CommentForm(Form):
    note = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=2000)])


class ThresholdForm(Form):
    """One field per threshold of `Standards`, added from the dataclass below so that a
    new threshold cannot be forgotten here."""

    effective_on = DateField(_l("In effect from"), validators=[InputRequired()])
    note = StringField(_l("Why"), validators=[Optional(), Length(max=300)])


def _add_threshold_fields(form_class) -> None:
    for item in dataclasses.fields(Standards):
        field_class = FloatField if item.type in ("float", float) else IntegerField
        limits = (
            NumberRange(min=0, max=5)
            if field_class is FloatField
            else NumberRange(min=0, max=1_000_000)
        )
        setattr(
            form_class,
            item.name,
            field_class(STANDARD_LABELS[item.name], validators=[InputRequired(), limits]),
        )


_add_threshold_fields(ThresholdForm)
