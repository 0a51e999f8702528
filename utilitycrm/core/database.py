"""The declarative base every model shares: naming convention, UTC timestamps, versions."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from operator import itemgetter

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Enum,
    Index,
    Integer,
    MetaData,
    Table,
    column,
    event,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    SessionTransaction,
    declared_attr,
    mapped_column,
    registry,
)
from sqlalchemy.types import TypeDecorator

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


# A JSON document column: JSONB on PostgreSQL (it compares and indexes), JSON text on
# SQLite. None is SQL NULL, not the JSON literal null.
JSONDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def coded(enum: type[StrEnum], length: int) -> Enum:
    """A column of codes: VARCHAR(length) holding the members' values (the model keeps its
    own CHECK constraint), loaded as enum members so code compares members, not strings."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC; SQLite would otherwise hand back naive values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


# PostgreSQL: the distinct two-character pieces of a text. A GIN index over them finds a
# substring of two characters or more, where a trigram index cannot: Chinese searches are
# mostly two characters (物流, 医院), which hold no whole trigram.
SEARCH_BIGRAMS_SQL = """
CREATE OR REPLACE FUNCTION search_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}')
    FROM generate_series(1, char_length($1) - 1) AS i
$$
"""


@event.listens_for(Base.metadata, "before_create")
def _create_functions(target, connection, **kw) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(SEARCH_BIGRAMS_SQL)


def pattern_index(table: str, column: str) -> Index:
    """PostgreSQL: an index LIKE 'prefix%' can use whatever the database collation.
    SQLite searches prefixes with GLOB on the ordinary index instead."""
    return Index(
        f"ix_{table}_{column}_pattern", column, postgresql_ops={column: "text_pattern_ops"}
    ).ddl_if(dialect="postgresql")


def search_pieces(*columns) -> ColumnElement:
    """`search_bigrams` of the columns joined by a space, as the index holds it and the
    search asks for it (`search.contains_any`). Literals inline, not bound: PostgreSQL
    matches a query to an expression index only on the same constants."""
    empty, gap = literal_column("''"), literal_column("' '")
    joined = func.coalesce(columns[0], empty)
    for more in columns[1:]:
        joined = joined.op("||")(gap).op("||")(func.coalesce(more, empty))
    return func.search_bigrams(joined)


def bigram_index(name: str, *columns: str) -> Index:
    """PostgreSQL: a GIN index of the columns' two-character pieces, its expression
    written by `search_pieces` itself so that the searches match it."""
    pieces = search_pieces(*(column(c) for c in columns))
    expression = pieces.compile(dialect=postgresql.dialect())
    return Index(name, text(str(expression)), postgresql_using="gin").ddl_if(dialect="postgresql")


def schema_filter(dialect_name: str):
    """For Alembic's comparisons: leave out indexes made for another database only."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        return not (
            type_ == "index"
            and condition is not None
            and condition.dialect not in (None, dialect_name)
        )

    return include_object


class Versioned:
    """Optimistic locking: an UPDATE carries the version it read, so a stale edit fails."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        return {"version_id_col": cls.version}


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers
    and the one writer work at the same time."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


# SQLite's ANALYZE reads this many rows an index: statistics close enough for the planner
# in a second at a million customers, where a full ANALYZE reads every index whole.
SQLITE_ANALYSIS_LIMIT = 2000


