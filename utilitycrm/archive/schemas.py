"""The archive's JSON shapes for the API (marshmallow): what is read, what may be written.

The same schemas validate requests and document them in the OpenAPI document.
"""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from utilitycrm.archive import enums
from utilitycrm.archive.customer_rules import customer_problems
from utilitycrm.core.api.fields import StrictBool, StrictInt
from utilitycrm.core.api.openapi import ConfiguredPattern
from utilitycrm.core.api.paging import PageSchema


def _codes(enum) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum])


_account_no = ConfiguredPattern(
    "ARCHIVE_ACCOUNT_NO_PATTERN", "The account number must match {pattern}."
)


class SourceSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(dump_only=True)
    kind = fields.Str()
    substation_id = fields.Int(allow_none=True)
    line_id = fields.Int(allow_none=True)
    line_name = fields.Str(dump_only=True)
    pole_or_bay = fields.Str(allow_none=True)
    connection = fields.Str(allow_none=True)
    property_boundary = fields.Str(allow_none=True)
    has_generator = fields.Bool()
    generator_kw = fields.Int(allow_none=True)
    version = fields.Int(dump_only=True)


class SourceCreateSchema(Schema):
    code = fields.Str(load_default=None, validate=validate.Length(max=40))
    kind = fields.Str(required=True, validate=_codes(enums.SourceKind))
    line_id = StrictInt(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    substation_id = StrictInt(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    pole_or_bay = fields.Str(load_default=None, validate=validate.Length(max=60))
    connection = fields.Str(load_default=None, validate=_codes(enums.Connection))
    property_boundary = fields.Str(load_default=None, validate=validate.Length(max=300))
    has_generator = StrictBool(load_default=False)
    generator_kw = StrictInt(load_default=None, validate=validate.Range(min=1, max=10**6))


class TransformerSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str()
    name = fields.Str()
    kind = fields.Str()
    ownership = fields.Str()
    model = fields.Str(allow_none=True)
    rated_kva = fields.Int()
    voltage_ratio = fields.Str(allow_none=True)
    state = fields.Str()
    node_code = fields.Str(dump_only=True, allow_none=True)
    source_id = fields.Int(allow_none=True)
    commissioned_on = fields.Date(allow_none=True)
    version = fields.Int(dump_only=True)


class MeterSchema(Schema):
    asset_no = fields.Str()
    model = fields.Str(allow_none=True)
    accuracy = fields.Str()
    multiplier = fields.Int()
    installed_on = fields.Date(allow_none=True)
    verified_on = fields.Date(allow_none=True)


class MeteringPointSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str()
    name = fields.Str()
    method = fields.Str()
    wiring = fields.Str()
    metering_class = fields.Str()
    ct_ratio = fields.Str(allow_none=True)
    pt_ratio = fields.Str(allow_none=True)
    meters = fields.List(fields.Nested(MeterSchema))
    version = fields.Int(dump_only=True)


class CustomerSchema(Schema):
    account_no = fields.Str()
    name = fields.Str()
    address = fields.Str(allow_none=True)
    id_type = fields.Str(allow_none=True)
    id_number = fields.Str(allow_none=True)
    contact_name = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    category = fields.Str()
    industry_code = fields.Str(allow_none=True)
    voltage_kv = fields.Str()
    contract_capacity_kva = fields.Int()
    operating_capacity_kva = fields.Int()
    tariff_code = fields.Str(allow_none=True)
    tariff_structure = fields.Str()
    basic_charge_basis = fields.Str(allow_none=True)
    contract_demand_kw = fields.Int(allow_none=True)
    pf_standard = fields.Str()
    is_time_of_use = fields.Bool()
    importance = fields.Str()
    value_class = fields.Str(allow_none=True)
    status = fields.Str()
    account_manager = fields.Function(
        lambda c: c.account_manager.username if c.account_manager else None
    )
    version = fields.Int()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CustomerDetailSchema(CustomerSchema):
    sources = fields.List(fields.Nested(SourceSchema))
    transformers = fields.List(fields.Nested(TransformerSchema))
    metering_points = fields.List(fields.Nested(MeteringPointSchema))


_INT = validate.Range(min=0, max=10**7)


class CustomerWriteSchema(Schema):
    """Fields of a new customer; an update sends any of them with the version it read."""

    # The customer rules (customer_rules), in the document for a new customer; an update
    # is checked against the fields it leaves as they are (409 from the service).
    OPENAPI_RULES = {
        "allOf": [
            {"anyOf": [
                {"properties": {"tariff_structure": {"not": {"enum": ["two_part"]}}}},
                {"required": ["basic_charge_basis"],
                 "properties": {"basic_charge_basis": {"type": "string"}}},
            ]},
            {"anyOf": [
                {"properties": {"tariff_structure": {"not": {"enum": ["two_part"]}}}},
                {"properties": {"basic_charge_basis": {"not": {"enum": ["demand"]}}}},
                {"required": ["contract_demand_kw"],
                 "properties": {"contract_demand_kw": {"type": "integer"}}},
            ]},
        ]
    }  # fmt: skip

    account_no = fields.Str(required=True, validate=[validate.Length(max=20), _account_no])
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    address = fields.Str(allow_none=True, validate=validate.Length(max=300))
    id_type = fields.Str(allow_none=True, validate=_codes(enums.IdType))
    id_number = fields.Str(allow_none=True, validate=validate.Length(max=30))
    contact_name = fields.Str(allow_none=True, validate=validate.Length(max=50))
    phone = fields.Str(
        allow_none=True, validate=validate.Regexp(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
    )
    category = fields.Str(required=True, validate=_codes(enums.Category))
    industry_code = fields.Str(allow_none=True, validate=validate.Length(max=10))
    voltage_kv = fields.Str(required=True, validate=_codes(enums.VoltageLevel))
    contract_capacity_kva = StrictInt(required=True, validate=_INT)
    operating_capacity_kva = StrictInt(validate=_INT)
    tariff_code = fields.Str(allow_none=True, validate=validate.Length(max=20))
    tariff_structure = fields.Str(validate=_codes(enums.TariffStructure))
    basic_charge_basis = fields.Str(allow_none=True, validate=_codes(enums.BasicChargeBasis))
    contract_demand_kw = StrictInt(allow_none=True, validate=validate.Range(min=1, max=10**7))
    pf_standard = fields.Str(validate=_codes(enums.PowerFactorStandard))
    is_time_of_use = StrictBool()
    importance = fields.Str(validate=_codes(enums.Importance))
    value_class = fields.Str(allow_none=True, validate=_codes(enums.ValueClass))
    relationship_notes = fields.Str(allow_none=True, validate=validate.Length(max=4000))

    @validates_schema
    def follows_the_customer_rules(self, data, **kwargs) -> None:
        problems = customer_problems(data)
        if problems:
            raise ValidationError({field: [str(message)] for field, message in problems})


class CustomerUpdateSchema(CustomerWriteSchema):
    OPENAPI_RULES = None

    def follows_the_customer_rules(self, data, **kwargs) -> None:
        """Not for an update: the service checks it with the fields the update leaves."""

    version = StrictInt(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    reason = fields.Str(load_default="", validate=validate.Length(max=500))


# Every field of an update is optional but the version the client read.
UPDATE_PARTIAL = tuple(CustomerWriteSchema._declared_fields)


class CustomerPageSchema(PageSchema):
    items = fields.List(fields.Nested(CustomerSchema))


class LineSchema(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    substation = fields.Function(lambda line: line.substation.name)
    voltage_kv = fields.Str()
    rated_current_a = fields.Int()
    rating_kva = fields.Int()


class LinePageSchema(PageSchema):
    items = fields.List(fields.Nested(LineSchema))


class TopologyNodeSchema(Schema):
    id = fields.Int()
    label = fields.Str()
    kind = fields.Str()
    is_foreign = fields.Bool()
    is_energised = fields.Bool()


class TopologyEdgeSchema(Schema):
    code = fields.Function(lambda e: e.edge.code)
    kind = fields.Function(lambda e: e.edge.kind)
    from_node = fields.Function(lambda e: e.edge.from_id)
    to_node = fields.Function(lambda e: e.edge.to_id)
    is_closed = fields.Function(lambda e: e.edge.is_closed)


class TopologyTransformerSchema(Schema):
    code = fields.Str()
    rated_kva = fields.Int()
    state = fields.Str()
    customer_account_no = fields.Str(allow_none=True)
    node_id = fields.Int()


class LineTopologySchema(Schema):
    line = fields.Nested(LineSchema)
    nodes = fields.Function(lambda d: TopologyNodeSchema(many=True).dump(d.nodes.values()))
    edges = fields.List(fields.Nested(TopologyEdgeSchema))
    transformers = fields.List(fields.Nested(TopologyTransformerSchema))
    running_kva = fields.Int()
    installed_kva = fields.Int()
    loading = fields.Float(allow_none=True)


_ID = validate.Range(min=1, max=2**31 - 1)


class TransformerCreateSchema(Schema):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=30))
    name = fields.Str(load_default="", validate=validate.Length(max=80))
    kind = fields.Str(load_default="transformer", validate=_codes(enums.TransformerKind))
    model = fields.Str(load_default=None, validate=validate.Length(max=50))
    rated_kva = StrictInt(required=True, validate=validate.Range(min=1, max=10**6))
    voltage_ratio = fields.Str(load_default=None, validate=validate.Length(max=20))
    state = fields.Str(load_default="running", validate=_codes(enums.TransformerState))
    source_id = StrictInt(load_default=None, validate=_ID)
    node_code = fields.Str(load_default=None, validate=validate.Length(max=40))
    commissioned_on = fields.Date(load_default=None)
    no_load_loss_kw = fields.Float(load_default=None, validate=validate.Range(min=0, max=1e4))
    load_loss_kw = fields.Float(load_default=None, validate=validate.Range(min=0, max=1e4))

    @post_load
    def exact_losses(self, data, **kwargs):
        """Losses are kept as exact decimals (three places), as typed."""
        for name in ("no_load_loss_kw", "load_loss_kw"):
            if data[name] is not None:
                data[name] = Decimal(str(data[name])).quantize(Decimal("0.001"))
        return data


_RATIO = validate.Regexp(r"^[1-9]\d{0,5}/[1-9]\d{0,5}$")


class MeteringPointCreateSchema(Schema):
    # HV metering (高供高计) needs its PT ratio: in the document, not only in post_load.
    OPENAPI_RULES = {
        "anyOf": [
            {"properties": {"method": {"not": {"enum": ["hv_hv"]}}}},
            {"required": ["pt_ratio"], "properties": {"pt_ratio": {"type": "string"}}},
        ]
    }

    code = fields.Str(required=True, validate=validate.Length(min=1, max=30))
    name = fields.Str(load_default="", validate=validate.Length(max=80))
    method = fields.Str(required=True, validate=_codes(enums.MeteringMethod))
    wiring = fields.Str(required=True, validate=_codes(enums.Wiring))
    metering_class = fields.Str(required=True, validate=_codes(enums.MeteringClass))
    ct_ratio = fields.Str(load_default=None, validate=_RATIO)
    pt_ratio = fields.Str(load_default=None, validate=_RATIO)
    transformer_id = StrictInt(load_default=None, validate=_ID)
    adds_transformer_loss = StrictBool(load_default=False)
    has_voltage_loss_recorder = StrictBool(load_default=False)

    @post_load
    def split_ratios(self, data, **kwargs):
        """`300/5` into the primary and secondary columns, as the forms do."""
        for name, prefix, unit in (("ct_ratio", "ct", "a"), ("pt_ratio", "pt", "v")):
            ratio = data.pop(name)
            primary, secondary = (int(part) for part in ratio.split("/")) if ratio else (None, None)
            if ratio and (primary == 0 or secondary == 0):
                raise ValidationError("A ratio has no zero part.", name)
            data[f"{prefix}_primary_{unit}"], data[f"{prefix}_secondary_{unit}"] = (
                primary,
                secondary,
            )
        if data["method"] == "hv_hv" and data["pt_primary_v"] is None:
            raise ValidationError("HV metering (高供高计) needs a PT ratio.", "pt_ratio")
        return data
