"""The base form every form derives from: text is tidied the same way everywhere."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

# Full-width forms (全角) of ASCII, U+FF01–U+FF5E, and the ideographic space; NUL, which
# no text column can store, is dropped.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0: None}


def tidy_line(value: object) -> object:
    """One-line text: full-width letters, digits and signs become ASCII; outer spaces go.

    Archive keys (户号, phone numbers, line names) typed with a Chinese input method
    otherwise fail to match the same value typed in half-width.
    """
    if not isinstance(value, str):
        return value
    return value.translate(_FULL_WIDTH).strip()


def tidy_block(value: object) -> object:
    """Free text keeps its Chinese punctuation; only outer white space (and NUL) goes."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


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
