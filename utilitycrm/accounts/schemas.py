"""The consumption API's JSON shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from utilitycrm.core.api.fields import StrictInt


class MonthSchema(Schema):
    month = fields.Str(required=True, validate=validate.Regexp(r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"),
                       metadata={"description": "YYYY-MM, a month that is over."})  # fmt: skip
    kwh = StrictInt(required=True, validate=validate.Range(min=0, max=10**13))
    amount_yuan = fields.Str(
        required=True, validate=validate.Regexp(r"^\d{1,12}(\.\d{1,2})?$"),
        metadata={"description": "Yuan as text, at most two decimals: 720.50"},
    )  # fmt: skip


class MonthOutSchema(MonthSchema):
    month = fields.Function(lambda row: row.month.isoformat()[:7])
    amount_yuan = fields.Function(lambda row: f"{row.amount_yuan:.2f}")


class ConsumptionWriteSchema(Schema):
    months = fields.List(
        fields.Nested(MonthSchema), required=True, validate=validate.Length(min=1, max=1200)
    )


class ConsumptionQuerySchema(Schema):
    months = fields.Int(load_default=24, validate=validate.Range(min=1, max=120))


class ConsumptionSchema(Schema):
    account_no = fields.Str()
    months = fields.List(fields.Nested(MonthOutSchema))
