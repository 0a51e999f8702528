"""Query-string forms of the archive lists: parsed and checked like any input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from utilitycrm.archive import choices
from utilitycrm.archive.enums import (
    Category,
    CustomerStatus,
    Importance,
    Ownership,
    TransformerState,
    ValueClass,
    VoltageLevel,
)
from utilitycrm.core.forms import FilterForm, optional_int
from utilitycrm.core.labels import enum_choices
from utilitycrm.core.routing import MAX_ID

ANY = _l("— any —")


class SearchForm(FilterForm):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    # Set by the column headers, carried by the search (core.sorting; each list's sorts).
    sort = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=20)])


def _select(label, enum):
    return SelectField(label, choices=enum_choices(enum, blank=ANY), validators=[Optional()])


def _id_select(label):
    return SelectField(label, coerce=optional_int, validators=[Optional()])


def _line_field():
    """A line by its name or number: a select of two thousand lines would cost more to
    render than the search itself."""
    return StringField(_l("Line name or number"), validators=[Optional(), Length(max=60)])


class CustomerSearchForm(SearchForm):
    anywhere = BooleanField(_l("Anywhere in name or address"))
    substation_id = _id_select(_l("Substation"))
    line = _line_field()
    line_id = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    category = _select(_l("Category"), Category)
    voltage_kv = _select(_l("Voltage"), VoltageLevel)
    account_manager_id = _id_select(_l("Account manager"))
    value_class = _select(_l("Value class"), ValueClass)
    importance = _select(_l("Important customer grade"), Importance)
    status = _select(_l("Status"), CustomerStatus)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.substation_id.choices = choices.substations()
        self.account_manager_id.choices = choices.account_managers()


class LineSearchForm(SearchForm):
    substation_id = _id_select(_l("Substation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.substation_id.choices = choices.substations()


class MeterSearchForm(SearchForm):
    verified_from = DateField(_l("Verified from"), validators=[Optional()])
    verified_to = DateField(_l("Verified until"), validators=[Optional()])
    rotation_due_by = DateField(_l("Due for rotation by"), validators=[Optional()])


class TransformerSearchForm(SearchForm):
    line = _line_field()
    state = _select(_l("State"), TransformerState)
    ownership = _select(_l("Ownership"), Ownership)
