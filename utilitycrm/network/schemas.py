"""The network API's JSON shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from utilitycrm.core.api.fields import StrictInt
from utilitycrm.network.types import Band, LossKind

MONTH = validate.Regexp(r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$")
KWH = validate.Range(min=0, max=10**13)


class LineReadingSchema(Schema):
    line = fields.Str(required=True, validate=validate.Length(min=1, max=30),
                      metadata={"description": "The line's number (线路编号)."})  # fmt: skip
    month = fields.Str(required=True, validate=MONTH, metadata={"description": "YYYY-MM"})
    supplied_kwh = StrictInt(required=True, validate=KWH)
    peak_kw = StrictInt(load_default=None, allow_none=True, validate=KWH)


class AreaReadingSchema(Schema):
    transformer = fields.Str(required=True, validate=validate.Length(min=1, max=30),
                             metadata={"description": "The public transformer's number."})  # fmt: skip
    month = fields.Str(required=True, validate=MONTH, metadata={"description": "YYYY-MM"})
    supplied_kwh = StrictInt(required=True, validate=KWH)
    sold_kwh = StrictInt(required=True, validate=KWH)


class LineReadingsWriteSchema(Schema):
    readings = fields.List(fields.Nested(LineReadingSchema), required=True,
                           validate=validate.Length(min=1, max=50_000))  # fmt: skip


class AreaReadingsWriteSchema(Schema):
    readings = fields.List(fields.Nested(AreaReadingSchema), required=True,
                           validate=validate.Length(min=1, max=50_000))  # fmt: skip


class ReadingsResultSchema(Schema):
    inserted = fields.Int()
    updated = fields.Int()


class LossQuerySchema(Schema):
    month = fields.Str(required=True, validate=MONTH)
    kind = fields.Str(load_default=LossKind.LINE.value,
                      validate=validate.OneOf([k.value for k in LossKind]))  # fmt: skip
    abnormal = fields.Bool(load_default=False)
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))


class LossSchema(Schema):
    kind = fields.Function(lambda r: r.kind.value)
    line = fields.Function(lambda r: r.line.code if r.line else None)
    line_name = fields.Function(lambda r: r.line.name if r.line else None)
    transformer = fields.Function(lambda r: r.transformer.code if r.transformer else None)
    supplied_kwh = fields.Int(allow_none=True)
    sold_kwh = fields.Int()
    rate = fields.Float(allow_none=True)
    band = fields.Function(lambda r: r.band.value,
                           metadata={"enum": [b.value for b in Band]})  # fmt: skip
    counted = fields.Int()


class LossPageSchema(Schema):
    month = fields.Str()
    page = fields.Int()
    total = fields.Int()
    results = fields.List(fields.Nested(LossSchema))


class CapacitySchema(Schema):
    line = fields.Str()
    rating_kva = fields.Int()
    share = fields.Float()
    share_source = fields.Str(metadata={"enum": ["line", "tied", "radial"]})
    allowable_kva = fields.Int()
    peak_kva = fields.Int()
    peak_source = fields.Str(metadata={"enum": ["readings", "estimate"]})
    running_kva = fields.Int()
    open_kva = fields.Int()
