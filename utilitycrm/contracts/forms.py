"""Forms of the registry: a draft, signing, a scan, termination."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from utilitycrm.contracts.types import ContractKind, ContractStatus
from utilitycrm.core.forms import FilterForm, Form
from utilitycrm.core.i18n import LANGUAGE_NAMES
from utilitycrm.core.labels import enum_choices


class DraftForm(Form):
    language = SelectField(_l("Language of the contract"), validators=[DataRequired()])
    starts_on = DateField(_l("In force from"), validators=[Optional()])
    ends_on = DateField(_l("In force until (empty: the standard term)"), validators=[Optional()])
    project = StringField(_l("Expansion project"), validators=[Optional(), Length(max=30)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = list(LANGUAGE_NAMES.items())


class SignForm(Form):
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    starts_on = DateField(_l("In force from"), validators=[InputRequired()])
    ends_on = DateField(_l("In force until"), validators=[InputRequired()])
    customer_signatory = StringField(
        _l("Signed for the customer by"), validators=[DataRequired(), Length(max=50)]
    )
    utility_signatory = StringField(
        _l("Signed for the supplier by"), validators=[DataRequired(), Length(max=50)]
    )


class ScanForm(Form):
    scan = FileField(
        _l("Scan of the signed paper (PDF, JPEG or PNG)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["pdf", "jpg", "jpeg", "png"], _l("Only PDF, JPEG and PNG files.")),
        ],
    )


class TerminateForm(Form):
    day = DateField(_l("Ends on"), validators=[InputRequired()])
    reason = TextAreaField(_l("Why"), validators=[DataRequired(), Length(max=500)])


class RegisterFilterForm(FilterForm):
    """The register's filters (?q=&status=&kind=&ending=)."""

    FILTER_NAMES = {"ending": "ending_within"}

    q = StringField(validators=[Optional(), Length(max=100)])
    status = SelectField(choices=enum_choices(ContractStatus, blank=""), validators=[Optional()])
    kind = SelectField(choices=enum_choices(ContractKind, blank=""), validators=[Optional()])
    ending = IntegerField(validators=[Optional(), NumberRange(min=0, max=9999)])
    sort = StringField(validators=[Optional(), Length(max=20)])  # by a column header
