"""Power source, transformer, metering point and meter forms of one customer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from utilitycrm.archive import choices
from utilitycrm.archive.enums import (
    Connection,
    MeterAccuracy,
    MeteringClass,
    MeteringMethod,
    SourceKind,
    TransformerKind,
    TransformerState,
    Wiring,
)
from utilitycrm.archive.forms.base import ArchiveForm
from utilitycrm.archive.forms.fields import RatioField, standard_capacity
from utilitycrm.core.forms import optional_choice, select_id
from utilitycrm.core.labels import enum_choices


class PowerSourceForm(ArchiveForm):
    code = StringField(
        _l("Source number"),
        validators=[Optional(), Length(max=40)],
        description=_l("Leave empty to number it after the account: 户号-S1, -S2, …"),
    )
    kind = SelectField(_l("Source type (电源性质)"), choices=enum_choices(SourceKind))
    line_id = select_id(_l("10 kV line"), validators=[DataRequired(_l("Choose the line."))])
    substation_id = select_id(
        _l("Substation"), description=_l("Leave empty to take the line's substation.")
    )
    pole_or_bay = StringField(_l("Pole number or bay"), validators=[Optional(), Length(max=60)])
    connection = optional_choice(_l("Connection"), Connection)
    property_boundary = StringField(
        _l("Property boundary (产权分界点)"), validators=[Optional(), Length(max=300)]
    )
    has_generator = BooleanField(_l("Self-owned emergency generator"))
    generator_kw = IntegerField(_l("Generator, kW"), validators=[Optional(), NumberRange(min=1)])
    model_fields = (
        "code",
        "kind",
        "line_id",
        "substation_id",
        "pole_or_bay",
        "connection",
        "property_boundary",
        "has_generator",
        "generator_kw",
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_id.choices = choices.lines()
        self.substation_id.choices = choices.substations()

    def validate_has_generator(self, field) -> None:
        if field.data and not self.generator_kw.data:
            raise ValidationError(_l("Enter the generator's rating."))


class TransformerForm(ArchiveForm):
    code = StringField(_l("Equipment number"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    kind = SelectField(_l("Type"), choices=enum_choices(TransformerKind))
    model = StringField(_l("Model"), validators=[Optional(), Length(max=50)])
    rated_kva = IntegerField(
        _l("Rated capacity, kVA"),
        validators=[
            DataRequired(_l("Enter the rated capacity in kVA.")),
            NumberRange(min=1),
            standard_capacity,
        ],
    )
    voltage_ratio = StringField(
        _l("Voltage ratio"),
        validators=[Optional(), Length(max=20)],
        render_kw={"placeholder": "10/0.4"},
    )
    state = SelectField(_l("State"), choices=enum_choices(TransformerState))
    source_id = select_id(_l("Fed by source"))
    node_code = StringField(
        _l("Network node"),
        validators=[Optional(), Length(max=40)],
        description=_l("The code of the pole, ring main unit or branch it hangs on."),
    )
    commissioned_on = DateField(_l("Commissioned on"), validators=[Optional()])
    no_load_loss_kw = DecimalField(
        _l("No-load loss, kW"), places=3, validators=[Optional(), NumberRange(min=0)]
    )
    load_loss_kw = DecimalField(
        _l("Load loss, kW"), places=3, validators=[Optional(), NumberRange(min=0)]
    )
    model_fields = (
        "code",
        "name",
        "kind",
        "model",
        "rated_kva",
        "voltage_ratio",
        "state",
        "source_id",
        "node_code",
        "commissioned_on",
        "no_load_loss_kw",
        "load_loss_kw",
    )

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_id.choices = choices.sources(customer) if customer else []


class MeteringPointForm(ArchiveForm):
    code = StringField(_l("Metering point number"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    method = SelectField(_l("Metering method (计量方式)"), choices=enum_choices(MeteringMethod))
    wiring = SelectField(_l("Wiring"), choices=enum_choices(Wiring))
    metering_class = SelectField(_l("Metering class"), choices=enum_choices(MeteringClass))
    ct_ratio = RatioField(_l("CT ratio"), render_kw={"placeholder": "300/5"})
    pt_ratio = RatioField(_l("PT ratio"), render_kw={"placeholder": "10000/100"})
    transformer_id = select_id(
        _l("Transformer"), description=_l("For LV metering of an HV supply (高供低计).")
    )
    adds_transformer_loss = BooleanField(_l("Transformer loss added (变损)"))
    has_voltage_loss_recorder = BooleanField(_l("Voltage-loss recorder"))
    model_fields = (
        "code",
        "name",
        "method",
        "wiring",
        "metering_class",
        "transformer_id",
        "adds_transformer_loss",
        "has_voltage_loss_recorder",
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.transformer_id.choices = choices.transformers(customer)

    def model_data(self) -> dict[str, object]:
        ct = self.ct_ratio.data or (None, None)
        pt = self.pt_ratio.data or (None, None)
        return {
            **super().model_data(),
            "ct_primary_a": ct[0],
            "ct_secondary_a": ct[1],
            "pt_primary_v": pt[0],
            "pt_secondary_v": pt[1],
        }

    def validate_pt_ratio(self, field) -> None:
        if self.method.data == MeteringMethod.HV_HV.value and not field.data:
            raise ValidationError(_l("HV metering (高供高计) needs a PT ratio."))


class MeterForm(ArchiveForm):
    metering_point_id = select_id(_l("Metering point"))
    asset_no = StringField(_l("Asset number"), validators=[DataRequired(), Length(max=30)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=50)])
    accuracy = SelectField(_l("Accuracy class"), choices=enum_choices(MeterAccuracy))
    multiplier = IntegerField(
        _l("Total multiplier (综合倍率)"),
        validators=[DataRequired(), NumberRange(min=1)],
        default=1,
    )
    installed_on = DateField(_l("Installed on"), validators=[Optional()])
    verified_on = DateField(_l("Last verified on"), validators=[Optional()])
    model_fields = (
        "metering_point_id",
        "asset_no",
        "model",
        "accuracy",
        "multiplier",
        "installed_on",
        "verified_on",
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.metering_point_id.choices = choices.metering_points(customer)
