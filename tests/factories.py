"""Factories that build valid records with overridable fields (Indico style)."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db

DEFAULT_PASSWORD = "correct-horse-42"
# A cheap hash for the suite's users: scrypt, the app's own, costs 0.13 s at every sign-in
# on purpose, and the suite signs in hundreds of times. Hashes the app makes stay scrypt.
_PASSWORD_HASH = generate_password_hash(DEFAULT_PASSWORD, method="pbkdf2:sha256:1000")
_sequence = itertools.count(1)


def create_user(*, role: Role | str = Role.MARKETING, **overrides) -> User:
    number = next(_sequence)
    fields = {
        "username": f"user{number}",
        "display_name": f"测试用户{number}",
        "role": Role(role).value,
        "password_hash": _PASSWORD_HASH,
        "is_active": True,
    }
    fields.update(overrides)
    user = User(**fields)
    db.session.add(user)
    db.session.commit()
    return user


# Archive records. Each is written through the ORM inside a recording block, as the
# services do, so the history sees them.
from datetime import date  # noqa: E402

from utilitycrm.archive.history import ChangeSource, recording  # noqa: E402
from utilitycrm.archive.models import (  # noqa: E402
    Contact,
    Customer,
    FeederLine,
    Meter,
    MeteringPoint,
    NetworkEdge,
    NetworkNode,
    PowerSource,
    QualificationDocument,
    Substation,
    Tariff,
    Transformer,
)


def _save(obj):
    with recording(None, source=ChangeSource.SYSTEM):
        db.session.add(obj)
        db.session.commit()
    return obj


def create_substation(**overrides) -> Substation:
    number = next(_sequence)
    fields = {"code": f"BD{number:03d}", "name": f"城东{number}变", "voltage_kv": "110"}
    return _save(Substation(**{**fields, **overrides}))


def create_line(substation: Substation | None = None, **overrides) -> FeederLine:
    substation = substation or create_substation()
    number = next(_sequence)
    fields = {
        "code": f"L{number:04d}",
        "name": f"城东{number}线",
        "substation_id": substation.id,
        "voltage_kv": "10",
        "rated_current_a": 400,
    }
    return _save(FeederLine(**{**fields, **overrides}))


def create_node(line: FeederLine | None = None, **overrides) -> NetworkNode:
    number = next(_sequence)
    fields = {
        "code": f"N{number:05d}",
        "name": f"{number}号杆",
        "kind": "pole",
        "line_id": line.id if line else None,
    }
    return _save(NetworkNode(**{**fields, **overrides}))


def create_edge(a: NetworkNode, b: NetworkNode, **overrides) -> NetworkEdge:
    number = next(_sequence)
    fields = {
        "code": f"E{number:05d}",
        "kind": "section",
        "line_id": a.line_id,
        "from_node_id": a.id,
        "to_node_id": b.id,
        "is_closed": True,
    }
    return _save(NetworkEdge(**{**fields, **overrides}))


def create_tariff(**overrides) -> Tariff:
    fields = {
        "code": "DGY-10",
        "name": "大工业 1-10千伏",
        "category": "large_industry",
        "voltage_kv": "10",
        "structure": "two_part",
        "is_time_of_use": True,
    }
    return _save(Tariff(**{**fields, **overrides}))


def create_customer(**overrides) -> Customer:
    number = next(_sequence)
    fields = {
        "account_no": f"{3100000000 + number}",
        "name": f"示范机械有限公司{number}",
        "address": "示范市城东区人民路1号",
        "phone": "13800138000",
        "category": "large_industry",
        "voltage_kv": "10",
        "contract_capacity_kva": 630,
        "operating_capacity_kva": 630,
        "tariff_structure": "two_part",
        "basic_charge_basis": "capacity",
        "pf_standard": "0.90",
    }
    return _save(Customer(**{**fields, **overrides}))


def create_source(customer: Customer, line: FeederLine, **overrides) -> PowerSource:
    fields = {
        "code": f"{customer.account_no}-S{next(_sequence)}",
        "customer_id": customer.id,
        "kind": "main",
        "substation_id": line.substation_id,
        "line_id": line.id,
        "line_name": line.name,
        "pole_or_bay": "1号杆",
        "connection": "overhead",
        "property_boundary": "1号杆T接开关负荷侧",
    }
    return _save(PowerSource(**{**fields, **overrides}))


def create_transformer(customer: Customer | None, **overrides) -> Transformer:
    number = next(_sequence)
    fields = {
        "code": f"T{number:05d}",
        "rated_kva": 630,
        "state": "running",
        "ownership": "dedicated" if customer else "public",
        "customer_id": customer.id if customer else None,
    }
    return _save(Transformer(**{**fields, **overrides}))


def create_metering_point(customer: Customer, **overrides) -> MeteringPoint:
    number = next(_sequence)
    fields = {
        "customer_id": customer.id,
        "code": f"M{number:05d}",
        "method": "hv_hv",
        "wiring": "3p3w",
        "metering_class": "III",
        "ct_primary_a": 40,
        "ct_secondary_a": 5,
        "pt_primary_v": 10000,
        "pt_secondary_v": 100,
    }
    return _save(MeteringPoint(**{**fields, **overrides}))


def create_meter(point: MeteringPoint, **overrides) -> Meter:
    number = next(_sequence)
    fields = {
        "metering_point_id": point.id,
        "asset_no": f"3310{number:016d}",
        "accuracy": "0.5S",
        "multiplier": 800,
        "verified_on": date(2024, 3, 1),
    }
    return _save(Meter(**{**fields, **overrides}))


def create_contact(customer: Customer, **overrides) -> Contact:
    return _save(Contact(**{"customer_id": customer.id, "name": "张伟", **overrides}))


def create_document(customer: Customer, **overrides) -> QualificationDocument:
    fields = {"customer_id": customer.id, "kind": "business_licence", "number": "91410100X"}
    return _save(QualificationDocument(**{**fields, **overrides}))
