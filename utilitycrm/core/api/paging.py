"""Pagination shared by every list of the API: the arguments, the envelope, the links."""

from __future__ import annotations

from flask import current_app, url_for
from marshmallow import Schema, fields, validate

from utilitycrm.core.search import Page


class PageArgsSchema(Schema):
    """`page` and `per_page`; list query schemas derive from it."""

    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))


class LinksSchema(Schema):
    next = fields.Str(allow_none=True)
    prev = fields.Str(allow_none=True)


class PageSchema(Schema):
    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int()
    is_capped = fields.Bool()
    links = fields.Nested(LinksSchema)


def row_limit() -> int:
    """Lists never count or page past LIST_ROW_LIMIT rows, in the API as on the pages."""
    return current_app.config["LIST_ROW_LIMIT"]


def page_document(page: Page, endpoint: str, filters: dict) -> dict:
    """A page of items with links to its neighbours, carrying the filters that were set."""
    args = {key: value for key, value in filters.items() if value not in (None, "", False)}
    args["per_page"] = page.per_page

    def link(number):
        return url_for(endpoint, **{**args, "page": number}) if number else None

    return {
        "items": page.items, "page": page.page, "per_page": page.per_page,
        "total": page.total, "is_capped": page.is_capped,
        "links": {"next": link(page.next_num), "prev": link(page.prev_num)},
    }  # fmt: skip