def refresh_statistics(connection: Connection) -> None:
    """Fresh planner statistics after a bulk load (the seed, a large import, each night).

    Without them both databases plan a million-row archive as if it were empty: PostgreSQL
    here runs without autovacuum, and SQLite never gathers statistics by itself (its
    namesakes query took 167 s instead of 8 s).
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
    connection.exec_driver_sql("ANALYZE")


@event.listens_for(Engine, "connect")
def _configure_postgresql(dbapi_connection, connection_record) -> None:
    """No parallel workers for the app's own statements: its pages read a few indexed
    rows, where starting workers cost more than they save (13 ms against 4 ms for a
    line's customers) and, with a department at work, take the cores other requests
    need. Bulk readers ask for them back (`parallel_reads`)."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()


def parallel_reads(connection: Connection) -> None:
    """PostgreSQL: the server's parallel query back, for this transaction's bulk reads."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")


class IdSource:
    """Ids for rows about to be inserted in bulk, taken first, so that the rows go in
    multi-row batches (the database promises no order for the ids such a batch returns, and
    asked for them in order, SQLAlchemy inserts one row at a time), and so that a row can
    name one that goes in later.

    PostgreSQL draws them from the table's sequence. SQLite counts on from the highest id,
    and on from the last id taken, for ids taken but not yet used: its one writer cannot
    race the insert (a writer that committed since this read makes the transaction fail
    rather than reuse an id).
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.next: dict[str, int] = {}

    def take(self, table: Table, count: int) -> list[int]:
        if count <= 0:
            return []
        if self.connection.dialect.name == "postgresql":
            return list(
                self.connection.execute(
                    text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                         "FROM generate_series(1, :count)"),
                    {"table": table.name, "count": count},
                ).scalars()
            )  # fmt: skip
        if table.name not in self.next:
            highest = self.connection.execute(select(func.coalesce(func.max(table.c.id), 0)))
            self.next[table.name] = highest.scalar_one() + 1
        first = self.next[table.name]
        self.next[table.name] = first + count
        return list(range(first, first + count))


class _DefaultContext:
    """What a column's callable default may ask of the row it fills."""

    def __init__(self, row: dict) -> None:
        self.current_parameters = row

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> dict:
        return self.current_parameters


# Fewer rows than this (a form's save and its history) go in by a Core insert, whose
# statement the engine's events see; the driver's own path pays off for more.
BULK_FROM = 100


def bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows as fast as the database takes them: COPY on PostgreSQL, one executemany
    of the driver on SQLite; each value goes through its column type as a Core insert's.

    Each row first gets its columns' Python defaults (the rows are then what is stored),
    and None for the other columns it leaves out; the integer key is left to the
    database unless the rows carry it. Bypassing a Core insert's per-row work matters to
    the import of a legacy archive, its history included: millions of rows.
    """
    if not rows:
        return
    key = table.autoincrement_column
    columns = [c for c in table.c if not (c is key and c.key not in rows[0])]
    names = {c.key for c in columns}
    for row in rows:
        if row.keys() >= names:
            continue  # most rows name every column: one set comparison
        for target in columns:
            if target.key not in row:
                default = target.default
                if default is None:
                    row[target.key] = None
                elif default.is_scalar:
                    row[target.key] = default.arg
                else:
                    row[target.key] = default.arg(_DefaultContext(row))
    if len(rows) < BULK_FROM:
        connection.execute(insert(table), rows)
        return
    dialect = connection.dialect
    values = []
    for target in columns:
        cells = map(itemgetter(target.key), rows)
        process = target.type.dialect_impl(dialect).bind_processor(dialect)
        values.append([None if v is None else process(v) for v in cells] if process else cells)
    tuples = list(zip(*values, strict=True))
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(c.name) for c in columns)
    if dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {quote.format_table(table)} ({names}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _c in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ({marks})", tuples
    )


def savepoint(session: Session) -> SessionTransaction:
    """A savepoint inside the session's transaction, for writes its caller keeps or drops.

    pysqlite begins SQLite's transaction only at the first INSERT or UPDATE: a SAVEPOINT
    before it would itself be the outermost transaction, whose release commits (and the
    caller's later writes would go in a transaction of their own). SQLite's transaction is
    opened first, taking the write lock before anything is read for what is written.
    """
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return session.begin_nested()


@contextmanager
def deferred_foreign_keys(connection: Connection, *constraints: str) -> Iterator[None]:
    """Check these foreign keys (declared deferrable) once the block's statements are all
    done, not at each of them; SQLite defers all of them, and checks at the commit. Inside
    a `savepoint()`: SQLite's pragma lasts until its transaction ends, which the savepoint
    has opened."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        yield
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = OFF")
        return
    names = ", ".join(constraints)
    connection.exec_driver_sql(f"SET CONSTRAINTS {names} DEFERRED")
    yield
    connection.exec_driver_sql(f"SET CONSTRAINTS {names} IMMEDIATE")  # checks them now


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bounded piece of bulk work (a chunk of an
    import): the collector would otherwise walk every row object the chunk still holds
    hundreds of times; once the chunk is done reference counting frees them, and the
    collector, running again, finds what cycles are left."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
