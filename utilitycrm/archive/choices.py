"""Options for the archive's select fields, read in one query each."""

from __future__ import annotations

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from utilitycrm.archive.enums import SourceKind
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    MeteringPoint,
    PowerSource,
    Substation,
    Tariff,
    Transformer,
)
from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import active_users
from utilitycrm.core.extensions import db
from utilitycrm.core.forms import BLANK


def _blank() -> SelectChoice:
    return SelectChoice("", BLANK)


def substations() -> list[SelectChoice]:
    rows = db.session.execute(select(Substation.id, Substation.name).order_by(Substation.name))
    return [_blank(), *(SelectChoice(id_, name) for id_, name in rows)]


def lines() -> list[SelectChoice]:
    rows = db.session.execute(
        select(FeederLine.id, FeederLine.name, Substation.name)
        .join(Substation)
        .order_by(Substation.name, FeederLine.name_sort)
    )
    return [_blank(), *(SelectChoice(id_, name, optgroup=station) for id_, name, station in rows)]


def account_managers() -> list[SelectChoice]:
    managers = active_users(Role.ACCOUNT_MANAGER)
    return [_blank(), *(SelectChoice(user.id, user.display_name) for user in managers)]


def tariffs() -> list[SelectChoice]:
    rows = db.session.execute(select(Tariff.code, Tariff.name).order_by(Tariff.code))
    return [
        _blank(),
        *(SelectChoice(code, f"{code} {name}") for code, name in rows),
    ]


def sources(customer: Customer) -> list[SelectChoice]:
    rows = db.session.execute(
        select(PowerSource.id, PowerSource.kind, PowerSource.line_name)
        .where(PowerSource.customer_id == customer.id)
        .order_by(PowerSource.id)
    )
    return [
        _blank(),
        *(
            SelectChoice(id_, f"{SourceKind(kind).label} · {line or '?'}")
            for id_, kind, line in rows
        ),
    ]


def transformers(customer: Customer) -> list[SelectChoice]:
    rows = db.session.execute(
        select(Transformer.id, Transformer.code, Transformer.rated_kva)
        .where(Transformer.customer_id == customer.id)
        .order_by(Transformer.id)
    )
    return [_blank(), *(SelectChoice(id_, f"{code} ({kva} kVA)") for id_, code, kva in rows)]


def metering_points(customer: Customer) -> list[SelectChoice]:
    rows = db.session.execute(
        select(MeteringPoint.id, MeteringPoint.code, MeteringPoint.name)
        .where(MeteringPoint.customer_id == customer.id)
        .order_by(MeteringPoint.id)
    )
    return [SelectChoice(id_, f"{code} {name}".strip()) for id_, code, name in rows]
