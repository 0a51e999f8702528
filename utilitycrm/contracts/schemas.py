"""The contracts API's JSON shapes."""

from __future__ import annotations

from marshmallow import Schema, fields

from utilitycrm.contracts.services import stale_changes
from utilitycrm.core.api.paging import PageSchema


class ContractFileSchema(Schema):
    id = fields.Int()
    role = fields.Str(metadata={"description": "`signed`: the frozen PDF; `scan`: the paper."})
    filename = fields.Str()
    media_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    uploaded_at = fields.DateTime()


class ContractSchema(Schema):
    number = fields.Str()
    kind = fields.Str()
    status = fields.Str()
    customer_account_no = fields.Function(lambda c: c.customer.account_no)
    project_number = fields.Function(lambda c: c.project.number if c.project else None)
    replaces = fields.Function(lambda c: c.replaces.number if c.replaces else None)
    language = fields.Str()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    signed_on = fields.Date(allow_none=True)
    template_version = fields.Str(allow_none=True)
    pdf_sha256 = fields.Str(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.Str(allow_none=True)


class PaperTermsSchema(Schema):
    """What a contract signed on paper states (null: not stated, not compared)."""

    contract_kva = fields.Int(attribute="paper_kva", allow_none=True)
    contract_demand_kw = fields.Int(attribute="paper_demand_kw", allow_none=True)
    main_line = fields.Function(lambda c: c.paper_line.code if c.paper_line else None)
    backup_line = fields.Function(
        lambda c: c.paper_backup_line.code if c.paper_backup_line else None
    )
    tariff_code = fields.Str(attribute="paper_tariff_code", allow_none=True)
    property_boundary = fields.Str(attribute="paper_boundary", allow_none=True)


class ContractDetailSchema(ContractSchema):
    paper_terms = fields.Function(
        lambda c: PaperTermsSchema().dump(c) if c.is_paper else None,
        metadata={"description": "For a contract signed on paper: the terms it states."},
    )
    data = fields.Dict(
        attribute="frozen_data",
        allow_none=True,
        metadata={"description": "The archive data the signed contract was made from."},
    )
    stale_terms = fields.Function(
        lambda c: [change.key for change in stale_changes([c]).get(c.id, [])],
        metadata={"description": "Tracked terms the archive no longer agrees with."},
    )
    files = fields.List(fields.Nested(ContractFileSchema))


class ContractPageSchema(PageSchema):
    items = fields.List(fields.Nested(ContractSchema))
