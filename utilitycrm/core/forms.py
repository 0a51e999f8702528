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
