"""A customer's sources, transformers, metering points, meters, contacts and documents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from utilitycrm.archive.enums import MeteringMethod, Ownership
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkNode,
    PowerSource,
    Substation,
    Transformer,
)
from utilitycrm.archive.services.records import ArchiveConflict, ensure_unique
from utilitycrm.core.extensions import db


def node_id_for(code: str | None) -> int | None:
    if not code:
        return None
    node_id = db.session.scalar(select(NetworkNode.id).where(NetworkNode.code == code))
    if node_id is None:
        raise ArchiveConflict(_l("There is no network node numbered %(code)s.", code=code))
    return node_id


def _owned(customer: Customer, model, record_id: int | None, what) -> None:
    if record_id is None:
        return
    record = db.session.get(model, record_id)
    if record is None or record.customer_id != customer.id:
        raise ArchiveConflict(_l("The %(what)s does not belong to this customer.", what=what))


def prepare_source(customer: Customer, data: dict[str, object]) -> dict[str, object]:
    """The recorded line name follows the chosen line; the substation defaults to its own."""
    line = db.session.get(FeederLine, data["line_id"]) if data.get("line_id") else None
    if data.get("line_id") and line is None:
        raise ArchiveConflict(_l("The chosen line does not exist."))
    if data.get("substation_id") and db.session.get(Substation, data["substation_id"]) is None:
        raise ArchiveConflict(_l("The chosen substation does not exist."))
    prepared = {**data, "customer_id": customer.id}
    if not data.get("code"):
        prepared["code"] = next_code(PowerSource, customer, "S")
    if line is not None:
        prepared["line_name"] = line.name
        prepared["substation_id"] = data.get("substation_id") or line.substation_id
    if not data.get("has_generator"):
        prepared["generator_kw"] = None
    return prepared


def next_code(model, customer: Customer, letter: str) -> str:
    """户号-S1, -S2, … (or -T, -M): the first number of the customer's not taken."""
    prefix = f"{customer.account_no}-{letter}"
    taken = set(db.session.scalars(select(model.code).where(model.code.like(f"{prefix}%"))))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def check_source(source: PowerSource) -> None:
    ensure_unique(
        PowerSource,
        "code",
        source.code,
        source,
        _l("Source number %(code)s is used by another source.", code=source.code),
    )


def prepare_transformer(customer: Customer | None, data: dict[str, object]):
    prepared = {key: value for key, value in data.items() if key != "node_code"}
    prepared["node_id"] = node_id_for(data.get("node_code"))
    if customer is not None:
        _owned(customer, PowerSource, data.get("source_id"), _l("power source"))
        prepared.update(customer_id=customer.id, ownership=Ownership.DEDICATED.value)
    else:
        prepared.update(customer_id=None, ownership=Ownership.PUBLIC.value, source_id=None)
    return prepared


def check_transformer(transformer: Transformer) -> None:
    ensure_unique(
        Transformer,
        "code",
        transformer.code,
        transformer,
        _l("Equipment number %(code)s is used by another transformer.", code=transformer.code),
    )


def prepare_metering_point(customer: Customer, data: dict[str, object]):
    _owned(customer, Transformer, data.get("transformer_id"), _l("transformer"))
    prepared = {**data, "customer_id": customer.id}
    if data.get("method") != MeteringMethod.HV_LV.value:
        prepared["adds_transformer_loss"] = False
    return prepared


def check_metering_point(point: MeteringPoint) -> None:
    ensure_unique(
        MeteringPoint,
        "code",
        point.code,
        point,
        _l("Metering point number %(code)s exists already.", code=point.code),
    )


def prepare_meter(customer: Customer, data: dict[str, object]):
    _owned(customer, MeteringPoint, data.get("metering_point_id"), _l("metering point"))
    return dict(data)


def check_meter(meter: Meter) -> None:
    """A number typed for a new meter, or a meter's number changed, must not be one
    recorded already: say where. A duplicate the archive holds (a legacy import) is the
    identity rule's finding and does not stop the edit of the meter's other fields."""
    if meter.id is not None and not inspect(meter).attrs.asset_no.history.has_changes():
        return
    query = (
        select(Customer.account_no, Customer.name, MeteringPoint.code)
        .select_from(Meter)
        .join(MeteringPoint, Meter.metering_point_id == MeteringPoint.id)
        .join(Customer, MeteringPoint.customer_id == Customer.id)
        .where(Meter.asset_no == meter.asset_no)
    )
    if meter.id is not None:
        query = query.where(Meter.id != meter.id)
    holder = db.session.execute(query.limit(1)).first()
    if holder is not None:
        account_no, name, point = holder
        raise ArchiveConflict(
            _l(
                "Meter %(asset)s is recorded already at metering point %(point)s of "
                "%(account_no)s %(name)s.",
                asset=meter.asset_no,
                point=point,
                account_no=account_no,
                name=name,
            )
        )


def prepare_owned(customer: Customer, data: dict[str, object]):
    return {**data, "customer_id": customer.id}


def check_source_deletable(source: PowerSource) -> None:
    fed = db.session.scalars(select(Transformer.code).where(Transformer.source_id == source.id))
    codes = list(fed)
    if codes:
        raise ArchiveConflict(
            _l(
                "Transformers %(codes)s are fed by this source; change them first.",
                codes=", ".join(codes),
            )
        )


def check_transformer_deletable(transformer: Transformer) -> None:
    points = list(
        db.session.scalars(
            select(MeteringPoint.code).where(MeteringPoint.transformer_id == transformer.id)
        )
    )
    if points:
        raise ArchiveConflict(
            _l(
                "Metering points %(codes)s refer to this transformer; change them first.",
                codes=", ".join(points),
            )
        )


def check_metering_point_deletable(point: MeteringPoint) -> None:
    if point.meters:
        raise ArchiveConflict(_l("Remove the meters of this metering point first."))
