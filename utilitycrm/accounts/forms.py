"""Forms of key-account work: a visit with its follow-ups, a complaint and its steps,
the consumption import, reassignment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from utilitycrm.accounts.types import Channel, ComplaintCategory, Satisfaction, Step
from utilitycrm.core.forms import FilterForm, Form, optional_choice, select_id
from utilitycrm.core.labels import enum_choices


class FollowUpEntry(Form):
    class Meta:
        csrf = False

    action = StringField(_l("Follow-up action"), validators=[Optional(), Length(max=300)])
    owner_id = select_id(_l("Owner"))
    due_on = DateField(_l("Due on"), validators=[Optional()])


class VisitForm(Form):
    visited_on = DateField(_l("Visited on"), validators=[InputRequired()])
    people_met = StringField(_l("People met"), validators=[DataRequired(), Length(max=300)])
    topics = StringField(_l("Topics"), validators=[DataRequired(), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    follow_ups = FieldList(FormField(FollowUpEntry), min_entries=3, max_entries=10)


class DoneForm(Form):
    day = DateField(_l("Done on"), validators=[InputRequired()])


class ComplaintForm(Form):
    account_no = StringField(
        _l("Account number (户号)"), validators=[DataRequired(), Length(max=20)]
    )
    channel = SelectField(_l("Channel"), choices=enum_choices(Channel), validators=[DataRequired()])
    category = SelectField(
        _l("Complaint category"),
        choices=enum_choices(ComplaintCategory),
        validators=[DataRequired()],
    )
    is_report = BooleanField(_l("A report of wrongdoing (举报): 9 working days"))
    received_at = DateTimeLocalField(
        _l("Received at"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    caller = StringField(_l("Caller"), validators=[Optional(), Length(max=100)])
    summary = TextAreaField(
        _l("What the customer says"), validators=[DataRequired(), Length(max=5000)]
    )


class ContactForm(Form):
    contacted_at = DateTimeLocalField(
        _l("Contacted at"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )


class StepForm(Form):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=5000)])
    next_owner_id = select_id(_l("The next step goes to"))
    satisfaction = SelectField(
        _l("Customer satisfied?"), choices=enum_choices(Satisfaction, blank=""),
        validators=[Optional()],
    )  # fmt: skip


class ConsumptionUploadForm(Form):
    workbook = FileField(
        _l("Workbook (.xlsx) or consumption.csv"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["xlsx", "csv"], _l("Only .xlsx workbooks and .csv sheets are accepted.")),
        ],
    )
    check_only = BooleanField(_l("Only check, write nothing"))


class ReassignForm(Form):
    account_nos = TextAreaField(
        _l("Account numbers (户号), one a line"), validators=[DataRequired(), Length(max=20_000)]
    )
    to_id = select_id(_l("To account manager"), validators=[DataRequired()])
    reason = StringField(_l("Why"), validators=[DataRequired(), Length(max=300)])


class ComplaintFilterForm(FilterForm):
    """?show=open (the default), escalated or all; ?category=, ?step=, ?sort=."""

    show = SelectField(
        choices=[SelectChoice(value, value) for value in ("open", "escalated", "all")],
        default="open",
        validators=[Optional()],
    )
    category = optional_choice(_l("Complaint category"), ComplaintCategory)
    step = optional_choice(_l("Step"), Step)
    sort = StringField(validators=[Optional(), Length(max=20)])  # by a column header
