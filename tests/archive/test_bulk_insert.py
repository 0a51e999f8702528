"""The import's bulk path stores exactly what a Core insert stores (COPY on PostgreSQL,
the driver's executemany on SQLite), under ids taken beforehand, with a customer naming a
transformer written after it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from utilitycrm.archive.enums import Ownership, TransformerKind
from utilitycrm.archive.models import Customer, Transformer
from utilitycrm.core.database import BULK_FROM, IdSource, bulk_insert, deferred_foreign_keys
from utilitycrm.core.extensions import db

GENERATED = ("id", "code", "account_no", "created_at", "updated_at")


def _customers(prefix: str, count: int) -> list[dict]:
    return [
        {"account_no": f"{prefix}{n:05d}", "name": f"示范客户{n}号 O'Brien; \"引号\"",
         "category": "large_industry", "voltage_kv": "10", "contract_capacity_kva": 100 + n,
         "closed_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC) if n % 2 else None,
         "value_class": "A" if n % 3 == 0 else None, "relationship_notes": "第一行\n第二行\t制表"}
        for n in range(count)
    ]  # fmt: skip


def _transformers(prefix: str, count: int) -> list[dict]:
    return [
        {"code": f"{prefix}-{n}", "ownership": "public", "rated_kva": 400 + n,
         "commissioned_on": date(2020, 1, 1 + n % 28) if n % 2 else None,
         "no_load_loss_kw": Decimal("0.570") + n, "load_loss_kw": None}
        for n in range(count)
    ]  # fmt: skip


def _stored(model, column, prefix: str) -> list[dict]:
    rows = db.session.execute(
        select(model.__table__).where(column.startswith(prefix)).order_by(column)
    ).mappings()
    return [{k: v for k, v in row.items() if k not in GENERATED} for row in rows]


@pytest.mark.parametrize("count", [3, BULK_FROM + 50])  # a form's few rows, an import's many
def test_bulk_rows_are_stored_as_a_core_insert_stores_them(app, count):
    connection = db.session.connection()
    for model, make, column in (
        (Customer, _customers, Customer.account_no),
        (Transformer, _transformers, Transformer.code),
    ):
        connection.execute(insert(model.__table__), make("91", count))
        rows = make("92", count)
        bulk_insert(connection, model.__table__, rows)
        assert _stored(model, column, "92") == _stored(model, column, "91")
        assert len(_stored(model, column, "92")) == count
    # The rows as given are now as stored: their columns' defaults filled in.
    assert rows[0]["kind"] is TransformerKind.TRANSFORMER and rows[0]["version"] == 1
    assert rows[0]["ownership"] == Ownership.PUBLIC and rows[0]["name"] == ""


def test_ids_taken_first_are_the_rows_ids_and_the_next_records_follow(app):
    connection = db.session.connection()
    table = Transformer.__table__
    connection.execute(insert(table), _transformers("93", 2))
    rows = _transformers("94", BULK_FROM)
    source = IdSource(connection)
    ids = source.take(table, len(rows) - 1) + source.take(table, 1)  # taken, not yet used
    assert len(set(ids)) == len(rows)
    assert min(ids) > max(db.session.scalars(select(Transformer.id)))
    for row, id_ in zip(rows, ids, strict=True):
        row["id"] = id_
    bulk_insert(connection, table, rows)
    stored = dict(db.session.execute(select(Transformer.code, Transformer.id)).all())
    assert [stored[row["code"]] for row in rows] == ids
    later = connection.execute(insert(table), [{"code": "95-1", "rated_kva": 100,
                                                "ownership": "public"}])  # fmt: skip
    assert later.inserted_primary_key[0] > max(ids)  # the database's numbering goes on after


def test_a_customer_may_name_a_transformer_written_after_it_within_the_deferral(app):
    connection = db.session.connection()
    source = IdSource(connection)
    transformer_id, customer_id = (
        source.take(Transformer.__table__, 1)[0],
        source.take(Customer.__table__, 1)[0],
    )
    customer = {**_customers("96", 1)[0], "id": customer_id,
                "supply_transformer_id": transformer_id}  # fmt: skip
    with deferred_foreign_keys(connection, "fk_customer_supply_transformer_id_transformer"):
        connection.execute(insert(Customer.__table__), [customer])
        connection.execute(insert(Transformer.__table__),
                           [{**_transformers("96", 1)[0], "id": transformer_id}])  # fmt: skip
    named = db.session.scalar(
        select(Customer.supply_transformer_id).where(Customer.id == customer_id)
    )
    assert named == transformer_id
