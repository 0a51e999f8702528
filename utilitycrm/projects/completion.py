"""A finished project writes what it built or changed into the archive as one audited
change set (source: project), checked like a form save."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.enums import CustomerStatus, TransformerState
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import (
    Customer,
    Meter,
    MeteringPoint,
    PowerSource,
    Transformer,
)
from utilitycrm.archive.services import equipment
from utilitycrm.archive.services.records import flush_or_conflict
from utilitycrm.auth.models import User
from utilitycrm.core.database import utcnow
from utilitycrm.core.extensions import db
from utilitycrm.core.numbering import next_number
from utilitycrm.projects.models import Project
from utilitycrm.projects.types import BusinessType as T

# What completing a type does to the transformers it names.
NEW_STATE = {
    T.REDUCE: TransformerState.SEALED,
    T.REDUCE_RESTORE: TransformerState.RUNNING,
    T.SUSPEND: TransformerState.PAUSED,
    T.SUSPEND_RESTORE: TransformerState.RUNNING,
    T.TEMPORARY_SWAP: TransformerState.PAUSED,
}
# The contract capacity follows what is added, reduced or restored; a suspension or a
# temporary swap changes only what is in operation.
CONTRACT_SIGN = {T.NEW: 1, T.INCREASE: 1, T.REDUCE: -1, T.REDUCE_RESTORE: 1}


def new_account_no() -> str:
    """The 户号 of an account a project creates (an applicant's, a split's)."""
    return next_number("account_no", current_app.config["PROJECT_ACCOUNT_NO_PATTERN"], 0)


def apply_to_archive(project: Project, *, actor: User, day: date) -> None:
    kind = project.type_enum
    customer = project.customer
    reason = str(_l("Project %(number)s completed", number=project.number))
    with recording(actor, source=ChangeSource.PROJECT, reason=reason), db.session.no_autoflush:
        _CHANGES.get(kind, _nothing)(project, customer, day)
        _capacities(project, customer)
        flush_or_conflict()
    db.session.expire(customer, ["transformers", "sources", "metering_points"])


def _nothing(project: Project, customer: Customer, day: date) -> None:
    """移表: the archive keeps no meter position; the project is the record."""


def _capacities(project: Project, customer: Customer) -> None:
    acted = sum(t.rated_kva for t in project.transformers if t.action != "add")
    added = project.applied_kva
    sign = CONTRACT_SIGN.get(project.type_enum)
    if sign == 1:
        customer.contract_capacity_kva += added + (
            acted if project.type_enum is T.REDUCE_RESTORE else 0
        )
    elif sign == -1:
        customer.contract_capacity_kva = max(0, customer.contract_capacity_kva - acted)
    db.session.flush()  # the transformers as the project left them
    customer.operating_capacity_kva = sum(
        db.session.scalars(
            select(Transformer.rated_kva).where(
                Transformer.customer_id == customer.id,
                Transformer.state == TransformerState.RUNNING.value,
            )
        )
    )


def _build(project: Project, customer: Customer, day: date) -> None:
    """新装 and 增容: the sources, transformers and metering the project built."""
    if customer.status == CustomerStatus.APPLYING.value:
        customer.status = CustomerStatus.ACTIVE.value
    sources = [_new_source(project, customer, s) for s in project.sources]
    feeding = next((s for s in sources if s.kind == "main"), None) or next(
        (s for s in customer.sources if s.kind == "main"), None
    )
    added = [_new_transformer(customer, t, feeding, day) for t in project.transformers]
    if project.meter_asset_no:
        _new_metering(project, customer, added[0] if added else None, day)


def _new_source(project: Project, customer: Customer, planned) -> PowerSource:
    source = PowerSource(
        code=equipment.next_code(PowerSource, customer, "S"),
        customer_id=customer.id,
        kind=planned.kind,
        line_id=planned.line_id,
        line_name=planned.line.name if planned.line else None,
        substation_id=planned.line.substation_id if planned.line else None,
        pole_or_bay=planned.pole_or_bay,
        property_boundary=planned.property_boundary,
    )
    db.session.add(source)
    db.session.flush()  # the next source's number sees this one
    return source


def _new_transformer(customer: Customer, planned, source, day: date) -> Transformer:
    transformer = Transformer(
        code=planned.code or equipment.next_code(Transformer, customer, "T"),
        name=planned.name,
        customer_id=customer.id,
        model=planned.model,
        rated_kva=planned.rated_kva,
        source_id=source.id if source else None,
        commissioned_on=day,
    )
    equipment.check_transformer(transformer)
    db.session.add(transformer)
    db.session.flush()
    planned.transformer_id = transformer.id
    return transformer


def _new_metering(project: Project, customer: Customer, transformer, day: date) -> None:
    point = project.planned_metering_point(
        customer_id=customer.id,
        code=equipment.next_code(MeteringPoint, customer, "M"),
        transformer_id=transformer.id if transformer else None,
    )
    db.session.add(point)
    db.session.flush()
    meter = Meter(
        asset_no=project.meter_asset_no,
        metering_point_id=point.id,
        accuracy=project.meter_accuracy,
        multiplier=point.expected_multiplier,
        installed_on=day,
    )
    equipment.check_meter(meter)
    db.session.add(meter)


def _states(project: Project, customer: Customer, day: date) -> None:
    state = NEW_STATE[project.type_enum].value
    for planned in project.transformers:
        if planned.action != "add":
            planned.transformer.state = state


def _swap(project: Project, customer: Customer, day: date) -> None:
    old = next(t.transformer for t in project.transformers if t.action != "add")
    _states(project, customer, day)
    for planned in project.transformers:
        if planned.action == "add":
            new = _new_transformer(customer, planned, old.source, day)
            new.node_id = old.node_id


def _fields(**mapping):
    """Copy project fields to customer fields."""

    def change(project: Project, customer: Customer, day: date) -> None:
        for customer_field, project_field in mapping.items():
            setattr(customer, customer_field, getattr(project, project_field))

    return change


def _status(status: CustomerStatus):
    def change(project: Project, customer: Customer, day: date) -> None:
        customer.status = status.value

    return change


def _close(project: Project, customer: Customer, day: date) -> None:
    customer.status, customer.closed_at = CustomerStatus.CLOSED.value, utcnow()
    for transformer in customer.transformers:
        transformer.state = TransformerState.REMOVED.value


def _split(project: Project, customer: Customer, day: date) -> None:
    """分户: the named transformers, with copies of the sources feeding them, go to a new
    account with the same supply terms."""
    new = Customer(
        account_no=new_account_no(),
        name=project.new_name,
        address=customer.address,
        category=customer.category,
        voltage_kv=customer.voltage_kv,
        tariff_code=customer.tariff_code,
        tariff_structure=customer.tariff_structure,
        basic_charge_basis=customer.basic_charge_basis,
        pf_standard=customer.pf_standard,
        is_time_of_use=customer.is_time_of_use,
        account_manager_id=customer.account_manager_id,
    )
    db.session.add(new)
    db.session.flush()
    project.created_customer_id = new.id
    copies: dict[int, PowerSource] = {}
    moved = [t.transformer for t in project.transformers if t.action == "move"]
    for transformer in moved:
        old = transformer.source
        if old is not None and old.id not in copies:
            copies[old.id] = _copy_source(old, new)
        transformer.customer_id = new.id
        transformer.source_id = copies[old.id].id if old is not None else None
    kva = sum(t.rated_kva for t in moved)
    new.contract_capacity_kva = kva
    new.operating_capacity_kva = kva
    customer.contract_capacity_kva = max(0, customer.contract_capacity_kva - kva)


def _copy_source(source: PowerSource, customer: Customer) -> PowerSource:
    copy = PowerSource(
        code=equipment.next_code(PowerSource, customer, "S"),
        customer_id=customer.id,
        **{
            key: getattr(source, key)
            for key in (
                "kind", "substation_id", "line_id", "line_name", "pole_or_bay", "connection",
                "property_boundary",
            )
        },
    )  # fmt: skip
    db.session.add(copy)
    db.session.flush()
    return copy


def _merge(project: Project, customer: Customer, day: date) -> None:
    """并户: the other account's equipment and capacity come over; it is closed."""
    other = project.other_customer
    for record in (*other.sources, *other.transformers, *other.metering_points):
        record.customer_id = customer.id
    customer.contract_capacity_kva += other.contract_capacity_kva
    other.contract_capacity_kva = other.operating_capacity_kva = 0
    other.status, other.closed_at = CustomerStatus.CLOSED.value, utcnow()


_CHANGES = {
    T.NEW: _build,
    T.INCREASE: _build,
    T.REDUCE: _states,
    T.REDUCE_RESTORE: _states,
    T.SUSPEND: _states,
    T.SUSPEND_RESTORE: _states,
    T.TEMPORARY_SWAP: _swap,
    T.RELOCATE: _fields(address="new_address"),
    T.TEMPORARY_REMOVAL: _status(CustomerStatus.SUSPENDED),
    T.REINSTALL: _status(CustomerStatus.ACTIVE),
    T.RENAME: _fields(name="new_name"),
    T.TRANSFER: _fields(name="new_name", id_type="new_id_type", id_number="new_id_number"),
    T.SPLIT: _split,
    T.MERGE: _merge,
    T.CLOSE: _close,
    T.VOLTAGE_CHANGE: _fields(voltage_kv="new_voltage_kv"),
    T.CATEGORY_CHANGE: _fields(category="new_category"),
}
