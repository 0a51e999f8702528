"""The kinds of archive record and how each is edited.

One table drives the generic add/edit/delete views and services, instead of a copy of
them per kind. Customer kinds belong to one customer; network kinds stand alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.forms.base import ArchiveForm
from utilitycrm.archive.forms.customer import ContactForm, DocumentForm
from utilitycrm.archive.forms.equipment import (
    MeterForm,
    MeteringPointForm,
    PowerSourceForm,
    TransformerForm,
)
from utilitycrm.archive.forms.network import EdgeForm, LineForm, NodeForm, SubstationForm
from utilitycrm.archive.models import (
    Contact,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkEdge,
    NetworkNode,
    PowerSource,
    QualificationDocument,
    Substation,
    Transformer,
)
from utilitycrm.archive.services import equipment, network


@dataclass(frozen=True)
class RecordKind:
    slug: str
    model: type
    form: type[ArchiveForm]
    title: object
    # (customer or None, form data) -> model data: references resolved, ownership set.
    prepare: Callable
    checks: tuple[Callable, ...] = ()
    delete_checks: tuple[Callable, ...] = ()
    is_deletable: bool = True
    # Account managers may keep these for their own customers.
    is_relationship: bool = False
    form_takes_customer: bool = False

    def customer_id_of(self, record) -> int | None:
        """The customer a record belongs to (a meter, through its metering point)."""
        if isinstance(record, Meter):
            return record.metering_point.customer_id
        return record.customer_id


CUSTOMER_KINDS = {
    kind.slug: kind
    for kind in (
        RecordKind(
            "sources",
            PowerSource,
            PowerSourceForm,
            _l("Power source"),
            equipment.prepare_source,
            checks=(equipment.check_source,),
            delete_checks=(equipment.check_source_deletable,),
            form_takes_customer=True,
        ),
        RecordKind(
            "transformers",
            Transformer,
            TransformerForm,
            _l("Transformer"),
            equipment.prepare_transformer,
            checks=(equipment.check_transformer,),
            delete_checks=(equipment.check_transformer_deletable,),
            form_takes_customer=True,
        ),
        RecordKind(
            "metering-points",
            MeteringPoint,
            MeteringPointForm,
            _l("Metering point"),
            equipment.prepare_metering_point,
            checks=(equipment.check_metering_point,),
            delete_checks=(equipment.check_metering_point_deletable,),
            form_takes_customer=True,
        ),
        RecordKind(
            "meters",
            Meter,
            MeterForm,
            _l("Meter"),
            equipment.prepare_meter,
            checks=(equipment.check_meter,),
            form_takes_customer=True,
        ),
        RecordKind(
            "contacts",
            Contact,
            ContactForm,
            _l("Contact"),
            equipment.prepare_owned,
            is_relationship=True,
        ),
        RecordKind(
            "documents",
            QualificationDocument,
            DocumentForm,
            _l("Qualification document"),
            equipment.prepare_owned,
            is_relationship=True,
        ),
    )
}

NETWORK_KINDS = {
    kind.slug: kind
    for kind in (
        RecordKind(
            "substations",
            Substation,
            SubstationForm,
            _l("Substation"),
            network.prepare_plain,
            checks=(network.check_substation,),
            is_deletable=False,
        ),
        RecordKind(
            "lines",
            FeederLine,
            LineForm,
            _l("Line"),
            network.prepare_plain,
            checks=(network.check_line,),
            is_deletable=False,
        ),
        RecordKind(
            "nodes",
            NetworkNode,
            NodeForm,
            _l("Network node"),
            network.prepare_plain,
            checks=(network.check_node,),
            delete_checks=(network.check_node_deletable,),
        ),
        RecordKind(
            "edges",
            NetworkEdge,
            EdgeForm,
            _l("Section or switch"),
            network.prepare_edge,
            checks=(network.check_edge,),
        ),
        RecordKind(
            "public-transformers",
            Transformer,
            TransformerForm,
            _l("Public transformer (公变)"),
            equipment.prepare_transformer,
            checks=(equipment.check_transformer,),
            delete_checks=(equipment.check_transformer_deletable,),
        ),
    )
}
