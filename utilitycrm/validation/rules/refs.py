"""How findings name archive objects."""

from __future__ import annotations

from utilitycrm.validation import facts
from utilitycrm.validation.registry import Ref


def customer(row: facts.Customer) -> Ref:
    return Ref("customer", row.id, row.label)


def source(row: facts.Source) -> Ref:
    return Ref("power_source", row.id, row.code)


def transformer(row: facts.Transformer) -> Ref:
    return Ref("transformer", row.id, row.code)


def point(row: facts.MeteringPoint) -> Ref:
    return Ref("metering_point", row.id, row.code)


def meter(row: facts.Meter) -> Ref:
    return Ref("meter", row.id, row.asset_no)


def line(row: facts.Line) -> Ref:
    return Ref("feeder_line", row.id, row.name)


def substation(row: facts.Substation) -> Ref:
    return Ref("substation", row.id, row.name)


def edge(row) -> Ref:
    return Ref("network_edge", row.id, row.code)
