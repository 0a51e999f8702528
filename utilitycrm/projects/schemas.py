"""The projects API's JSON shapes."""

from __future__ import annotations

from marshmallow import Schema, fields

from utilitycrm.core.api.paging import PageSchema


class StageSchema(Schema):
    code = fields.Str()
    position = fields.Int()
    status = fields.Str()
    started_on = fields.Date(allow_none=True)
    finished_on = fields.Date(allow_none=True)
    note = fields.Str()


class ClockSchema(Schema):
    key = fields.Str()
    starts_on = fields.Date()
    limit_workdays = fields.Int(allow_none=True)
    due_on = fields.Date(allow_none=True)
    finished_on = fields.Date(allow_none=True)
    used_workdays = fields.Int(allow_none=True)
    is_paused = fields.Bool()


class ProjectSchema(Schema):
    number = fields.Str()
    business_type = fields.Str()
    status = fields.Str()
    customer_account_no = fields.Function(lambda p: p.customer.account_no)
    account_manager = fields.Function(
        lambda p: p.account_manager.username if p.account_manager else None
    )
    voltage_kv = fields.Str()
    applied_kva = fields.Int()
    accepted_on = fields.Date()
    completed_on = fields.Date(allow_none=True)
    cancelled_on = fields.Date(allow_none=True)


class ProjectDetailSchema(ProjectSchema):
    description = fields.Str()
    profile = fields.Function(lambda p: p.profile.code)
    stages = fields.List(fields.Nested(StageSchema))
    clocks = fields.List(fields.Nested(ClockSchema), attribute="deadlines")


class ProjectPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProjectSchema))
