"""Where to fix what a finding points at: the edit form of each object."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from utilitycrm.validation.models import Finding

TYPE_LABELS = {
    "customer": _l("Customer"),
    "power_source": _l("Power source"),
    "transformer": _l("Transformer"),
    "metering_point": _l("Metering point"),
    "meter": _l("Meter"),
    "feeder_line": _l("Line"),
    "network_edge": _l("Switch or section"),
    "substation": _l("Substation"),
    "contract": _l("Supply contract"),
}
_CUSTOMER_KINDS = {
    "power_source": "sources",
    "transformer": "transformers",
    "metering_point": "metering-points",
    "meter": "meters",
}


def object_links(finding: Finding) -> list[tuple[object, str, str]]:
    """(type label, object label, URL of the page that fixes it) per object."""
    account_no = finding.customer.account_no if finding.customer else None
    links = []
    for ref in finding.objects:
        kind, record_id, label = ref["type"], ref["id"], ref["label"]
        if kind == "customer":
            url = url_for("archive.edit_customer", account_no=label.split()[0])
        elif kind in _CUSTOMER_KINDS and account_no:
            url = url_for(
                "archive.edit_customer_record",
                account_no=account_no,
                kind=_CUSTOMER_KINDS[kind],
                record_id=record_id,
            )
        elif kind == "transformer":
            url = url_for(
                "archive.edit_network_record", kind="public-transformers", record_id=record_id
            )
        elif kind == "feeder_line":
            url = url_for("archive.line", line_id=record_id)
        elif kind == "contract":
            url = url_for("contracts.contract", number=label)
        elif kind == "network_edge":
            url = url_for("archive.edit_network_record", kind="edges", record_id=record_id)
        else:
            url = url_for("archive.edit_network_record", kind="substations", record_id=record_id)
        links.append((TYPE_LABELS.get(kind, kind), label, url))
    return links
