"""The base form every form derives from: text is tidied the same way everywhere."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from utilitycrm.core.labels import enum_choices
from utilitycrm.core.routing import MAX_ID
from utilitycrm.core.text import tidy_block, tidy_line


class Form(FlaskForm):
    """Besides errors, a form may collect warnings: accepted, but worth a second look."""

    # Fields shown after all others whatever their declaration order (mixins declare early).
    TRAILING_FIELDS = ("reason",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def visible_fields(self) -> list:
        shown = [field for field in self if getattr(field.widget, "input_type", None) != "hidden"]
        trailing = [field for field in shown if field.name in self.TRAILING_FIELDS]
        return [field for field in shown if field.name not in self.TRAILING_FIELDS] + trailing

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, TextAreaField):
                options["filters"] = (tidy_block, *options.get("filters", ()))
            elif issubclass(field_class, StringField) and not issubclass(
                field_class, PasswordField
            ):
                options["filters"] = (tidy_line, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)


STALE_FORM = _l("The form is out of date. Reload the page and enter the change again.")


class VersionField(IntegerField):
    """The version a record was loaded at, sent back hidden with the form. A value no
    version can be is refused like a form loaded long ago, never sent to the database."""

    widget = HiddenInput()

    def __init__(self, *, required: bool = False, **kwargs):
        kwargs["validators"] = [
            DataRequired() if required else Optional(),
            NumberRange(min=1, max=MAX_ID, message=STALE_FORM),
        ]
        super().__init__(**kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:  # not a number at all: tampered with, or truncated
            raise ValueError(str(STALE_FORM)) from error

    def process(self, formdata, data=unset_value, extra_filters=None):
        """Posted without the field, the form has no version: WTForms would fall back to
        the record's current one, and a stale edit would pass as fresh."""
        super().process(formdata, data, extra_filters)
        if formdata is not None and self.name not in formdata:
            self.data = None


BLANK = _l("— none —")


def optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def none_if_blank(value):
    return value or None


def optional_choice(label, enum, **kwargs) -> SelectField:
    """A select of an enum's codes whose blank choice means None."""
    return SelectField(
        label,
        choices=enum_choices(enum, blank=BLANK),
        filters=[none_if_blank],
        validators=[Optional()],
        **kwargs,
    )


def select_id(label, **kwargs) -> SelectField:
    """A select whose value is a record id, or None for the blank choice."""
    return SelectField(label, coerce=optional_int, validate_choice=True, **kwargs)


class FilterForm(Form):
    """A list's filters from the query string, parsed and checked like any input. The
    fields are named as the list's filter dataclass (or renamed by FILTER_NAMES), so the
    page, its export and the API build the same filters for the same query."""

    # query-string name -> filter dataclass field, where the two differ
    FILTER_NAMES: dict[str, str] = {}

    class Meta:
        csrf = False

    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])

    def filters(self, filter_class):
        """The list filters, from valid fields only: a bad value is dropped, not fatal."""
        return self.filter_values(
            filter_class, {field.name: self.value(field.name) for field in self}
        )

    @classmethod
    def filter_values(cls, filter_class, values: dict):
        """The list filters from values by query-string name: the form's or the API's
        (which refuses a bad value instead); blank values are not filters."""
        wanted = set(filter_class.__dataclass_fields__)
        named = {cls.FILTER_NAMES.get(name, name): value for name, value in values.items()}
        return filter_class(
            **{
                name: value
                for name, value in named.items()
                if name in wanted and value not in (None, "")
            }
        )

    def value(self, name: str, default=None):
        """A field's value when it was given and is valid, else `default`."""
        field = self[name]
        return field.data if not field.errors and field.data not in (None, "") else default

    def described(self) -> list[tuple[str, str]]:
        """The filters in effect as (label, value) as the user chose them, for the
        heading of a report or an export."""
        shown = []
        for field in self:
            if field.name == "page" or field.errors or field.data in (None, "", False):
                continue
            value = field.data
            if field.type == "SelectField":
                value = next((str(c.label) for c in field.iter_choices() if c.selected), value)
            shown.append((str(field.label.text), "✓" if value is True else str(value)))
        return shown

    @property
    def page_number(self) -> int:
        return self.page.data if self.page.data and not self.page.errors else 1
