"""The forms of the work inside the stages: the supply plan and its metering scheme, the
units the customer chose, an inspection's defect list, the grid-side works."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from utilitycrm.archive.enums import (
    MeterAccuracy,
    MeteringClass,
    MeteringMethod,
    PowerFactorStandard,
    Wiring,
)
from utilitycrm.archive.forms.fields import RatioField
from utilitycrm.core.forms import Form, optional_choice
from utilitycrm.core.labels import enum_choices
from utilitycrm.projects.profiles import LIMIT_LABELS
from utilitycrm.projects.types import (
    AttachmentKind,
    GridWorkKind,
    LicenceClass,
    Satisfaction,
    UnitRole,
)


class SchemeForm(Form):
    """A metering scheme: the plan approves it, the connection installs it."""

    metering_method = SelectField(_l("Metering method"), choices=enum_choices(MeteringMethod))
    wiring = SelectField(_l("Wiring"), choices=enum_choices(Wiring))
    metering_class = SelectField(_l("Metering class"), choices=enum_choices(MeteringClass))
    ct_ratio = RatioField(_l("CT ratio"))
    pt_ratio = RatioField(_l("PT ratio"))
    meter_accuracy = SelectField(_l("Meter accuracy class"), choices=enum_choices(MeterAccuracy))

    def scheme(self) -> dict[str, object]:
        """The project's metering columns (ratios split into primary and secondary)."""
        ct, pt = self.ct_ratio.data or (None, None), self.pt_ratio.data or (None, None)
        return {
            "metering_method": self.metering_method.data,
            "wiring": self.wiring.data,
            "metering_class": self.metering_class.data,
            "ct_primary_a": ct[0],
            "ct_secondary_a": ct[1],
            "pt_primary_v": pt[0],
            "pt_secondary_v": pt[1],
            "meter_accuracy": self.meter_accuracy.data,
        }

    def fill_ratios(self, project) -> None:
        """The ratio fields from the project's columns (a form built from the project)."""
        if project.ct_primary_a and not self.ct_ratio.data:
            self.ct_ratio.data = (project.ct_primary_a, project.ct_secondary_a)
        if project.pt_primary_v and not self.pt_ratio.data:
            self.pt_ratio.data = (project.pt_primary_v, project.pt_secondary_v)


class PlanForm(SchemeForm):
    pf_standard = SelectField(
        _l("Power-factor standard"), choices=enum_choices(PowerFactorStandard)
    )
    compensation_kvar = IntegerField(
        _l("Reactive compensation, kvar"), validators=[Optional(), NumberRange(0, 1_000_000)]
    )
    power_quality = TextAreaField(
        _l("Power-quality requirements"), validators=[Optional(), Length(max=500)]
    )
    charges_yuan = DecimalField(
        _l("Charges, yuan"), places=2, validators=[Optional(), NumberRange(0, 10**9)]
    )
    charges_basis = StringField(
        _l("Basis of the charges"), validators=[Optional(), Length(max=300)]
    )
    valid_months = IntegerField(
        _l("Valid for (months)"), validators=[InputRequired(), NumberRange(1, 36)]
    )
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=1000)])

    def values(self) -> dict[str, object]:
        return {
            **self.scheme(),
            "pf_standard": self.pf_standard.data,
            "compensation_kvar": self.compensation_kvar.data,
            "power_quality": self.power_quality.data or "",
            "charges_yuan": self.charges_yuan.data,
            "charges_basis": self.charges_basis.data or "",
            "valid_months": self.valid_months.data,
            "remarks": self.remarks.data or "",
        }


class UnitForm(Form):
    role = SelectField(_l("Role"), choices=enum_choices(UnitRole))
    name = StringField(_l("Unit, as the customer names it"),
                       validators=[DataRequired(), Length(max=200)])  # fmt: skip
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[Optional(), Length(max=30)])  # fmt: skip
    licence_no = StringField(_l("Licence number"), validators=[Optional(), Length(max=60)])
    licence_class = optional_choice(_l("Licence class"), LicenceClass)
    qualification = StringField(_l("Qualification (资质)"),
                                validators=[Optional(), Length(max=200)])  # fmt: skip
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=100)])

    def values(self) -> dict[str, object]:
        return {name: self[name].data for name in (
            "name", "credit_code", "licence_no", "licence_class", "qualification",
            "valid_until", "contact")}  # fmt: skip


class DefectsForm(Form):
    day = DateField(_l("Inspected on"), validators=[InputRequired()])
    texts = TextAreaField(_l("Defects, one a line"), validators=[DataRequired(), Length(max=5000)])


class CloseDefectForm(Form):
    day = DateField(_l("Cleared on"), validators=[InputRequired()])
    note = StringField(_l("How it was cleared"), validators=[Optional(), Length(max=500)])


class GridWorkForm(Form):
    kind = SelectField(_l("Work"), choices=enum_choices(GridWorkKind))
    description = StringField(_l("What is built"), validators=[DataRequired(), Length(max=300)])
    department = StringField(_l("Department that builds it"),
                             validators=[DataRequired(), Length(max=100)])  # fmt: skip
    started_on = DateField(_l("Started"), validators=[InputRequired()])
    planned_on = DateField(_l("Planned to be done"), validators=[InputRequired()])


class GridWorkDoneForm(Form):
    day = DateField(_l("Done on"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class AttachmentForm(Form):
    kind = SelectField(_l("Document"), choices=enum_choices(AttachmentKind))
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class ReturnVisitForm(Form):
    day = DateField(_l("Visited on"), validators=[InputRequired()])
    satisfaction = SelectField(_l("Satisfaction"), choices=enum_choices(Satisfaction))
    remarks = TextAreaField(_l("The customer's remarks"), validators=[Optional(), Length(max=500)])


class FollowUpForm(Form):
    day = DateField(_l("Followed up on"), validators=[InputRequired()])
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=500)])


class ProfileForm(Form):
    """A time-limit profile: its code, name and day, and a limit for every clock."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    effective_on = DateField(_l("In effect from"), validators=[InputRequired()])
    is_default = BooleanField(_l("The default for applications from that day"))

    def limit_fields(self):
        return [self[f"limit_{key}"] for key in LIMIT_LABELS]

    def limits(self) -> dict[str, int]:
        return {key: self[f"limit_{key}"].data for key in LIMIT_LABELS}

    def fill(self, profile) -> None:
        for key in LIMIT_LABELS:
            self[f"limit_{key}"].data = profile.limits.get(key)


for _key, _label in LIMIT_LABELS.items():
    setattr(
        ProfileForm,
        f"limit_{_key}",
        IntegerField(_label, validators=[InputRequired(), NumberRange(1, 250)]),
    )
