"""The rules the API enforces, published in its OpenAPI document, so that a client (and
schemathesis) can build a valid request from the document alone: clean text (the
pattern of utilitycrm.core.text), formats the utility configures (ConfiguredPattern), and a
schema's own cross-field rules (a class's OPENAPI_RULES, e.g. HV metering's PT ratio)."""

from __future__ import annotations

import re

from apispec import BasePlugin
from flask import current_app
from marshmallow import ValidationError, fields

from utilitycrm.core.text import CLEAN_TEXT_PATTERN


class ConfiguredPattern:
    """A string validator whose regular expression is a setting (e.g. the 户号 format)."""

    def __init__(self, config_key: str, message: str) -> None:
        self.config_key, self.message = config_key, message

    def __call__(self, value: str) -> None:
        pattern = current_app.config[self.config_key]
        if not re.fullmatch(pattern, value):
            raise ValidationError(self.message.format(pattern=pattern))


class PublishedRules(BasePlugin):
    """A schema class's OPENAPI_RULES, added to its component."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        return getattr(schema if isinstance(schema, type) else type(schema), "OPENAPI_RULES", None)


def string_patterns(config):
    """An apispec attribute function giving every string a request may send its pattern:
    a ConfiguredPattern's setting, or clean text."""

    def patterns(converter, field, ret, **kwargs) -> dict:
        if not isinstance(field, fields.String) or field.dump_only:
            return {}
        for validator in field.validators:
            if isinstance(validator, ConfiguredPattern):
                return {"pattern": f"^(?:{config[validator.config_key]})$"}
        if "pattern" in ret or "enum" in ret:
            return {}
        return {"pattern": CLEAN_TEXT_PATTERN}

    return patterns
