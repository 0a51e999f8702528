"""A consistent key account in the database, for tests of runs, pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from tests import factories
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.core.extensions import db


@dataclass
class KeyAccount:
    line: object
    customer: object
    source: object
    transformer: object
    point: object
    meter: object


def key_account(line=None, *, tariff=True, **customer_fields) -> KeyAccount:
    """A 630 kVA 10 kV customer that breaks no rule, on a line traced from its bay."""
    if line is None:
        line = factories.create_line()
        bay = factories.create_node(line, kind="bus_bay")
        pole = factories.create_node(line)
        factories.create_edge(bay, pole)
    else:
        pole = next(node for node in line_nodes(line) if node.kind == "pole")
    if tariff:
        factories.create_tariff()
    customer = factories.create_customer(tariff_code="DGY-10", **customer_fields)
    source = factories.create_source(customer, line)
    transformer = factories.create_transformer(customer, node_id=pole.id, source_id=source.id)
    point = factories.create_metering_point(customer)
    meter = factories.create_meter(point)
    return KeyAccount(line, customer, source, transformer, point, meter)


def line_nodes(line):
    from sqlalchemy import select

    from utilitycrm.archive.models import NetworkNode

    return db.session.scalars(select(NetworkNode).where(NetworkNode.line_id == line.id)).all()


def change(obj, **values) -> None:
    """Edit an archive record as a save would (recorded in the history)."""
    with recording(None, source=ChangeSource.SYSTEM):
        for key, value in values.items():
            setattr(obj, key, value)
        db.session.commit()
