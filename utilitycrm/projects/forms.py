"""The acceptance form (one form, the sections its business type needs) and the stage
actions' forms."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from utilitycrm.archive.enums import (
    Category,
    IdType,
    SourceKind,
    VoltageLevel,
)
from utilitycrm.archive.models import FeederLine
from utilitycrm.core.extensions import db
from utilitycrm.core.forms import (
    BLANK,
    FilterForm,
    Form,
    none_if_blank,
    optional_choice,
    select_id,
)
from utilitycrm.core.labels import enum_choices
from utilitycrm.core.routing import MAX_ID
from utilitycrm.projects.acceptance import (
    AddedTransformer,
    Applicant,
    ProjectRequest,
    SourceRequest,
)
from utilitycrm.projects.types import BusinessType as T
from utilitycrm.projects.types import ProjectStatus
from utilitycrm.projects.work_forms import SchemeForm

# The form's sections each type shows (and reads).
SECTIONS = {
    T.NEW: ("technical", "added", "sources"),
    T.INCREASE: ("technical", "added", "sources"),
    T.REDUCE: ("acted_on", "effective"),
    T.REDUCE_RESTORE: ("acted_on", "effective"),
    T.SUSPEND: ("acted_on", "effective", "ends_on"),
    T.SUSPEND_RESTORE: ("acted_on", "effective"),
    T.TEMPORARY_SWAP: ("acted_on", "added", "effective"),
    T.RELOCATE: ("new_address", "effective"),
    T.MOVE_METER: ("effective",),
    T.TEMPORARY_REMOVAL: ("effective",),
    T.REINSTALL: ("effective",),
    T.RENAME: ("new_name", "effective"),
    T.TRANSFER: ("new_name", "new_id", "effective"),
    T.SPLIT: ("new_name", "acted_on", "effective"),
    T.MERGE: ("other_account", "effective"),
    T.CLOSE: ("effective",),
    T.VOLTAGE_CHANGE: ("new_voltage", "effective"),
    T.CATEGORY_CHANGE: ("new_category", "effective"),
}


SECTION_FIELDS = {
    "applicant": (
        "applicant_name", "category", "voltage_kv", "address", "id_type", "id_number", "phone",
    ),
    "technical": ("is_dual_source", "is_important", "has_external_works"),
    "added": ("added",),
    "sources": ("sources",),
    "acted_on": ("acted_on",),
    "effective": ("effective_on",),
    "ends_on": ("ends_on",),
    "new_name": ("new_name",),
    "new_id": ("new_id_type", "new_id_number"),
    "new_address": ("new_address", "new_supply_point"),
    "new_category": ("new_category",),
    "new_voltage": ("new_voltage_kv",),
    "other_account": ("other_account_no",),
}  # fmt: skip


def sections_for(business_type: T, *, applicant: bool) -> tuple[str, ...]:
    return SECTIONS[business_type] + (("applicant",) if applicant else ())


class ChooseForm(Form):
    """Step one: the type, and the account unless it is a new applicant."""

    class Meta:
        csrf = False

    type = SelectField(_l("Business type"), choices=enum_choices(T), validators=[InputRequired()])
    customer = StringField(
        _l("Account number (户号)"),
        validators=[Optional(), Length(max=20)],
        description=_l("Leave empty for a new connection of a new applicant."),
    )


class TransformerEntry(Form):
    class Meta:
        csrf = False

    rated_kva = IntegerField(
        _l("Rated capacity (kVA)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    # Not `name`: a FormField has a `name` of its own.
    equipment_name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=50)])


class SourceEntry(Form):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=enum_choices(SourceKind), default=SourceKind.MAIN.value)
    line_code = StringField(_l("Line number"), validators=[Optional(), Length(max=30)])
    pole_or_bay = StringField(_l("Pole or bay"), validators=[Optional(), Length(max=60)])
    property_boundary = StringField(
        _l("Property boundary (产权分界点)"), validators=[Optional(), Length(max=300)]
    )


class ProjectForm(Form):
    accepted_on = DateField(_l("Application complete on"), validators=[InputRequired()])
    account_manager_id = select_id(_l("Account manager"))
    profile_id = SelectField(_l("Time-limit profile"), coerce=int)
    description = TextAreaField(
        _l("What the customer asks for"), validators=[Optional(), Length(max=500)]
    )
    # A new applicant.
    applicant_name = StringField(_l("Applicant's name"), validators=[Optional(), Length(max=200)])
    category = SelectField(_l("Category"), choices=enum_choices(Category))
    voltage_kv = SelectField(_l("Supply voltage"), choices=enum_choices(VoltageLevel))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    id_type = optional_choice(_l("Identification"), IdType)
    id_number = StringField(_l("Identification number"), validators=[Optional(), Length(max=30)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    # Technical.
    is_dual_source = BooleanField(_l("Dual source (双电源)"))
    is_important = BooleanField(_l("Important customer (重要客户)"))
    has_external_works = BooleanField(_l("External works needed (外线工程)"))
    added = FieldList(FormField(TransformerEntry), min_entries=3, max_entries=10)
    sources = FieldList(FormField(SourceEntry), min_entries=2, max_entries=4)
    # Changes of use.
    acted_on = SelectMultipleField(_l("Transformers"), coerce=int, validate_choice=True)
    effective_on = DateField(_l("Takes effect on"), validators=[Optional()])
    ends_on = DateField(_l("Suspended until"), validators=[Optional()])
    new_name = StringField(_l("New name"), validators=[Optional(), Length(max=200)])
    new_id_type = optional_choice(_l("New holder's identification"), IdType)
    new_id_number = StringField(
        _l("New holder's identification number"), validators=[Optional(), Length(max=30)]
    )
    new_address = StringField(_l("New address"), validators=[Optional(), Length(max=300)])
    new_supply_point = BooleanField(_l("The new address needs a new supply point"))
    new_category = SelectField(
        _l("New category"), choices=enum_choices(Category, blank=BLANK), filters=[none_if_blank]
    )
    new_voltage_kv = SelectField(
        _l("New voltage"), choices=enum_choices(VoltageLevel, blank=BLANK),
        filters=[none_if_blank],
    )  # fmt: skip
    other_account_no = StringField(
        _l("Account number to merge in"), validators=[Optional(), Length(max=20)]
    )

    def keep_sections(self, sections: tuple[str, ...]) -> None:
        """Drop the fields of the sections the type does not show: they are neither
        rendered nor validated."""
        for section, names in SECTION_FIELDS.items():
            if section not in sections:
                for name in names:
                    delattr(self, name)

    def line_ids(self) -> tuple[dict[str, int], list[str]]:
        """The line numbers typed, resolved in one query; unknown ones are errors."""
        entries = self.sources if "sources" in self else []
        codes = [entry.line_code.data for entry in entries if entry.line_code.data]
        found = dict(
            db.session.execute(
                select(FeederLine.code, FeederLine.id).where(FeederLine.code.in_(codes))
            ).all()
        )
        missing = [
            str(_l("There is no line numbered %(code)s.", code=code))
            for code in codes
            if code not in found
        ]
        return found, missing


def to_request(form: ProjectForm, business_type: T, customer, lines: dict[str, int]):
    """The request the service judges, from the sections the type shows only."""
    sections = sections_for(business_type, applicant=customer is None)
    request = ProjectRequest(
        business_type=business_type,
        accepted_on=form.accepted_on.data,
        customer=customer,
        account_manager_id=form.account_manager_id.data,
        profile_id=form.profile_id.data,
        description=form.description.data or "",
    )
    if customer is None:
        request.applicant = Applicant(
            name=form.applicant_name.data or "",
            category=form.category.data,
            voltage_kv=form.voltage_kv.data,
            address=form.address.data or None,
            id_type=form.id_type.data,
            id_number=form.id_number.data or None,
            phone=form.phone.data or None,
        )
    if "technical" in sections:
        request.is_dual_source = form.is_dual_source.data
        request.is_important = form.is_important.data
        request.has_external_works = form.has_external_works.data
    if "added" in sections:
        request.added = [
            AddedTransformer(e.rated_kva.data, e.equipment_name.data or "", e.model.data or None)
            for e in form.added
            if e.rated_kva.data
        ]
    if "sources" in sections:
        request.sources = [
            SourceRequest(
                e.kind.data,
                lines.get(e.line_code.data),
                e.pole_or_bay.data or None,
                e.property_boundary.data or None,
            )
            for e in form.sources
            if e.line_code.data or e.property_boundary.data
        ]
    if "acted_on" in sections:
        request.acted_on = list(form.acted_on.data or [])
    if "effective" in sections:
        request.effective_on = form.effective_on.data
    if "ends_on" in sections:
        request.ends_on = form.ends_on.data
    if "new_name" in sections:
        request.new_name = form.new_name.data or None
    if "new_id" in sections:
        request.new_id_type = form.new_id_type.data
        request.new_id_number = form.new_id_number.data or None
    if "new_address" in sections:
        request.new_address = form.new_address.data or None
        request.new_supply_point = form.new_supply_point.data
    if "new_category" in sections:
        request.new_category = form.new_category.data
    if "new_voltage" in sections:
        request.new_voltage_kv = form.new_voltage_kv.data
    if "other_account" in sections:
        request.other_account_no = form.other_account_no.data or None
    return request


class DayForm(Form):
    day = DateField(_l("On"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


class CancelForm(Form):
    day = DateField(_l("On"), validators=[InputRequired()])
    reason = TextAreaField(_l("Why"), validators=[DataRequired(), Length(max=500)])


class MeteringForm(SchemeForm):
    """The metering installed at connection (装表接电), written to the archive at the end."""

    meter_asset_no = StringField(
        _l("Meter asset number"), validators=[DataRequired(), Length(max=30)]
    )

    def values(self) -> dict[str, object]:
        return {**self.scheme(), "meter_asset_no": self.meter_asset_no.data}


class WorklistFilterForm(FilterForm):
    """The worklist's filters: ?manager=<id>|all, ?status=, ?type=. Without a manager an
    account manager sees their own projects; a bad value counts as not given."""

    manager = StringField(validators=[Optional(), Regexp(r"^(all|[1-9]\d{0,9})$")])
    status = SelectField(
        choices=enum_choices(ProjectStatus), default=ProjectStatus.ACTIVE.value,
        validators=[Optional()],
    )  # fmt: skip
    type = SelectField(choices=enum_choices(T, blank=""), validators=[Optional()])
    sort = StringField(validators=[Optional(), Length(max=20)])  # by a column header

    def manager_id(self, user, own_by_default: bool) -> int | None:
        manager = self.value("manager")
        if manager is None:
            return user.id if own_by_default else None
        return None if manager == "all" else int(manager)


class ProjectFilterForm(FilterForm):
    """The API's project list: ?status=&business_type=&account_no=&manager=<user name>."""

    status = SelectField(choices=enum_choices(ProjectStatus, blank=""), validators=[Optional()])
    business_type = SelectField(choices=enum_choices(T, blank=""), validators=[Optional()])
    account_no = StringField(validators=[Optional(), Length(max=20)])
    manager = StringField(validators=[Optional(), Length(max=80)])


class ReportFilterForm(FilterForm):
    """The report's period and filters: ?start=&end= (this year by default, at most three
    years), ?type=, ?manager=<id>."""

    start = DateField(validators=[Optional()])
    end = DateField(validators=[Optional()])
    type = SelectField(choices=enum_choices(T, blank=""), validators=[Optional()])
    manager = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def period(self, today: date) -> tuple[date, date]:
        start = self.value("start", date(today.year, 1, 1))
        end = self.value("end", today)
        if end < start:
            start, end = end, start
        return start, min(end, start + timedelta(days=3 * 366))
