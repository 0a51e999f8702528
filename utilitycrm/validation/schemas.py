"""The validation API's JSON shapes: runs, findings and the findings filter."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from utilitycrm.core.api.paging import PageSchema


def _codes(enum) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum])


class RunSchema(Schema):
    id = fields.Int()
    status = fields.Str()
    trigger = fields.Str()
    scope = fields.Dict()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    customers_checked = fields.Int()
    counts = fields.Dict()
    indicators = fields.Dict()
    thresholds_effective_on = fields.Date(allow_none=True)
    error = fields.Str(allow_none=True)


class RunPageSchema(PageSchema):
    items = fields.List(fields.Nested(RunSchema))


class FindingObjectSchema(Schema):
    type = fields.Str()
    id = fields.Int()
    label = fields.Str()


class FindingSchema(Schema):
    id = fields.Int()
    rule_id = fields.Str()
    rule_title = fields.Function(lambda f: str(f.rule.title) if f.rule else f.rule_id)
    family = fields.Str()
    severity = fields.Str()
    status = fields.Str()
    message = fields.Str(metadata={"description": "What is wrong, in the caller's language."})
    customer_account_no = fields.Function(lambda f: f.customer.account_no if f.customer else None)
    line_code = fields.Function(lambda f: f.line.code if f.line else None)
    objects = fields.List(fields.Nested(FindingObjectSchema))
    assignee = fields.Function(lambda f: f.assignee.username if f.assignee else None)
    due_on = fields.Date(allow_none=True)
    waive_reason = fields.Str(allow_none=True)
    first_run_id = fields.Int()
    last_run_id = fields.Int()
    version = fields.Int()


class FindingPageSchema(PageSchema):
    items = fields.List(fields.Nested(FindingSchema))
