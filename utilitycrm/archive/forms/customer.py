"""Customer, contact and qualification-document forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from utilitycrm.archive import choices
from utilitycrm.archive.customer_rules import customer_problems
from utilitycrm.archive.enums import (
    BasicChargeBasis,
    Category,
    CustomerStatus,
    DocumentKind,
    IdType,
    Importance,
    PowerFactorStandard,
    TariffStructure,
    ValueClass,
    VoltageLevel,
)
from utilitycrm.archive.forms.base import ArchiveForm
from utilitycrm.archive.forms.fields import account_number, phone_number
from utilitycrm.core.forms import none_if_blank, optional_choice, select_id
from utilitycrm.core.labels import enum_choices


class RelationshipForm(ArchiveForm):
    """What an account manager keeps for their own customers."""

    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=50)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), phone_number])
    relationship_notes = TextAreaField(
        _l("Relationship notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3}
    )
    model_fields = ("contact_name", "phone", "relationship_notes")


class CustomerForm(RelationshipForm):
    account_no = StringField(
        _l("Account number (户号)"), validators=[DataRequired(), Length(max=20), account_number]
    )
    name = StringField(_l("Customer name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Supply address (用电地址)"), validators=[Optional(), Length(max=300)])
    id_type = optional_choice(_l("Identity document"), IdType)
    id_number = StringField(_l("Document number"), validators=[Optional(), Length(max=30)])
    category = SelectField(_l("Category (用电类别)"), choices=enum_choices(Category))
    industry_code = StringField(
        _l("Industry code (行业分类)"), validators=[Optional(), Length(max=10)]
    )
    voltage_kv = SelectField(_l("Supply voltage"), choices=enum_choices(VoltageLevel))
    contract_capacity_kva = IntegerField(
        _l("Contract capacity (合同容量), kVA"),
        validators=[DataRequired(message=_l("Enter the capacity in kVA.")), NumberRange(min=0)],
        default=0,
    )
    operating_capacity_kva = IntegerField(
        _l("Operating capacity (运行容量), kVA"),
        validators=[Optional(), NumberRange(min=0)],
        default=0,
    )
    tariff_code = SelectField(
        _l("Tariff code (电价代码)"), filters=[none_if_blank], validators=[Optional()]
    )
    tariff_structure = SelectField(_l("Tariff structure"), choices=enum_choices(TariffStructure))
    basic_charge_basis = optional_choice(_l("Basic charge basis"), BasicChargeBasis)
    contract_demand_kw = IntegerField(
        _l("Contract demand, kW"), validators=[Optional(), NumberRange(min=1)]
    )
    pf_standard = SelectField(
        _l("Power-factor standard (功率因数考核)"), choices=enum_choices(PowerFactorStandard)
    )
    is_time_of_use = BooleanField(_l("Time-of-use tariff (分时电价)"))
    importance = SelectField(_l("Important customer grade"), choices=enum_choices(Importance))
    value_class = optional_choice(_l("Value class"), ValueClass)
    status = SelectField(
        _l("Status"),
        choices=enum_choices(CustomerStatus)[:2],  # closing is its own action (销户)
    )
    account_manager_id = select_id(_l("Account manager (客户经理)"))

    model_fields = (
        "account_no",
        "name",
        "address",
        "id_type",
        "id_number",
        "contact_name",
        "phone",
        "category",
        "industry_code",
        "voltage_kv",
        "contract_capacity_kva",
        "operating_capacity_kva",
        "tariff_code",
        "tariff_structure",
        "basic_charge_basis",
        "contract_demand_kw",
        "pf_standard",
        "is_time_of_use",
        "importance",
        "value_class",
        "status",
        "account_manager_id",
        "relationship_notes",
    )

    # How the customer page groups the fields.
    sections = (
        (_l("Customer"), ("account_no", "name", "address", "id_type", "id_number", "status")),
        (
            _l("Supply"),
            (
                "category",
                "industry_code",
                "voltage_kv",
                "contract_capacity_kva",
                "operating_capacity_kva",
                "importance",
            ),
        ),
        (
            _l("Tariff"),
            (
                "tariff_code",
                "tariff_structure",
                "basic_charge_basis",
                "contract_demand_kw",
                "pf_standard",
                "is_time_of_use",
            ),
        ),
        (
            _l("Relationship"),
            ("account_manager_id", "value_class", "contact_name", "phone", "relationship_notes"),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tariff_code.choices = choices.tariffs()
        self.account_manager_id.choices = choices.account_managers()

    def validate_operating_capacity_kva(self, field) -> None:
        field.data = field.data or 0

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the customer's cross-field rules (customer_rules), shown
        on the field each names."""
        valid = super().validate(extra_validators)
        for name, message in customer_problems(self.data):
            self[name].errors.append(message)
            valid = False
        return valid


class CloseCustomerForm(ArchiveForm):
    reason = TextAreaField(
        _l("Reason for closing the account (销户)"),
        validators=[DataRequired(), Length(max=500)],
        render_kw={"rows": 2},
    )


class ContactForm(ArchiveForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=50)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), phone_number])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    is_primary = BooleanField(_l("Primary contact"))
    model_fields = ("name", "title", "phone", "email", "is_primary")


class DocumentForm(ArchiveForm):
    kind = SelectField(_l("Document"), choices=enum_choices(DocumentKind))
    number = StringField(_l("Number"), validators=[Optional(), Length(max=60)])
    issued_on = DateField(_l("Issued on"), validators=[Optional()])
    expires_on = DateField(
        _l("Expires on"),
        validators=[Optional()],
        description=_l("Leave empty for documents without expiry (长期)."),
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    model_fields = ("kind", "number", "issued_on", "expires_on", "note")

    def validate_expires_on(self, field) -> None:
        if field.data and self.issued_on.data and field.data < self.issued_on.data:
            raise ValidationError(_l("The expiry date is before the issue date."))
