"""Loads the demo utility: users through the services, the archive in bulk.

Only `flask demo seed` calls it. The archive rows are written with Core executemany in
chunks, a line's customers at a time; the load is one change set in the history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import bindparam, func, insert, select, text, update

from utilitycrm.archive.history import ChangeSource
from utilitycrm.archive.models import (
    ChangeSet,
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
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import UserData, create_user
from utilitycrm.core.database import utcnow
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.demo import generator
from utilitycrm.demo.faults import FaultInjector
from utilitycrm.demo.models import DemoFault
from utilitycrm.demo.network import Ids, build_network

DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("admin", "系统管理员", Role.ADMIN),
    ("marketing", "王敏", Role.MARKETING),
    ("manager", "李强", Role.ACCOUNT_MANAGER),
    ("manager2", "陈静", Role.ACCOUNT_MANAGER),
    ("manager3", "刘洋", Role.ACCOUNT_MANAGER),
    ("inspector", "赵静", Role.INSPECTOR),
    ("chief", "孙伟", Role.CHIEF),
)
# Batch tables in the order their references need; public transformers precede the
# customers they supply, dedicated ones follow their customers and sources.
BATCH_TABLES = (
    ("network_node", NetworkNode),
    ("public_transformer", Transformer),
    ("customer", Customer),
    ("power_source", PowerSource),
    ("transformer", Transformer),
    ("metering_point", MeteringPoint),
    ("meter", Meter),
    ("contact", Contact),
    ("qualification_document", QualificationDocument),
)
CHUNK = 5000
SEQUENCED = (
    Tariff,
    Substation,
    FeederLine,
    NetworkNode,
    NetworkEdge,
    Transformer,
    Customer,
    PowerSource,
    MeteringPoint,
    Meter,
    Contact,
    QualificationDocument,
    DemoFault,
)


@dataclass(frozen=True)
class SeedReport:
    users: list[User]
    counts: dict[str, int]
    faults: int


def database_is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


def seed_users() -> list[User]:
    return [
        create_user(
            UserData(username=name, display_name=display_name, role=role),
            DEMO_PASSWORD,
            actor=None,
            min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
        for name, display_name, role in DEMO_USERS
    ]


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def _now_stamped(rows: list[dict], model) -> list[dict]:
    if model is Customer:
        now = utcnow()
        for row in rows:
            row.setdefault("created_at", now)
            row.setdefault("updated_at", now)
    return rows


def seed(*, customers: int, seed: int, fault_rate: float, today: date | None = None) -> SeedReport:
    """The whole demo utility; the caller commits."""
    users = seed_users()
    db.session.flush()
    managers = [u.id for u in users if u.role == Role.ACCOUNT_MANAGER.value]
    rng, ids = random.Random(seed), Ids()
    network = build_network(customers, rng, ids)
    ctx = generator.Context(network, rng, ids, managers, today or local_today())
    injector = FaultInjector(ctx, fault_rate)
    counts: dict[str, int] = {}
    for model, rows in (
        (Tariff, network.tariffs),
        (Substation, network.substations),
        (FeederLine, network.lines),
        (NetworkNode, network.nodes),
        (NetworkEdge, network.edges),
    ):
        _insert(model, rows)
        counts[model.__tablename__] = len(rows)
    for _plan, batch in generator.customers_by_line(ctx):
        injector.inject(batch)
        generator.count_line_load(ctx, batch)
        for table, model in BATCH_TABLES:
            rows = batch.tables.get(table, [])
            _insert(model, _now_stamped(rows, model))
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)
    ties, overloads, network_faults = injector.network_faults()
    ratings = {row["line_id"]: row for row in generator.line_ratings(ctx)}
    ratings.update({row["line_id"]: row for row in overloads})
    db.session.execute(
        update(FeederLine.__table__)
        .where(FeederLine.__table__.c.id == bindparam("line_id"))
        .values(rated_current_a=bindparam("rated_current_a")),
        list(ratings.values()),
    )
    if ties:
        db.session.execute(
            update(NetworkEdge).where(NetworkEdge.code.in_(ties)).values(is_closed=True)
        )
    faults = injector.records + network_faults
    _insert(DemoFault, faults)
    db.session.add(
        ChangeSet(
            source=ChangeSource.SYSTEM.value,
            reason=f"Demo utility loaded: {customers} customers, seed {seed}, "
            f"fault rate {fault_rate}",
        )
    )
    _reset_sequences()
    return SeedReport(users, counts, len(faults))


def _reset_sequences() -> None:
    """Rows were written with their ids: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in SEQUENCED:
        table = model.__tablename__
        highest = db.session.scalar(select(func.max(model.id)))
        if highest:
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
                {"table": table, "value": highest},
            )
