"""Completeness: what every customer, and every high-voltage one, must have on file."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from utilitycrm.validation.facts import Snapshot
from utilitycrm.validation.registry import Family, Hit, Severity, rule
from utilitycrm.validation.rules import refs

FAMILY = Family.COMPLETENESS


@rule(
    "completeness.missing_address",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Supply address missing"),
    messages={"default": _l("The customer has no supply address (用电地址).")},
    why=_l("Outage notices, inspections and contracts all need the supply address."),
)
def missing_address(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        if not (customer.address or "").strip():
            yield Hit((refs.customer(customer),), customer.id)


@rule(
    "completeness.missing_phone",
    family=FAMILY,
    severity=Severity.WARNING,
    title=_l("Phone number missing"),
    messages={"default": _l("The customer has no phone number: outage notices cannot reach it.")},
    why=_l("Without a phone number, planned-outage notices and arrears reminders go nowhere."),
)
def missing_phone(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        if not (customer.phone or "").strip():
            yield Hit((refs.customer(customer),), customer.id)


@rule(
    "completeness.missing_capacity",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Contract capacity missing"),
    messages={"default": _l("The contract capacity (合同容量) is 0 kVA.")},
    why=_l("Billing, the power-factor standard and the two-part tariff all follow the capacity."),
)
def missing_capacity(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        if customer.contract_capacity_kva <= 0:
            yield Hit((refs.customer(customer),), customer.id)


@rule(
    "completeness.hv_equipment",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("High-voltage customer without source, transformer or metering point"),
    messages={
        "source": _l("The high-voltage customer has no power source (供电电源)."),
        "transformer": _l("The high-voltage customer has no transformer in the archive."),
        "point": _l("The high-voltage customer has no metering point (计量点)."),
    },
    why=_l("A high-voltage customer is supplied, transformed and metered; each must be on file."),
)
def hv_equipment(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        if not customer.is_high_voltage:
            continue
        ref = (refs.customer(customer),)
        if not snap.sources.get(customer.id):
            yield Hit(ref, customer.id, key="source")
        if not [t for t in snap.network.transformers_of[customer.id] if not t.is_removed]:
            yield Hit(ref, customer.id, key="transformer")
        if not snap.points.get(customer.id):
            yield Hit(ref, customer.id, key="point")


@rule(
    "completeness.property_boundary",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Property boundary missing"),
    messages={
        "default": _l("Power source %(source)s has no property boundary (产权分界点)."),
    },
    why=_l("The boundary decides who maintains what and who is liable; the contract states it."),
)
def property_boundary(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        if not customer.is_high_voltage:
            continue
        for source in snap.sources.get(customer.id, ()):
            if not (source.property_boundary or "").strip():
                yield Hit(
                    (refs.source(source), refs.customer(customer)),
                    customer.id,
                    params={"source": source.code},
                )


@rule(
    "completeness.point_without_meter",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Metering point without a meter"),
    messages={"default": _l("Metering point %(point)s has no meter: nothing is billed there.")},
    why=_l("A metering point without a meter bills nothing."),
)
def point_without_meter(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        if not snap.meters.get(point.id):
            yield Hit(
                (refs.point(point), refs.customer(customer)),
                customer.id,
                params={"point": point.code},
            )
