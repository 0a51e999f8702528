"""Request-body fields as strict as the JSON types the OpenAPI document publishes:
marshmallow would take 0 for false and truncate 2.5 to the integer 2."""

from __future__ import annotations

from functools import partial

from marshmallow import fields

StrictInt = partial(fields.Int, strict=True)


class StrictBool(fields.Boolean):
    """true or false, nothing that merely looks like one (1, "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
