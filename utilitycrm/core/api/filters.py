"""The API's list arguments come from the page's filter form: one definition of a list's
filters, its names, choices and limits, for the page, its export and the API."""

from __future__ import annotations

from marshmallow import fields, validate
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange, Regexp

from utilitycrm.core.api.paging import PageArgsSchema
from utilitycrm.core.forms import FilterForm, optional_int
from utilitycrm.core.routing import MAX_ID


def filter_schema(form_class: type[FilterForm]) -> type[PageArgsSchema]:
    """A query schema with one argument per filter field of `form_class`, checked by the
    field's own validators; a bad value is refused (422), where the page drops it."""
    declared = {
        name: _argument(unbound)
        for name, unbound in _unbound_fields(form_class)
        if name not in PageArgsSchema._declared_fields
    }
    return PageArgsSchema.from_dict(declared, name=f"{form_class.__name__}Arguments")


def _unbound_fields(form_class: type[FilterForm]) -> list[tuple[str, UnboundField]]:
    found = {
        name: value
        for klass in reversed(form_class.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, UnboundField)
    }
    return sorted(found.items(), key=lambda item: item[1].creation_counter)


def _argument(unbound: UnboundField) -> fields.Field:
    kind, kwargs = unbound.field_class, unbound.kwargs
    label = unbound.args[0] if unbound.args else kwargs.get("label")
    metadata = {"description": str(label)} if label else {}
    checks = [check for v in kwargs.get("validators", ()) if (check := _check(v)) is not None]
    default = kwargs.get("default")
    if issubclass(kind, BooleanField):
        return fields.Bool(load_default=bool(default), metadata=metadata)
    if issubclass(kind, DateField):
        return fields.Date(load_default=None, allow_none=True, metadata=metadata)
    if issubclass(kind, IntegerField) or kwargs.get("coerce") is optional_int:
        checks = checks or [validate.Range(min=1, max=MAX_ID)]
        return fields.Int(load_default=None, allow_none=True, validate=checks, metadata=metadata)
    if issubclass(kind, SelectField) and isinstance(kwargs.get("choices"), list | tuple):
        codes = [_code(choice) for choice in kwargs["choices"]]
        checks.append(validate.OneOf(codes if "" in codes else ["", *codes]))
    elif not issubclass(kind, StringField):
        raise TypeError(f"no API argument for a {kind.__name__} filter")
    return fields.Str(load_default=default or "", validate=checks, metadata=metadata)


def _check(validator) -> validate.Validator | None:
    if isinstance(validator, Length):
        return validate.Length(max=validator.max if validator.max >= 0 else None)
    if isinstance(validator, NumberRange):
        return validate.Range(min=validator.min, max=validator.max)
    if isinstance(validator, Regexp):
        return validate.Regexp(validator.regex)
    return None


def _code(choice) -> str:
    return choice.value if isinstance(choice, SelectChoice) else choice[0]
