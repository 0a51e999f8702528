"""Forms of the registry: a draft, a contract signed on paper, signing, a scan, termination."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from utilitycrm.archive import choices
from utilitycrm.contracts.types import ContractKind, ContractStatus
from utilitycrm.core.forms import FilterForm, Form, none_if_blank, select_id
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


class PaperForm(Form):
    """A contract signed on paper: its register entry and the terms the paper states,
    which the contract rules hold against the archive. An empty term is not compared."""

    account_no = StringField(_l("Account no. (户号)"), validators=[DataRequired(), Length(max=20)])
    number = StringField(
        _l("Contract no. on the paper"), validators=[DataRequired(), Length(max=30)]
    )
    kind = SelectField(_l("Kind"), choices=enum_choices(ContractKind))
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    starts_on = DateField(_l("In force from"), validators=[InputRequired()])
    ends_on = DateField(_l("In force until"), validators=[InputRequired()])
    customer_signatory = StringField(
        _l("Signed for the customer by"), validators=[Optional(), Length(max=50)]
    )
    utility_signatory = StringField(
        _l("Signed for the supplier by"), validators=[Optional(), Length(max=50)]
    )
    paper_kva = IntegerField(
        _l("Contract capacity (合同容量), kVA"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
    )
    paper_demand_kw = IntegerField(
        _l("Contract demand (合同需量), kW"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
        description=_l("Where the basic charge is billed by demand."),
    )
    paper_line_id = select_id(_l("Main supply line (主供线路)"))
    paper_backup_line_id = select_id(_l("Backup supply line (备用线路)"))
    paper_tariff_code = SelectField(
        _l("Tariff code (电价代码)"), filters=[none_if_blank], validators=[Optional()]
    )
    paper_boundary = StringField(
        _l("Property boundary (产权分界点)"),
        validators=[Optional(), Length(max=200)],
        description=_l("With two sources, one per source, separated by ；"),
    )

    TERMS = ("paper_kva", "paper_demand_kw", "paper_line_id", "paper_backup_line_id",
             "paper_tariff_code", "paper_boundary")  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.paper_line_id.choices = choices.lines()
        self.paper_backup_line_id.choices = choices.lines()
        self.paper_tariff_code.choices = choices.tariffs()


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
