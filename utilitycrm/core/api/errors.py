"""The one JSON error body of the API, as the OpenAPI document publishes it: what
utilitycrm.core.errors.render_error sends for every refusal."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    status = fields.Int(required=True, metadata={"description": "The HTTP status."})
    title = fields.Str(required=True, metadata={"description": "What kind of refusal."})
    message = fields.Str(required=True, metadata={"description": "What to do about it."})
    fields_ = fields.Dict(
        data_key="fields",
        metadata={
            "description": "Per field (by request location for invalid input), or "
            "changed_since: the changes another user saved since the version sent."
        },
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)
