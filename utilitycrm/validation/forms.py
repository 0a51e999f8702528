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

from utilitycrm.archive.forms.search import ANY, SearchForm
from utilitycrm.archive.standards import Standards
from utilitycrm.core.forms import Form, optional_int
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
    line_code = StringField(_l("Line number"), validators=[Optional(), Length(max=30)])
    account_manager_id = SelectField(
        _l("Account manager"), coerce=optional_int, validators=[Optional()]
    )
    assignee_id = SelectField(_l("Assigned to"), coerce=optional_int, validators=[Optional()])
    rule_id = StringField(_l("Rule"), validators=[Optional(), Length(max=60)])
    overdue = BooleanField(_l("Overdue rectifications only"))


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


THRESHOLD_LABELS = {
    "single_part_max_kva": _l("Single-part tariff up to (kVA)"),
    "two_part_min_kva": _l("Two-part tariff from (kVA)"),
    "pf_090_min_kva": _l("Power factor 0.90: HV industrial above (kVA)"),
    "pf_085_min_kva": _l("Power factor 0.85: other users from (kVA)"),
    "pf_080_min_kva": _l("Power factor 0.80: agricultural users from (kVA)"),
    "hv_metering_min_kva": _l("High-side metering (高供高计) from (kVA)"),
    "ct_band_min": _l("CT band: lowest full-load share of the rated primary"),
    "ct_band_max": _l("CT band: highest full-load share of the rated primary"),
    "rotation_years_precise": _l("Rotation of 0.2S/0.5S meters (years)"),
    "rotation_years_other": _l("Rotation of class 1/2 meters (years)"),
    "class_i_min_kva": _l("Metering class I from (kVA)"),
    "class_ii_min_kva": _l("Metering class II from (kVA)"),
    "class_iii_min_kva": _l("Metering class III from (kVA)"),
    "pause_max_months": _l("Pause (暂停) per calendar year at most (months)"),
    "special_min_sources": _l("特级 customers: sources from different substations"),
    "first_min_sources": _l("一级 customers: sources from different substations"),
    "second_min_sources": _l("二级 customers: sources on different lines"),
    "contract_notice_days": _l("Supply contracts: renewal reminder before the end (days)"),
}


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
            field_class(THRESHOLD_LABELS[item.name], validators=[InputRequired(), limits]),
        )


_add_threshold_fields(ThresholdForm)
