"""Substation, line, node and edge forms: the network as the archive keeps it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from utilitycrm.archive import choices
from utilitycrm.archive.enums import Connection, EdgeKind, NodeKind, VoltageLevel
from utilitycrm.archive.forms.base import ArchiveForm
from utilitycrm.core.forms import optional_choice, select_id
from utilitycrm.core.labels import enum_choices


class SubstationForm(ArchiveForm):
    code = StringField(_l("Substation number"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    voltage_kv = SelectField(
        _l("Voltage"), choices=enum_choices(VoltageLevel), default=VoltageLevel.V110.value
    )
    model_fields = ("code", "name", "voltage_kv")


class LineForm(ArchiveForm):
    code = StringField(_l("Line number"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Line name"), validators=[DataRequired(), Length(max=60)])
    substation_id = select_id(_l("Substation"), validators=[DataRequired()])
    voltage_kv = SelectField(
        _l("Voltage"), choices=enum_choices(VoltageLevel), default=VoltageLevel.V10.value
    )
    rated_current_a = IntegerField(
        _l("Rated current, A"),
        validators=[DataRequired(), NumberRange(min=1, max=5000)],
        description=_l("Sets the line's rating: S = √3 · U · I."),
    )
    allowed_load_pct = IntegerField(
        _l("Allowed load, in per cent of the rating"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l(
            "Leave empty for the standard share: the whole rating radial, half in a tie pair."
        ),
    )
    model_fields = (
        "code", "name", "substation_id", "voltage_kv", "rated_current_a", "allowed_load_pct",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.substation_id.choices = choices.substations()


class NodeForm(ArchiveForm):
    code = StringField(_l("Node number"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    kind = SelectField(_l("Type"), choices=enum_choices(NodeKind))
    line_id = select_id(_l("Line"))
    model_fields = ("code", "name", "kind", "line_id")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_id.choices = choices.lines()

    def validate_line_id(self, field) -> None:
        if self.kind.data == NodeKind.BUS_BAY.value and not field.data:
            raise ValidationError(_l("A substation bay is the start of a line: choose the line."))


class EdgeForm(ArchiveForm):
    code = StringField(_l("Number"), validators=[DataRequired(), Length(max=40)])
    kind = SelectField(_l("Type"), choices=enum_choices(EdgeKind))
    line_id = select_id(_l("Line"))
    from_node_code = StringField(_l("From node"), validators=[DataRequired(), Length(max=40)])
    to_node_code = StringField(_l("To node"), validators=[DataRequired(), Length(max=40)])
    is_closed = BooleanField(
        _l("Closed"), default=True, description=_l("Tie switches are normally open.")
    )
    conductor = optional_choice(_l("Conductor"), Connection)
    length_m = IntegerField(_l("Length, m"), validators=[Optional(), NumberRange(min=0)])
    model_fields = (
        "code",
        "kind",
        "line_id",
        "from_node_code",
        "to_node_code",
        "is_closed",
        "conductor",
        "length_m",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_id.choices = choices.lines()

    def validate_to_node_code(self, field) -> None:
        if field.data and field.data == self.from_node_code.data:
            raise ValidationError(_l("An edge joins two different nodes."))

    def validate_is_closed(self, field) -> None:
        if self.kind.data == EdgeKind.SECTION.value:
            field.data = True  # a section cannot be opened
